/**
 * Reconstruction error on held-out images, in the model's own loss: binary cross-entropy (the
 * Bernoulli negative log-likelihood, nats per image) or squared error, summed over pixels.
 *
 * Why per image and with a standard error: it is the same number the training log shows for the
 * reconstruction phase (summed over features, averaged over the batch), so train and test read on
 * one scale, and the error bar says whether two runs differ.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { EvalError, requireMatrix, requireSameWidth } from './errors.js';
import { meanWithError, type MeanWithError } from './stats.js';

/**
 * How a reconstruction is scored; the same names as the DSL's `reconstruction(x, xr, metric)`.
 *
 * @example
 * const metric: ReconstructionMetric = 'mse';
 * await reconstructionError(target, output, metric);
 */
export type ReconstructionMetric = 'bce' | 'mse';

/** Probabilities are clipped this far from 0 and 1 so a saturated sigmoid costs a finite amount. */
const EPSILON = 1e-7;

/**
 * Per-image reconstruction losses of `output` against `target` (both `[n, d]`). Why exposed: the
 * evaluator accumulates them over batches of the test set before taking the mean and its error.
 */
export const reconstructionLosses = async (
  target: tf.Tensor2D,
  output: tf.Tensor2D,
  metric: ReconstructionMetric,
): Promise<Float32Array> => {
  requireMatrix('recon: target', target.shape);
  requireMatrix('recon: reconstruction', output.shape);
  requireSameWidth('recon: target vs reconstruction', target.shape, output.shape);
  if (target.shape[0] !== output.shape[0]) {
    throw new EvalError(`recon: ${target.shape[0]} targets but ${output.shape[0]} reconstructions`);
  }
  const losses = tf.tidy(() => {
    if (metric === 'mse') return tf.sum(tf.squaredDifference(target, output), 1);
    const p = tf.clipByValue(output, EPSILON, 1 - EPSILON);
    const nll = tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p))));
    return tf.neg(tf.sum(nll, 1));
  });
  const values = (await losses.data()) as Float32Array;
  losses.dispose();
  return values;
};

/**
 * Mean reconstruction loss per image of `output` against `target`, with its standard error.
 *
 * @example
 * const testImages = tf.tensor2d(test.x, [test.size, 784]);
 * const output = trainer.evalView('reconstruct', { x: test.x, rows: test.size }) as tf.Tensor2D;
 * const { mean, stderr } = await reconstructionError(testImages, output, 'bce');
 */
export const reconstructionError = async (
  target: tf.Tensor2D,
  output: tf.Tensor2D,
  metric: ReconstructionMetric,
): Promise<MeanWithError> => meanWithError(await reconstructionLosses(target, output, metric));
