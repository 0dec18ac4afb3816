import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ring } from '../../src/data/synthetic.js';
import { mmd } from '../../src/runtime/losses.js';
import type { Plan } from '../../src/compile/plan.js';
import { createTrainer, type Trainer } from '../../src/runtime/trainer.js';
import { compileOrThrow, tinyAae } from './models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = ring(512, { seed: 5, modes: 8, radius: 2, std: 0.1 });

/** MMD² between the codes of the whole set and as many prior draws (fixed seed). */
const codeToPriorMmd = (trainer: Trainer): number =>
  tf.tidy(() => {
    const codes = trainer.evalView('encode', { x: data.x, rows: data.size });
    const prior = trainer.evalView('prior', undefined, data.size, { seed: 99 });
    return mmd(codes, prior, [0.5, 1, 2]).dataSync()[0] ?? Number.NaN;
  });

/** Train for `steps` iterations and return the code-to-prior MMD before and after. */
const train = async (plan: Plan, steps: number): Promise<{ start: number; end: number }> => {
  const trainer = createTrainer({ plan, data, batchSize: 64, seed: 4 });
  const start = codeToPriorMmd(trainer);
  for (let i = 1; i <= steps; i++) {
    trainer.step();
    if (i % 50 === 0) await trainer.readLosses();
  }
  const end = codeToPriorMmd(trainer);
  trainer.dispose();
  return { start, end };
};

describe('an AAE on a 2-D ring', () => {
  it('moves its aggregated posterior toward the N(0, I) prior, which an autoencoder alone does not', async () => {
    const plan = compileOrThrow(tinyAae({ hidden: 32 }));
    const aae = await train(plan, 200);
    // Control: the same nets, seed and data, trained on reconstruction only.
    const control = await train({ ...plan, schedule: plan.schedule.slice(0, 1) }, 200);
    expect(aae.end).toBeLessThan(aae.start / 4);
    expect(aae.end).toBeLessThan(control.end / 2);
  });
});
