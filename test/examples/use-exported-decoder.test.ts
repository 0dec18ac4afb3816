/**
 * Using exported nets without saddle: the files `exportNets` writes, loaded by the example's
 * plain-tfjs loader, compute what the trainer computes; the example's walk along the roll stays on
 * the guide's prior and its picture is a grid of the decoder's images.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from 'saddle';
import { createTrainer, exportNets } from 'saddle/runtime';
import { tinyDigits } from 'saddle/data';
import { decodePng } from 'saddle/report';
import { buildWae } from '../../examples/wae-swiss-roll.js';
import { loadExported, main, rollPath } from '../../examples/use-exported-decoder.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-exported-'));
const data = tinyDigits(200, { seed: 4 });

beforeAll(async () => {
  await tf.setBackend('cpu');
  const compiled = compile(buildWae({ data: { x: [81], classes: 10 }, hidden: 16 }));
  if (E.isLeft(compiled)) throw new Error('the example does not compile');
  const trainer = createTrainer({ plan: compiled.right, data, batchSize: 20, seed: 1 });
  for (let i = 0; i < 5; i++) trainer.step();
  await exportNets(trainer, join(tmp, 'export'));
  // The trainer's own reconstruction of a batch, to compare the exported nets with.
  const x = data.x.subarray(0, 20 * 81);
  const reconstructed = trainer.evalView('reconstruct', { x, rows: 20 });
  expected = (await reconstructed.data()) as Float32Array;
  reconstructed.dispose();
  trainer.dispose();
});

let expected: Float32Array = new Float32Array(0);

describe('examples/use-exported-decoder', () => {
  it('loads exported nets that compute exactly what the trainer computes', async () => {
    const encoder = await loadExported(join(tmp, 'export', 'encoder'));
    const decoder = await loadExported(join(tmp, 'export', 'decoder'));
    const x = tf.tensor2d(data.x.subarray(0, 20 * 81), [20, 81]);
    const out = decoder.predict(encoder.predict(x) as tf.Tensor) as tf.Tensor;
    const got = (await out.data()) as Float32Array;
    tf.dispose([x, out]);
    encoder.dispose();
    decoder.dispose();
    expect(got.length).toBe(expected.length);
    expect(Math.max(...got.map((v, i) => Math.abs(v - (expected[i] ?? NaN))))).toBeLessThan(1e-5);
  });

  it('walks the middle of the swiss roll from the centre outwards', () => {
    const path = rollPath(50);
    const radius = (i: number): number => Math.hypot(path[2 * i] ?? NaN, path[2 * i + 1] ?? NaN);
    expect(radius(0)).toBeLessThan(0.5);
    expect(radius(49)).toBeGreaterThan(2.9);
    expect(radius(49)).toBeLessThanOrEqual(3);
    for (let i = 1; i < 50; i++) expect(radius(i)).toBeGreaterThan(radius(i - 1));
  });

  it('writes a grid of the decoded walk', async () => {
    const picture = join(tmp, 'walk.png');
    const result = await main({
      exportDir: join(tmp, 'export'),
      picture,
      points: 20,
      side: 9,
      backend: 'cpu',
    });
    expect(result.images.length).toBe(20 * 81);
    const png = decodePng(readFileSync(picture));
    const single = await main({
      exportDir: join(tmp, 'export'),
      picture,
      points: 10,
      side: 9,
      backend: 'cpu',
    });
    expect(single.images.length).toBe(10 * 81);
    // Two rows of ten cells are taller than one.
    expect(png.height).toBeGreaterThan(decodePng(readFileSync(picture)).height);
  });
});
