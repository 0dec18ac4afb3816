/**
 * The classifier score (the "Inception score" with an MNIST classifier): exp(E_x[KL(p(y|x) ‖ p(y))]),
 * where p(y) = E_x p(y|x) is the marginal over the evaluated set.
 *
 * Why it measures sample quality: it is high when each sample is classified confidently (sharp
 * p(y|x)) *and* the samples cover the classes (flat p(y)). It ranges from 1 (every sample gets the
 * same prediction) to the number of classes (confident and balanced).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { EvalError, requireMatrix } from './errors.js';

/**
 * Throws unless every row is a probability vector (finite, ≥ 0, summing to 1 within 1e-3). Why:
 * logits or a NaN would otherwise give a plausible-looking score.
 */
const requireDistributions = async (probs: tf.Tensor2D): Promise<void> => {
  const summary = tf.tidy(() => {
    const sums = tf.sum(probs, 1);
    const worst = tf.argMax(tf.abs(tf.sub(sums, 1)));
    return tf.stack([tf.cast(worst, 'float32'), tf.gather(sums, worst), tf.min(probs)]);
  });
  const [row = 0, sum = Number.NaN, min = Number.NaN] = await summary.data();
  summary.dispose();
  if (!Number.isFinite(sum) || !Number.isFinite(min)) {
    throw new EvalError('score: class probabilities contain NaN or Inf');
  }
  if (min < 0 || Math.abs(sum - 1) > 1e-3) {
    throw new EvalError(
      `score: rows must be class probabilities (non-negative, summing to 1); row ${row} sums to ${sum}${min < 0 ? ` and some entry is ${min}` : ''}`,
    );
  }
};

/**
 * The classifier score of `probs` (`[n, classes]`, rows are distributions p(y|x)). `0 · log 0` is
 * taken as 0, so one-hot predictions are fine.
 *
 * @example
 * const probs = classifier.model.predict(samples) as tf.Tensor2D;
 * await classifierScore(probs);   // 1 (one class) to 10 (ten equally used, confident classes)
 */
export const classifierScore = async (probs: tf.Tensor2D): Promise<number> => {
  requireMatrix('score: class probabilities', probs.shape);
  await requireDistributions(probs);
  const meanKl = tf.tidy(() => {
    const p = probs;
    const marginal = tf.mean(p, 0, true);
    // p · (log p − log p(y)), with the 0 · log 0 = 0 convention made explicit by the mask.
    const terms = tf.where(tf.greater(p, 0), tf.mul(p, tf.sub(tf.log(p), tf.log(marginal))), tf.zerosLike(p));
    return tf.mean(tf.sum(terms, 1));
  });
  const [kl = Number.NaN] = await meanKl.data();
  meanKl.dispose();
  return Math.exp(kl);
};
