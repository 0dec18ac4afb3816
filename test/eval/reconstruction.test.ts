import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { reconstructionError } from '../../src/eval/reconstruction.js';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

describe('reconstructionError', () => {
  const x = tf.tensor2d([
    [0, 1, 1, 0],
    [1, 1, 0, 0],
  ]);

  it('is near 0 for a perfect binary reconstruction under BCE and exactly 0 under MSE', async () => {
    expect((await reconstructionError(x, x, 'bce')).mean).toBeLessThan(1e-5);
    expect((await reconstructionError(x, x, 'mse')).mean).toBe(0);
  });

  it('costs d·ln 2 nats per image when every pixel is predicted 0.5', async () => {
    const r = await reconstructionError(x, tf.fill([2, 4], 0.5) as tf.Tensor2D, 'bce');
    expect(r.mean).toBeCloseTo(4 * Math.log(2), 5);
    expect(r.stderr).toBeCloseTo(0, 6);
  });

  it('sums squared errors over pixels and averages over images', async () => {
    const out = tf.tensor2d([
      [0.5, 1, 1, 0], // 0.25
      [1, 0, 0, 1], // 2
    ]);
    const r = await reconstructionError(x, out, 'mse');
    expect(r.mean).toBeCloseTo(1.125, 6);
    expect(r.stderr).toBeCloseTo(Math.sqrt(((0.25 - 1.125) ** 2 + (2 - 1.125) ** 2) / 1) / Math.sqrt(2), 6);
  });

  it('stays finite when a saturated output is certain and wrong', async () => {
    const r = await reconstructionError(tf.tensor2d([[1]]), tf.tensor2d([[0]]), 'bce');
    expect(Number.isFinite(r.mean)).toBe(true);
    expect(r.mean).toBeGreaterThan(10);
  });

  it('names mismatched shapes', async () => {
    await expect(reconstructionError(x, tf.zeros([3, 4]) as tf.Tensor2D, 'mse')).rejects.toThrow(
      /2 targets but 3 reconstructions/,
    );
  });
});
