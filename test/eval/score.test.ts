import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifierScore } from '../../src/eval/score.js';
import { softOneHot, useCpu } from './helpers.js';

beforeAll(useCpu);

describe('classifierScore', () => {
  it('is the number of classes for confident predictions spread evenly over the classes', async () => {
    const indices = Array.from({ length: 50 }, (_, i) => i % 10);
    expect(await classifierScore(softOneHot(indices, 10))).toBeCloseTo(10, 4);
  });

  it('is 1 when every example gets the same prediction', async () => {
    expect(await classifierScore(softOneHot(Array(20).fill(3), 10))).toBeCloseTo(1, 6);
    expect(await classifierScore(softOneHot([0, 1, 2, 3], 4, 0.25))).toBeCloseTo(1, 6); // uniform rows
  });

  it('is the number of classes used when predictions cover only some of them', async () => {
    expect(await classifierScore(softOneHot([0, 1, 2, 0, 1, 2], 10))).toBeCloseTo(3, 4);
  });

  it('matches a hand-computed value for soft predictions', async () => {
    // rows (0.9, 0.1) and (0.1, 0.9): p(y) = (0.5, 0.5), KL per row = 0.9 ln 1.8 + 0.1 ln 0.2.
    const kl = 0.9 * Math.log(1.8) + 0.1 * Math.log(0.2);
    expect(await classifierScore(softOneHot([0, 1], 2, 0.9))).toBeCloseTo(Math.exp(kl), 5);
  });

  it('refuses probabilities with NaN', async () => {
    await expect(classifierScore(tf.tensor2d([[Number.NaN, 1]]))).rejects.toThrow(/NaN or Inf/);
  });
});

describe('classifierScore input checks', () => {
  it('names a row that is not a distribution', async () => {
    await expect(
      classifierScore(
        tf.tensor2d([
          [0.5, 0.5],
          [2, 1],
        ]),
      ),
    ).rejects.toThrow(/row 1 sums to 3/);
    await expect(classifierScore(tf.tensor2d([[-0.5, 1.5]]))).rejects.toThrow(/some entry is -0.5/);
  });
});
