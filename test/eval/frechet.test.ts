import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureGaussian, frechetDistance, type FeatureGaussian } from '../../src/eval/frechet.js';
import { square } from '../../src/eval/symmetric.js';
import { gaussianMatrix, useCpu } from './helpers.js';

beforeAll(useCpu);

const gaussianOf = (mean: readonly number[], cov: readonly number[]): FeatureGaussian => ({
  mean: Float64Array.from(mean),
  covariance: square(mean.length, cov),
  n: 1000,
});

const diagonal = (d: readonly number[]): number[] => d.flatMap((x, i) => d.map((_, j) => (i === j ? x : 0)));

describe('frechetDistance', () => {
  it('is 0 between a set and itself', async () => {
    const g = await featureGaussian(gaussianMatrix(1, 300, 16));
    expect(frechetDistance(g, g)).toBeLessThan(1e-9);
  });

  it('is symmetric', async () => {
    const a = await featureGaussian(gaussianMatrix(2, 200, 8));
    const b = await featureGaussian(tf.mul(gaussianMatrix(3, 200, 8, 1, 0.5), 1.7) as tf.Tensor2D);
    const ab = frechetDistance(a, b);
    expect(ab).toBeGreaterThan(1);
    expect(frechetDistance(b, a)).toBeCloseTo(ab, 9);
  });

  it('grows with a mean shift as ‖μ₁ − μ₂‖² when covariances agree', async () => {
    const x = gaussianMatrix(4, 250, 6);
    const base = await featureGaussian(x);
    for (const delta of [
      [0.5, 0, 0, 0, 0, 0],
      [1, -2, 0.5, 0, 3, 1],
    ]) {
      const shifted = await featureGaussian(tf.add(x, tf.tensor1d(delta)) as tf.Tensor2D);
      const expected = delta.reduce((s, v) => s + v * v, 0);
      expect(frechetDistance(base, shifted)).toBeCloseTo(expected, 3);
    }
  });

  it('matches the closed form Σ(√c₁ − √c₂)² + ‖Δμ‖² on diagonal covariances', () => {
    const c1 = [1, 4, 0.25, 2];
    const c2 = [9, 1, 0.25, 0.5];
    const a = gaussianOf([0, 1, 2, 3], diagonal(c1));
    const b = gaussianOf([1, 1, 0, 3], diagonal(c2));
    const expected = 1 + 4 + c1.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(c2[i] ?? 0)) ** 2, 0);
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 10);
  });

  it('matches the closed form on non-commuting 2×2 covariances', () => {
    // tr √M for a 2×2 M with positive eigenvalues is √(tr M + 2√det M); here M = C₁C₂.
    const c1 = [2, 1, 1, 2];
    const c2 = [1, 0, 0, 4];
    const trM = 2 * 1 + 1 * 0 + (1 * 0 + 2 * 4); // tr(C₁C₂)
    const detM = (2 * 2 - 1) * (1 * 4);
    const expected = 2 + 2 + 1 + 4 - 2 * Math.sqrt(trM + 2 * Math.sqrt(detM));
    expect(frechetDistance(gaussianOf([0, 0], c1), gaussianOf([0, 0], c2))).toBeCloseTo(expected, 10);
  });

  it('follows the trace term when a set is scaled: (1 − k)² (tr C + ‖μ‖²)', async () => {
    const x = gaussianMatrix(5, 300, 5, 1, 0.3);
    const a = await featureGaussian(x);
    const k = 2.5;
    const b = await featureGaussian(tf.mul(x, k) as tf.Tensor2D);
    const trC = Array.from({ length: 5 }, (_, i) => a.covariance.data[i * 6] ?? 0).reduce((s, v) => s + v, 0);
    const mu2 = a.mean.reduce((s, v) => s + v * v, 0);
    expect(frechetDistance(a, b)).toBeCloseTo((1 - k) ** 2 * (trC + mu2), 3);
  });

  it('rejects feature sets of different widths and too few rows', async () => {
    await expect(featureGaussian(tf.zeros([1, 3]) as tf.Tensor2D)).rejects.toThrow(/at least 2 feature rows/);
    expect(() => frechetDistance(gaussianOf([0], [1]), gaussianOf([0, 0], [1, 0, 0, 1]))).toThrow(
      /widths differ \(1 vs 2\)/,
    );
  });
});
