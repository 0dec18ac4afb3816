/**
 * Parzen-window log-likelihood: the protocol of the GAN and AAE papers (seed 001; seed 000, Table 1).
 *
 * A model that can only be sampled is scored by fitting an isotropic Gaussian kernel density to its
 * samples `s₁…s_N` and reading off the density of held-out data:
 *
 *   log p̂(x) = logsumexp_i(−‖x − s_i‖² / 2σ²) − log N − (d/2) log(2πσ²).
 *
 * The bandwidth σ is chosen on a grid by the mean log-likelihood of a validation split held out of
 * the *training* set (`selectSigma`), never on the test set; the reported number is the mean over
 * the test set with its standard error (`parzenLogLikelihood`). Distances are matrix products and
 * the sum over samples a log-sum-exp, taken over chunks of the evaluated rows so memory stays at
 * `chunk × N` floats. Theis et al. (2015) show such estimates can mislead in high dimensions; we
 * report them because the papers do.
 *
 * @example
 * const { sigma } = await selectSigma(samples, validation, defaultSigmaGrid);
 * const { mean, stderr } = await parzenLogLikelihood(samples, test, sigma);
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
export type { MeanWithError } from './stats.js';
import { chunks, squaredDistances } from './distance.js';
import { EvalError, requireMatrix, requireSameWidth } from './errors.js';
import { meanWithError, type MeanWithError } from './stats.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * The bandwidth chosen and the validation score of every candidate (for the report).
 *
 * @example
 * const { sigma, scores }: SigmaSelection = await selectSigma(samples, validation, defaultSigmaGrid);
 * for (const s of scores) console.log(s.sigma, s.meanLogLikelihood);
 */
export interface SigmaSelection {
  readonly sigma: number;
  readonly scores: readonly { readonly sigma: number; readonly meanLogLikelihood: number }[];
}

/**
 * Memory and progress for the Parzen estimate: it evaluates `chunk` rows against every sample at a
 * time, so a smaller chunk fits a smaller machine; `onProgress` drives a progress bar.
 *
 * @example
 * await parzenLogLikelihood(samples, test, 0.2, { chunk: 64, onProgress: (f) => bar.update(f) });
 */
export interface ParzenOptions {
  /** Evaluated rows per chunk; memory is `chunk × samples` floats. Default 256. */
  readonly chunk?: number;
  /** Called after each chunk with the fraction done, for progress bars. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * The grid of the GAN paper's Parzen script for MNIST in [0, 1]: 10 values log-spaced from 0.1 to
 * 1. Why this grid: it is what produced the published numbers we compare against.
 *
 * @example
 * const { sigma } = await selectSigma(samples, validation, defaultSigmaGrid);
 */
export const defaultSigmaGrid: readonly number[] = Array.from({ length: 10 }, (_, i) => 10 ** (-1 + i / 9));

// -------------------------------------------------------------------------------------------------
// metric
// -------------------------------------------------------------------------------------------------

/**
 * Per-row Parzen log-likelihoods of `rows` under the kernel density on `samples`, for every σ in
 * `sigmas` (one `Float64Array` per σ). Why one pass for all σ: the distance table is the expensive
 * part and does not depend on σ, so the grid search costs one evaluation, not one per candidate.
 */
const logLikelihoods = async (
  samples: tf.Tensor2D,
  rows: tf.Tensor2D,
  sigmas: readonly number[],
  options: ParzenOptions,
): Promise<Float64Array[]> => {
  const [n = 0, d = 0] = samples.shape;
  const m = rows.shape[0];
  const out = sigmas.map(() => new Float64Array(m));
  const ranges = chunks(m, options.chunk ?? 256);
  for (const [k, [start, end]] of ranges.entries()) {
    const perSigma = tf.tidy(() => {
      const dist = squaredDistances(tf.slice(rows, [start, 0], [end - start, d]), samples);
      return tf.stack(
        sigmas.map((s) => {
          const normalizer = Math.log(n) + (d / 2) * Math.log(2 * Math.PI * s * s);
          // An inner tidy frees each σ's `chunk × N` table before the next σ makes its own.
          return tf.tidy(() => tf.sub(tf.logSumExp(tf.mul(dist, -1 / (2 * s * s)), 1), normalizer));
        }),
      );
    });
    const values = await perSigma.data();
    perSigma.dispose();
    sigmas.forEach((_, j) => out[j]?.set(values.subarray(j * (end - start), (j + 1) * (end - start)), start));
    options.onProgress?.((k + 1) / ranges.length);
  }
  return out;
};

const checkInputs = (
  samples: tf.Tensor2D,
  rows: tf.Tensor2D,
  what: string,
  sigmas: readonly number[],
): void => {
  requireMatrix('parzen: samples', samples.shape);
  requireMatrix(`parzen: ${what}`, rows.shape);
  requireSameWidth(`parzen: samples vs ${what}`, samples.shape, rows.shape);
  if (sigmas.length === 0) throw new EvalError('parzen: the sigma grid is empty');
  for (const s of sigmas) {
    if (!Number.isFinite(s) || s <= 0)
      throw new EvalError(`parzen: sigma must be a positive number, got ${s}`);
  }
};

/**
 * Mean Parzen log-likelihood (nats per example) of `test` under an isotropic Gaussian kernel of
 * bandwidth `sigma` centred on each row of `samples`, with its standard error. Why a mean with an
 * error: that is how the papers report it (e.g. 340 ± 2 for the AAE on MNIST).
 *
 * @example
 * const samples = tf.randomUniform([1000, 784]) as tf.Tensor2D;   // in practice: the model's samples
 * const testImages = tf.tensor2d(test.x, [test.size, 784]);
 * const { mean, stderr } = await parzenLogLikelihood(samples, testImages, 0.2);
 */
export const parzenLogLikelihood = async (
  samples: tf.Tensor2D,
  test: tf.Tensor2D,
  sigma: number,
  options: ParzenOptions = {},
): Promise<MeanWithError> => {
  checkInputs(samples, test, 'test', [sigma]);
  const [values] = await logLikelihoods(samples, test, [sigma], options);
  return meanWithError(values ?? new Float64Array());
};

/**
 * The σ of `grid` maximizing the mean Parzen log-likelihood of `validation` (held out of the
 * training set). Why a separate step: choosing σ on the test set would overstate the likelihood.
 * Ties go to the first (smallest) σ of the grid.
 *
 * @example
 * const { sigma } = await selectSigma(samples, validationImages, defaultSigmaGrid);
 * await parzenLogLikelihood(samples, testImages, sigma);
 */
export const selectSigma = async (
  samples: tf.Tensor2D,
  validation: tf.Tensor2D,
  grid: readonly number[],
  options: ParzenOptions = {},
): Promise<SigmaSelection> => {
  checkInputs(samples, validation, 'validation', grid);
  const values = await logLikelihoods(samples, validation, grid, options);
  const scores = grid.map((sigma, j) => ({ sigma, meanLogLikelihood: meanWithError(values[j] ?? []).mean }));
  const best = scores.reduce((a, b) => (b.meanLogLikelihood > a.meanLogLikelihood ? b : a));
  return { sigma: best.sigma, scores };
};
