import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ring } from '../../src/data/synthetic.js';
import { adam, rmsprop, sgd } from '../../src/dsl/index.js';
import type { Optimizer } from '../../src/dsl/ast.js';
import {
  CheckpointError,
  readManifest,
  restoreTrainer,
  saveCheckpoint,
} from '../../src/runtime/checkpoint.js';
import {
  createTrainer,
  type LossRecord,
  type Trainer,
  type TrainerConfig,
} from '../../src/runtime/trainer.js';
import { compileOrThrow, tinyAae } from './models.js';
import { batchNorm, dense, dropout, relu, seq } from '../../src/dsl/index.js';

const root = mkdtempSync(join(tmpdir(), 'saddle-ckpt-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = ring(128, { seed: 11 });

const steps = async (trainer: Trainer, n: number): Promise<LossRecord[]> => {
  for (let i = 0; i < n; i++) trainer.step();
  return trainer.readLosses();
};

const stateful = (optimizer: Optimizer): TrainerConfig => ({
  plan: compileOrThrow(
    tinyAae({
      encoderLayers: seq(dense(12), batchNorm(), relu, dropout(0.25), dense(2)),
      reconstructionOptimizer: optimizer,
    }),
  ),
  data,
  batchSize: 24,
  seed: 9,
});

describe('checkpoints', () => {
  const optimizers: [string, Optimizer][] = [
    ['adam', adam(1e-2)],
    ['sgd with momentum', sgd(1e-2, { momentum: 0.9 })],
    ['rmsprop', rmsprop(1e-3, { momentum: 0.5 })],
  ];
  for (const [label, optimizer] of optimizers) {
    it(`resume continues with identical losses (${label}, batch norm, dropout, an epoch boundary)`, async () => {
      const config = stateful(optimizer);
      const straight = createTrainer(config);
      const expected = await steps(straight, 40);
      straight.dispose();

      const dir = join(root, `resume-${label.replace(/\s/g, '-')}`);
      const first = createTrainer(config);
      const before = await steps(first, 20);
      await saveCheckpoint(dir, first);
      first.dispose();
      const resumed = await restoreTrainer(dir, config);
      expect(resumed.iteration).toBe(20);
      const after = await steps(resumed, 20);
      resumed.dispose();

      expect([...before, ...after]).toEqual(expected);
    });
  }

  it('refuses to save while losses are unread', async () => {
    const trainer = createTrainer(stateful(adam(1e-3)));
    trainer.step();
    await expect(saveCheckpoint(join(root, 'unread'), trainer)).rejects.toThrow(/losses are unread/);
    await trainer.readLosses();
    trainer.dispose();
  });

  it('keeps the newest two checkpoints, each a manifest and a binary', async () => {
    const dir = join(root, 'replace');
    const trainer = createTrainer(stateful(adam(1e-3)));
    for (const n of [2, 3, 1]) {
      await steps(trainer, n);
      await saveCheckpoint(dir, trainer);
    }
    trainer.dispose();
    expect(readManifest(dir).progress.iteration).toBe(6);
    expect(readdirSync(dir).sort()).toEqual([
      'checkpoint-5.bin',
      'checkpoint-5.json',
      'checkpoint-6.bin',
      'checkpoint-6.json',
    ]);
  });

  it('rejects a checkpoint of another run with a message naming the file', async () => {
    const dir = join(root, 'mismatch');
    const config = stateful(adam(1e-3));
    const trainer = createTrainer(config);
    await steps(trainer, 1);
    await saveCheckpoint(dir, trainer);
    trainer.dispose();
    await expect(restoreTrainer(dir, { ...config, seed: 10 })).rejects.toThrow(
      /checkpoint-1\.json was written with seed 9/,
    );
    const other = compileOrThrow(tinyAae({ hidden: 5 }));
    await expect(restoreTrainer(dir, { ...config, plan: other })).rejects.toThrow(CheckpointError);
    await expect(restoreTrainer(join(root, 'nothing-here'), config)).rejects.toThrow(/no checkpoint in/);
    writeFileSync(join(dir, 'checkpoint-1.json'), '{ not json');
    await expect(restoreTrainer(dir, config)).rejects.toThrow(
      /checkpoint-1\.json is not valid JSON.*holds no earlier checkpoint/,
    );
    expect(existsSync(join(dir, 'checkpoint-1.bin'))).toBe(true);
  });

  it("reads saddle 0.1's single checkpoint (checkpoint.json, version 1, no checksums)", async () => {
    const dir = join(root, 'legacy');
    const config = stateful(adam(1e-3));
    const trainer = createTrainer(config);
    await steps(trainer, 3);
    const { sha256: _sha, weightsSha256: _weights, data: _data, ...v2 } = await saveCheckpoint(dir, trainer);
    const expected = await steps(trainer, 2);
    trainer.dispose();
    rmSync(join(dir, 'checkpoint-3.json'));
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify({ ...v2, version: 1 }));
    const restored = await restoreTrainer(dir, config);
    expect(restored.iteration).toBe(3);
    expect(await steps(restored, 2)).toEqual(expected);
    restored.dispose();
  });

  it('passes over a damaged newest checkpoint to the previous one, reporting it', async () => {
    const dir = join(root, 'fallback');
    const config = stateful(adam(1e-3));
    const trainer = createTrainer(config);
    await steps(trainer, 2);
    await saveCheckpoint(dir, trainer);
    await steps(trainer, 2);
    await saveCheckpoint(dir, trainer);
    trainer.dispose();
    writeFileSync(join(dir, 'checkpoint-4.bin'), 'short');
    const rejected: string[] = [];
    const restored = await restoreTrainer(dir, config, { onRejected: (p) => rejected.push(p) });
    expect(restored.iteration).toBe(2);
    restored.dispose();
    expect(rejected).toEqual([
      expect.stringMatching(/checkpoint-4\.bin holds 5 bytes; .*checkpoint-4\.json describes \d+/),
    ]);
    expect(readManifest(dir).progress.iteration).toBe(2);
  });

  it('does not leak tensors across save and restore', async () => {
    const dir = join(root, 'leak');
    const config = stateful(adam(1e-3));
    const trainer = createTrainer(config);
    await steps(trainer, 2);
    const before = tf.memory().numTensors;
    await saveCheckpoint(dir, trainer);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    const restored = await restoreTrainer(dir, config);
    await steps(restored, 1);
    restored.dispose();
    const baseline = tf.memory().numTensors;
    const again = await restoreTrainer(dir, config);
    again.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
