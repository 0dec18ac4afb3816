import { fc, test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mmdSquared } from '../../src/eval/mmd.js';
import { gaussianMatrix, useCpu } from './helpers.js';

beforeAll(useCpu);

const anySample = (width: number) =>
  fc
    .array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: width, maxLength: width }), {
      minLength: 1,
      maxLength: 12,
    })
    .map((rows) => tf.tensor2d(rows, [rows.length, width]));

describe('mmdSquared', () => {
  it('has the closed form 2 − 2·exp(−1/2) for the points 0 and 1 with σ = 1', async () => {
    expect(await mmdSquared(tf.tensor2d([[0]]), tf.tensor2d([[1]]), [1])).toBeCloseTo(
      2 - 2 * Math.exp(-0.5),
      6,
    );
  });

  test.prop([anySample(3)], { numRuns: 25 })('is 0 on identical samples', async (a) => {
    expect(await mmdSquared(a, a.clone(), [0.5, 2])).toBeLessThan(1e-6);
  });

  test.prop([anySample(2), anySample(2)], { numRuns: 25 })('is symmetric', async (a, b) => {
    const ab = await mmdSquared(a, b, [1, 3]);
    expect(await mmdSquared(b, a, [1, 3])).toBeCloseTo(ab, 5);
  });

  it('grows as one sample moves away from the other, and sees a mismatch of scale', async () => {
    const prior = gaussianMatrix(1, 200, 4);
    const same = await mmdSquared(gaussianMatrix(2, 200, 4), prior);
    const shifted = await mmdSquared(gaussianMatrix(2, 200, 4, 1, 0.5), prior);
    const further = await mmdSquared(gaussianMatrix(2, 200, 4, 1, 1.5), prior);
    const squeezed = await mmdSquared(gaussianMatrix(2, 200, 4, 0.2), prior);
    expect(same).toBeLessThan(shifted);
    expect(shifted).toBeLessThan(further);
    expect(same).toBeLessThan(squeezed);
  });

  it('does not depend on the chunk size', async () => {
    const a = gaussianMatrix(3, 37, 2);
    const b = gaussianMatrix(4, 21, 2, 1, 1);
    expect(await mmdSquared(a, b, [1], { chunk: 4 })).toBeCloseTo(
      await mmdSquared(a, b, [1], { chunk: 100 }),
      6,
    );
  });

  it('rejects mismatched widths and bad bandwidths', async () => {
    await expect(
      mmdSquared(tf.zeros([2, 2]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D),
    ).rejects.toThrow(/widths differ/);
    await expect(
      mmdSquared(tf.zeros([2, 2]) as tf.Tensor2D, tf.zeros([2, 2]) as tf.Tensor2D, [0]),
    ).rejects.toThrow(/bandwidths must be positive/);
  });
});
