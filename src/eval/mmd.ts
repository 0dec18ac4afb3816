/**
 * Maximum mean discrepancy between two samples under a mixture of RBF kernels: how well a model's
 * encoded codes fit its prior (the MMD-AAE criterion of seed 000, used here as a metric).
 *
 *   MMD² = E k(a, a') + E k(b, b') − 2 E k(a, b),   k(u, v) = Σ_σ exp(−‖u − v‖² / 2σ²)
 *
 * The biased (V-statistic) form, as in the training loss: zero on identical samples, symmetric, and
 * never negative. Kernel means are taken over chunks of rows so the `m × n` kernel table never exists.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { chunks, squaredDistances } from './distance.js';
import { EvalError, requireMatrix, requireSameWidth } from './errors.js';

/**
 * Bandwidths for codes of unit-scale priors (N(0, I), the AAE's mixtures): from well inside one
 * unit to the spread of a whole 8-D code cloud. Why a mixture: a single σ is blind at scales far
 * from it; the sum stays sensitive to both local and global mismatch.
 *
 * @example
 * await mmdSquared(codes, priorDraws, defaultCodeSigmas);   // the default when sigmas are omitted
 */
export const defaultCodeSigmas: readonly number[] = [0.25, 0.5, 1, 2, 4, 8];

/** The mean of `k(a_i, b_j)` over all pairs, accumulated in Float64 over row chunks of `a`. */
const kernelMean = async (
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  sigmas: readonly number[],
  chunk: number,
): Promise<number> => {
  const [m, d = 0] = a.shape;
  let total = 0;
  for (const [start, end] of chunks(m, chunk)) {
    const sum = tf.tidy(() => {
      const dist = squaredDistances(tf.slice(a, [start, 0], [end - start, d]), b);
      return tf.addN(sigmas.map((s) => tf.tidy(() => tf.sum(tf.exp(tf.mul(dist, -1 / (2 * s * s)))))));
    });
    const [value = 0] = await sum.data();
    sum.dispose();
    total += value;
  }
  return total / (m * b.shape[0]);
};

/**
 * Squared MMD between the rows of `a` and of `b` with the RBF mixture `sigmas`. Why clamp at 0:
 * the V-statistic is non-negative in exact arithmetic; rounding can leave −1e-8 on identical sets.
 *
 * @example
 * const codes = trainer.evalView('encode', { x: test.x, rows: test.size }) as tf.Tensor2D;
 * const prior = trainer.evalView('prior', undefined, 1000) as tf.Tensor2D;
 * const value = await mmdSquared(codes, prior);   // ≈ 0 when the codes match the prior
 */
export const mmdSquared = async (
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  sigmas: readonly number[] = defaultCodeSigmas,
  options: { readonly chunk?: number } = {},
): Promise<number> => {
  requireMatrix('mmd: first sample', a.shape);
  requireMatrix('mmd: second sample', b.shape);
  requireSameWidth('mmd', a.shape, b.shape);
  if (sigmas.length === 0 || sigmas.some((s) => !Number.isFinite(s) || s <= 0)) {
    throw new EvalError(`mmd: kernel bandwidths must be positive numbers, got [${sigmas.join(', ')}]`);
  }
  const chunk = options.chunk ?? 512;
  // One after another, so only one chunk's distance table is alive at a time.
  const aa = await kernelMean(a, a, sigmas, chunk);
  const bb = await kernelMean(b, b, sigmas, chunk);
  const ab = await kernelMean(a, b, sigmas, chunk);
  return Math.max(0, aa + bb - 2 * ab);
};
