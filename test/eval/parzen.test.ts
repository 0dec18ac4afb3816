import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvalError } from '../../src/eval/errors.js';
import { defaultSigmaGrid, parzenLogLikelihood, selectSigma } from '../../src/eval/parzen.js';
import { gaussianMatrix, useCpu } from './helpers.js';

beforeAll(useCpu);

/** log N(x; 0, τ² I) averaged over the rows of x. */
const analyticMeanLogDensity = async (x: tf.Tensor2D, tau: number): Promise<number> => {
  const d = x.shape[1];
  const sq = (await tf.mean(tf.sum(tf.square(x), 1)).data())[0] ?? 0;
  return -(d / 2) * Math.log(2 * Math.PI * tau * tau) - sq / (2 * tau * tau);
};

describe('parzenLogLikelihood', () => {
  it('is the Gaussian log-density itself for one sample', async () => {
    const samples = tf.tensor2d([[1, 2, 3]]);
    const test = tf.tensor2d([
      [1, 2, 3],
      [2, 2, 1],
    ]);
    const sigma = 0.7;
    const { mean, n } = await parzenLogLikelihood(samples, test, sigma);
    const logN = (sq: number): number =>
      -1.5 * Math.log(2 * Math.PI * sigma * sigma) - sq / (2 * sigma * sigma);
    expect(n).toBe(2);
    expect(mean).toBeCloseTo((logN(0) + logN(5)) / 2, 4);
  });

  it('averages the kernels: two samples give log of the mean of two Gaussians', async () => {
    const samples = tf.tensor2d([[0], [2]]);
    const test = tf.tensor2d([[0.5]]);
    const sigma = 1;
    const pdf = (d: number): number => Math.exp(-(d * d) / 2) / Math.sqrt(2 * Math.PI);
    const { mean } = await parzenLogLikelihood(samples, test, sigma);
    expect(mean).toBeCloseTo(Math.log((pdf(0.5) + pdf(1.5)) / 2), 5);
  });

  it('approaches the analytic log-density of the sampled Gaussian as samples grow', async () => {
    const tau = 1;
    const test = gaussianMatrix(2, 400, 2, tau);
    const exact = await analyticMeanLogDensity(test, tau);
    const gapWith = async (n: number, sigma: number): Promise<number> =>
      Math.abs((await parzenLogLikelihood(gaussianMatrix(1, n, 2, tau), test, sigma)).mean - exact);
    // Bandwidths near Silverman's rule (τ · n^(−1/6) in 2-D).
    const few = await gapWith(30, 0.6);
    const many = await gapWith(6000, 0.23);
    expect(many).toBeLessThan(0.06);
    expect(many).toBeLessThan(few);
  });

  it('does not depend on the chunk size', async () => {
    const samples = gaussianMatrix(3, 50, 4);
    const test = gaussianMatrix(4, 23, 4);
    const whole = await parzenLogLikelihood(samples, test, 0.5, { chunk: 1000 });
    const pieces = await parzenLogLikelihood(samples, test, 0.5, { chunk: 5 });
    expect(pieces.mean).toBeCloseTo(whole.mean, 4);
    expect(pieces.stderr).toBeCloseTo(whole.stderr, 4);
  });

  it('reports a standard error that shrinks with more test points', async () => {
    const samples = gaussianMatrix(5, 200, 2);
    const small = await parzenLogLikelihood(samples, gaussianMatrix(6, 25, 2), 0.4);
    const large = await parzenLogLikelihood(samples, gaussianMatrix(6, 400, 2), 0.4);
    expect(small.stderr).toBeGreaterThan(0);
    expect(large.stderr).toBeLessThan(small.stderr);
  });

  it('rejects mismatched widths and bad bandwidths with a clear error', async () => {
    const a = tf.zeros([3, 2]) as tf.Tensor2D;
    await expect(parzenLogLikelihood(a, tf.zeros([3, 5]) as tf.Tensor2D, 1)).rejects.toThrow(
      /widths differ \(2 vs 5\)/,
    );
    await expect(parzenLogLikelihood(a, a, 0)).rejects.toThrow(EvalError);
    await expect(parzenLogLikelihood(a, a, Number.NaN)).rejects.toThrow(/sigma must be a positive number/);
    await expect(selectSigma(a, a, [])).rejects.toThrow(/grid is empty/);
  });
});

describe('selectSigma', () => {
  const grid = Array.from({ length: 13 }, (_, i) => 10 ** (-3 + i / 3)); // 0.001 … 10

  it('picks a bandwidth of the order of the data scale', async () => {
    for (const tau of [0.02, 0.5]) {
      const { sigma, scores } = await selectSigma(
        gaussianMatrix(7, 1500, 3, tau),
        gaussianMatrix(8, 300, 3, tau),
        grid,
      );
      expect(scores).toHaveLength(grid.length);
      expect(sigma / tau).toBeGreaterThan(0.1);
      expect(sigma / tau).toBeLessThan(1);
      const best = Math.max(...scores.map((s) => s.meanLogLikelihood));
      expect(scores.find((s) => s.sigma === sigma)?.meanLogLikelihood).toBe(best);
    }
  });

  it('agrees with parzenLogLikelihood at every grid point', async () => {
    const samples = gaussianMatrix(9, 100, 2);
    const validation = gaussianMatrix(10, 40, 2);
    const { scores } = await selectSigma(samples, validation, [0.1, 0.3, 1]);
    for (const { sigma, meanLogLikelihood } of scores) {
      expect(meanLogLikelihood).toBeCloseTo((await parzenLogLikelihood(samples, validation, sigma)).mean, 4);
    }
  });

  it('uses the GAN paper grid by default: ten values from 0.1 to 1', () => {
    expect(defaultSigmaGrid).toHaveLength(10);
    expect(defaultSigmaGrid[0]).toBeCloseTo(0.1, 12);
    expect(defaultSigmaGrid[9]).toBeCloseTo(1, 12);
  });
});
