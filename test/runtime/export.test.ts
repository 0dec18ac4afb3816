import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from '../../src/data/dataset.js';
import { createRng } from '../../src/data/rng.js';
import {
  adam,
  apply,
  batchNorm,
  conv2d,
  deconv2d,
  dense,
  dropout,
  elu,
  flatten,
  input,
  leakyRelu,
  maxPool,
  model,
  net,
  phase,
  reconstruction,
  reshape,
  seq,
  sigmoid,
  softmax,
  tanh,
} from '../../src/dsl/index.js';
import { createDraws } from '../../src/runtime/draws.js';
import { exportNets } from '../../src/runtime/export.js';
import { compileNet } from '../../src/runtime/nets.js';
import { createTrainer } from '../../src/runtime/trainer.js';
import { compileOrThrow } from './models.js';

const root = mkdtempSync(join(tmpdir(), 'saddle-export-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An autoencoder on 4×4 images using every layer kind. */
const everyLayer = model('every-layer', {
  data: { x: [16], classes: 2 },
  nets: [
    net(
      'encoder',
      seq(
        reshape([4, 4, 1]),
        conv2d(3, 3),
        leakyRelu(0.1),
        maxPool(2),
        flatten,
        dense(6),
        tanh,
        dense(4, { bias: false }),
        softmax,
      ),
    ),
    net(
      'decoder',
      seq(
        dense(8),
        batchNorm(),
        elu,
        dropout(0.3),
        reshape([2, 2, 2]),
        deconv2d(2, 3, { stride: 2 }),
        leakyRelu(),
        flatten,
        dense(16),
        sigmoid,
      ),
    ),
  ],
  schedule: [
    phase('reconstruction', {
      minimize: reconstruction(input(), apply(net('decoder', []), apply(net('encoder', []), input())), 'bce'),
      update: ['encoder', 'decoder'],
      optimizer: adam(1e-2),
    }),
  ],
});

describe('export', () => {
  it('writes each net as model.json + weights.bin that tf.loadLayersModel reads back to the same function', async () => {
    const rng = createRng(5);
    const x = Float32Array.from({ length: 64 * 16 }, () => rng.nextFloat());
    const data = createDataset({ name: 'noise', x, shape: [16], labels: new Int32Array(64), classes: 2 });
    const plan = compileOrThrow(everyLayer);
    const trainer = createTrainer({ plan, data, batchSize: 16, seed: 3 });
    for (let i = 0; i < 5; i++) trainer.step();
    await trainer.readLosses();

    const written = await exportNets(trainer, root);
    expect(written).toEqual([join('encoder', 'model.json'), join('decoder', 'model.json')]);

    for (const planNet of plan.nets) {
      const dir = join(root, planNet.name);
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
        modelTopology: object;
        format: string;
        weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      };
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0]?.paths).toEqual(['weights.bin']);
      const bin = readFileSync(join(dir, 'weights.bin'));
      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0]?.weights ?? [],
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        }),
      );
      const input = tf.randomUniform([7, ...planNet.inShape], 0, 1, 'float32', 11);
      const ours = compileNet(planNet, trainer.variables)(input, {
        training: false,
        updateStatistics: false,
        draws: createDraws(0),
      });
      const theirs = loaded.predict(input) as tf.Tensor;
      expect(theirs.shape).toEqual(ours.shape);
      const diff = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0] ?? Number.NaN;
      expect(diff).toBeLessThan(1e-5);
      tf.dispose([input, ours, theirs]);
      loaded.dispose();
    }
    trainer.dispose();
  });
});
