/**
 * An MMD autoencoder of the paper AAE's size trained by hand in tfjs: the baseline for saddle's
 * `mmd-ae` zoo entry with `hidden = [1000, 1000]`, `latent = 8`, no input dropout.
 *
 * Two phases per iteration on one batch: reconstruction (encoder + decoder on BCE, Adam 1e-3), then
 * the encoder on the closed-form squared MMD between codes and prior draws under an RBF mixture
 * (biased V-statistic, Adam 1e-3).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { HandwrittenModel, OptimizerFactory } from './model.js';
import { bce, forward, gaussianBatch, mlp, seeded } from './mlp.js';

/** Pairwise squared distances of rows, clamped at 0. */
const squaredDistances = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D =>
  tf.relu(
    tf.sub(
      tf.add(tf.sum(tf.square(a), 1, true), tf.reshape(tf.sum(tf.square(b), 1), [1, -1])),
      tf.mul(tf.matMul(a, b, false, true), 2),
    ),
  );

const meanKernel = (d: tf.Tensor2D, sigmas: readonly number[]): tf.Scalar =>
  tf.addN(sigmas.map((s) => tf.mean(tf.exp(tf.mul(d, -1 / (2 * s * s)))))) as tf.Scalar;

export const mmdSquared = (a: tf.Tensor2D, b: tf.Tensor2D, sigmas: readonly number[]): tf.Scalar =>
  tf.sub(
    tf.add(meanKernel(squaredDistances(a, a), sigmas), meanKernel(squaredDistances(b, b), sigmas)),
    tf.mul(meanKernel(squaredDistances(a, b), sigmas), 2),
  ) as tf.Scalar;

export const MMD_SIGMAS: readonly number[] = [2, 5, 10, 20, 40, 80];

export const handwrittenMmdAe = (makeOptimizer: OptimizerFactory, seed: number): HandwrittenModel => {
  const encoder = mlp('hw-mmd-encoder', [784, 1000, 1000, 8], 'linear', seed);
  const decoder = mlp('hw-mmd-decoder', [8, 1000, 1000, 784], 'sigmoid', seed + 1);
  const reconstruction = makeOptimizer({
    kind: 'adam',
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  });
  const regularization = makeOptimizer({
    kind: 'adam',
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  });
  const uniform = seeded(seed + 3);
  const autoencoderVars = [...encoder.variables, ...decoder.variables];

  return {
    step: (x) => {
      const prior = gaussianBatch(x.shape[0], 8, uniform);
      const losses = [
        tf.tidy(
          () =>
            reconstruction.minimize(
              () => bce(x, forward(decoder, forward(encoder, x))),
              true,
              autoencoderVars,
            ) as tf.Scalar,
        ),
        tf.tidy(
          () =>
            regularization.minimize(() => mmdSquared(forward(encoder, x), prior, MMD_SIGMAS), true, [
              ...encoder.variables,
            ]) as tf.Scalar,
        ),
      ];
      prior.dispose();
      return losses;
    },
    dispose: () => {
      tf.dispose(autoencoderVars);
      [reconstruction, regularization].forEach((o) => o.dispose());
    },
  };
};
