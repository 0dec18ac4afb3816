import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ring } from '../../src/data/synthetic.js';
import { createTrainer, type LossRecord, type Trainer } from '../../src/runtime/trainer.js';
import { compileOrThrow, tinyAaeWithState } from './models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = ring(256, { seed: 3 });

const run = async (trainer: Trainer, steps: number): Promise<LossRecord[]> => {
  const out: LossRecord[] = [];
  for (let i = 0; i < steps; i++) trainer.step();
  out.push(...(await trainer.readLosses()));
  return out;
};

describe('trainer', () => {
  it('runs the schedule and reports one loss per phase per iteration', async () => {
    const trainer = createTrainer({ plan: compileOrThrow(tinyAaeWithState()), data, batchSize: 32, seed: 1 });
    const records = await run(trainer, 5);
    expect(records.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5]);
    for (const r of records) expect(Object.keys(r.losses)).toEqual(['reconstruction', 'critic', 'generator']);
    expect(trainer.iteration).toBe(5);
    expect(trainer.stepsPerEpoch).toBe(8);
    trainer.dispose();
  });

  it('same seed → identical losses; another seed → different losses', async () => {
    const plan = compileOrThrow(tinyAaeWithState());
    const losses = async (seed: number): Promise<LossRecord[]> => {
      const t = createTrainer({ plan, data, batchSize: 32, seed });
      const r = await run(t, 10);
      t.dispose();
      return r;
    };
    const a = await losses(7);
    const b = await losses(7);
    const c = await losses(8);
    expect(b).toEqual(a);
    expect(c[0]?.losses).not.toEqual(a[0]?.losses);
  });

  it('keeps the tensor count flat across 100 steps', async () => {
    const trainer = createTrainer({ plan: compileOrThrow(tinyAaeWithState()), data, batchSize: 32, seed: 2 });
    await run(trainer, 3); // optimizer slots are created on the first steps
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      trainer.step();
      if (i % 10 === 9) await trainer.readLosses();
    }
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});
