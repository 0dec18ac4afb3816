/**
 * The Fréchet distance between two sets of feature vectors, each summarized as a Gaussian — the
 * quantity behind FID, here on the penultimate layer of saddle's own MNIST classifier.
 *
 *   d² = ‖μ₁ − μ₂‖² + tr(C₁) + tr(C₂) − 2 tr((C₁^{1/2} C₂ C₁^{1/2})^{1/2})
 *
 * The last trace equals `tr((C₁C₂)^{1/2})` but is taken on a symmetric PSD matrix, so it needs only
 * symmetric eigendecompositions (Jacobi, `symmetric.ts`, in Float64) — no complex square roots of a
 * non-symmetric product, as scipy's `sqrtm` route has.
 *
 * @example
 * const real = await featureGaussian(testFeatures);
 * const fake = await featureGaussian(sampleFeatures);
 * frechetDistance(real, fake); // 0 for identical statistics
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { EvalError, requireMatrix } from './errors.js';
import { multiply, psdSqrt, square, symmetrize, trace, traceSqrt, type SquareMatrix } from './symmetric.js';

/**
 * The mean and (unbiased, `n − 1`) covariance of a set of feature vectors, in Float64.
 *
 * @example
 * const real: FeatureGaussian = await featureGaussian(testFeatures);
 * real.covariance.size;   // the feature width
 */
export interface FeatureGaussian {
  readonly mean: Float64Array;
  readonly covariance: SquareMatrix;
  readonly n: number;
}

/**
 * Mean and covariance of the rows of `features` (`[n, d]`, n ≥ 2). Why centred before the product:
 * `XᵀX/n − μμᵀ` in float32 loses the covariance to cancellation when means are large; centring
 * first keeps the backend's matmul accurate, and the result is promoted to Float64.
 *
 * @example
 * const fake = await featureGaussian(sampleFeatures);
 * const real = await featureGaussian(testFeatures);
 * frechetDistance(fake, real);
 */
export const featureGaussian = async (features: tf.Tensor2D): Promise<FeatureGaussian> => {
  requireMatrix('frechet: features', features.shape);
  const [n, d] = features.shape;
  if (n < 2) throw new EvalError(`frechet: a covariance needs at least 2 feature rows, got ${n}`);
  const [meanT, covT] = tf.tidy(() => {
    const mean = tf.mean(features, 0);
    const centred = tf.sub(features, mean);
    return [mean, tf.div(tf.matMul(centred, centred, true, false), n - 1)];
  });
  const [mean, cov] = await Promise.all([meanT.data(), covT.data()]);
  meanT.dispose();
  covT.dispose();
  return { mean: Float64Array.from(mean), covariance: symmetrize(square(d, cov)), n };
};

/**
 * The squared Fréchet (2-Wasserstein) distance between the Gaussians `a` and `b`. Tiny negative
 * results from rounding (identical inputs) are returned as 0: a distance is never negative.
 *
 * @example
 * const fid = frechetDistance(await featureGaussian(sampleFeatures), await featureGaussian(testFeatures));
 */
export const frechetDistance = (a: FeatureGaussian, b: FeatureGaussian): number => {
  if (a.mean.length !== b.mean.length) {
    throw new EvalError(`frechet: feature widths differ (${a.mean.length} vs ${b.mean.length})`);
  }
  let meanTerm = 0;
  for (let i = 0; i < a.mean.length; i++) meanTerm += ((a.mean[i] ?? 0) - (b.mean[i] ?? 0)) ** 2;
  const rootA = psdSqrt(a.covariance);
  const cross = traceSqrt(symmetrize(multiply(multiply(rootA, b.covariance), rootA)));
  return Math.max(0, meanTerm + trace(a.covariance) + trace(b.covariance) - 2 * cross);
};
