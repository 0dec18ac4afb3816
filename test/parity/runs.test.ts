/**
 * `npm run parity:runs` compares whole runs (minutes each), so the runs themselves are a measurement
 * (docs/parity.md), not a test. What is tested: that the PyTorch twin really starts from saddle's
 * initial weights (the comparison means nothing otherwise), and that options the twin does not
 * model are refused, not silently compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { loadMnist } from '../../src/data/mnist.js';
import { createTrainer } from '../../src/runtime/trainer.js';
import { aae } from '../../src/zoo/aae.js';
import { exportInitialWeights, findTorchPython } from '../../parity/harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the whole-run parity harness', () => {
  const torch = findTorchPython();

  it("the twin loaded with saddle's initial weights encodes and decodes as saddle does", async () => {
    if (!torch.ok) {
      console.warn(`parity:runs twin check NOT RUN: ${torch.reason}`);
      expect(process.env['CI'], 'CI must have python3-torch (.ci/run installs it)').not.toBe('true');
      return;
    }
    await tf.setBackend('cpu');
    const plan = compile(aae.build({ ...aae.defaults, latent: 2, prior: 'mixture10' }));
    if (E.isLeft(plan)) throw new Error('aae does not compile');
    const { test } = await loadMnist();
    const trainer = createTrainer({ plan: plan.right, data: test, batchSize: 100, seed: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'saddle-twin-'));
    dirs.push(dir);
    exportInitialWeights(dir, trainer);
    const rows = 8;
    const input = { x: test.x.subarray(0, rows * 784), rows };
    const codes = trainer.evalView('encode', input).arraySync() as number[][];
    const images = trainer.evalView('reconstruct', input).arraySync() as number[][];
    trainer.dispose();

    const script = [
      'import json, sys, numpy as np, torch',
      "sys.path.insert(0, 'scripts/recipes')",
      'import aae2d',
      'enc, dec, dis = aae2d.mlp([784, 1000, 1000, 2]), aae2d.mlp([2, 1000, 1000, 784]), aae2d.mlp([2, 1000, 1000, 1])',
      "aae2d.load_init(sys.argv[1], {'encoder': enc, 'decoder': dec, 'discriminator': dis})",
      "x = torch.from_numpy(aae2d.idx('t10k-images-idx3-ubyte')[:8].reshape(-1, 784).astype(np.float32) / 255)",
      'with torch.no_grad():',
      '    z = enc(x)',
      "    print(json.dumps({'codes': z.tolist(), 'images': torch.sigmoid(dec(z)).tolist()}))",
    ].join('\n');
    const run = spawnSync(torch.python, ['-c', script, dir], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const twin = JSON.parse(run.stdout) as { codes: number[][]; images: number[][] };
    const worst = (a: number[][], b: number[][]): number =>
      Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - (b[i]?.[j] ?? NaN)))));
    expect(worst(codes, twin.codes)).toBeLessThan(1e-4);
    expect(worst(images, twin.images)).toBeLessThan(1e-5);
    // and the codes are not trivially equal (a twin that ignored the weights would differ by ~1)
    expect(Math.max(...codes.flat().map(Math.abs))).toBeGreaterThan(0.05);
  });

  it('refuses options the twin does not model, naming them (exit 2)', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'parity/runs.ts', '--set=posterior=gaussian', '--set=form=minimax'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('the PyTorch twin does not model posterior=gaussian');
    expect(run.stderr).toContain('form=minimax');
  });
});
