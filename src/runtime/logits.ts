/**
 * The logits behind a sigmoid output, kept so a Bernoulli likelihood can be computed from them.
 *
 * Why: `bce` on probabilities must clip them away from 0 and 1 before the logarithm (as Keras does,
 * to 1e-7), and a clip has no gradient outside its range. A decoder pixel whose sigmoid has
 * saturated past the clip on the wrong side — p < 1e-7 where the image has ink, or p rounding to 1
 * in float32 (logit > ~16.6) where it has none — then stops learning for good: its loss sits at the
 * cap and its gradient is exactly zero. From logits, the loss is exact and its gradient with respect
 * to the logit is `p − x`, whatever the saturation. PyTorch users write `BCEWithLogitsLoss` (the
 * twin `scripts/recipes/aae2d.py` and the whole-run parity `npm run parity:runs` do), and Keras
 * recovers the logits of a sigmoid output the same way this module does, so a model still declares
 * `seq(mlp(...), sigmoid)` and `reconstruction(x, apply(decoder, z), 'bce')`, and every view still
 * returns probabilities. Measured on the 2-D AAE (issue 11): such pixels are rare on MNIST — at the
 * end of 3 epochs the test NLL with and without the clip agrees to 0.1 nat — and the twin trained
 * both ways lands within its seed-to-seed spread; the change is for correctness where outputs do
 * saturate, not a measured gain on MNIST.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** Sigmoid outputs → the logits they were computed from. Weak: never keeps a tensor alive. */
const behind = new WeakMap<tf.Tensor, tf.Tensor>();

/**
 * `sigmoid(logits)`, remembering `logits` for `logitsBehind`.
 *
 * @example
 * const p = sigmoidKeepingLogits(tf.tensor1d([-30, 0, 30]));
 * logitsBehind(p);   // the tensor [-30, 0, 30]
 */
export const sigmoidKeepingLogits = (logits: tf.Tensor): tf.Tensor => {
  const p = tf.sigmoid(logits);
  behind.set(p, logits);
  return p;
};

/**
 * The logits a sigmoid output was computed from, when it came from `sigmoidKeepingLogits` and they
 * are still alive (a view evaluated inside `tf.tidy` and returned has lost them); else `undefined`.
 *
 * @example
 * const logits = logitsBehind(output);
 * const loss = logits === undefined ? clampedBce(x, output) : bceFromLogits(x, logits);
 */
export const logitsBehind = (output: tf.Tensor): tf.Tensor | undefined => {
  const logits = behind.get(output);
  return logits === undefined || logits.isDisposed ? undefined : logits;
};
