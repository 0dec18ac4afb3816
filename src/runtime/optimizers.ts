/**
 * Optimizers: a tfjs optimizer per phase, from the DSL's `Optimizer` spec, and its full state.
 *
 * Each phase owns its optimizer (its moment estimates belong to its own parameters and its own
 * loss). State is read and written through tfjs's `getWeights`/`setWeights`, plus the running
 * powers β₁ᵗ and β₂ᵗ of Adam, which tfjs recomputes on `setWeights` with `pow` where training
 * multiplied them step by step; restoring them verbatim is what makes a resumed run's losses
 * identical to an uninterrupted run's, not merely close.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { Optimizer } from '../dsl/ast.js';
import { learningRateFactor } from '../dsl/phase.js';
import { nativeOptimizer } from './backend/native-optimizer.js';

/** A named tensor, as tfjs optimizers report their state (not re-exported by `@tensorflow/tfjs`). */
export type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/**
 * The tfjs optimizer a spec describes: Adam(lr, β₁, β₂, ε); SGD, or momentum SGD when momentum
 * is non-zero; RMSProp(lr, decay, momentum, ε). When the native kernel pack is active on the wasm
 * backend, its one-pass subclass of the same tfjs optimizer is used instead (same arithmetic, same
 * state layout, so checkpoints are interchangeable).
 */
export const createOptimizer = (spec: Optimizer): tf.Optimizer =>
  nativeOptimizer(spec) ?? tfjsOptimizer(spec);

/** The stock `tf.train.*` optimizer for a spec. */
export const tfjsOptimizer = (spec: Optimizer): tf.Optimizer =>
  match(spec)
    .returnType<tf.Optimizer>()
    .with({ kind: 'adam' }, (s) => tf.train.adam(s.learningRate, s.beta1, s.beta2, s.epsilon))
    .with({ kind: 'sgd' }, (s) =>
      s.momentum === 0 ? tf.train.sgd(s.learningRate) : tf.train.momentum(s.learningRate, s.momentum),
    )
    .with({ kind: 'rmsprop' }, (s) => tf.train.rmsprop(s.learningRate, s.decay, s.momentum, s.epsilon))
    .exhaustive();

/** Names of the extra entries saved for Adam (never clash with tfjs's own weight names). */
const ACC_BETA1 = 'saddle:accBeta1';
const ACC_BETA2 = 'saddle:accBeta2';

/** Adam's running powers, which `getWeights` does not include (private fields in tfjs 4). */
interface AdamPowers {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

const adamPowers = (optimizer: tf.Optimizer): AdamPowers | null =>
  optimizer instanceof tf.AdamOptimizer ? (optimizer as unknown as AdamPowers) : null;

/**
 * Every tensor of an optimizer's state, in the order `setOptimizerWeights` expects. The tensors are
 * the optimizer's own (read them, do not dispose them).
 */
export const getOptimizerWeights = async (optimizer: tf.Optimizer): Promise<NamedTensor[]> => {
  const weights = await optimizer.getWeights();
  const powers = adamPowers(optimizer);
  if (powers?.accBeta1 !== undefined && powers.accBeta2 !== undefined) {
    weights.push({ name: ACC_BETA1, tensor: powers.accBeta1 }, { name: ACC_BETA2, tensor: powers.accBeta2 });
  }
  return weights;
};

/** Restore what `getOptimizerWeights` returned (e.g. after a round trip through a checkpoint). */
export const setOptimizerWeights = async (
  optimizer: tf.Optimizer,
  weights: readonly NamedTensor[],
): Promise<void> => {
  const own = weights.filter((w) => w.name !== ACC_BETA1 && w.name !== ACC_BETA2);
  await optimizer.setWeights(own);
  const powers = adamPowers(optimizer);
  const beta1 = weights.find((w) => w.name === ACC_BETA1);
  const beta2 = weights.find((w) => w.name === ACC_BETA2);
  if (powers !== null && beta1 !== undefined && powers.accBeta1 !== undefined)
    powers.accBeta1.assign(beta1.tensor);
  if (powers !== null && beta2 !== undefined && powers.accBeta2 !== undefined)
    powers.accBeta2.assign(beta2.tensor);
};

// -------------------------------------------------------------------------------------------------
// learning-rate schedules and gradient clipping
// -------------------------------------------------------------------------------------------------

/**
 * Set a phase's learning rate for iteration `t` (0-based) from its spec's base rate and schedule.
 * SGD and momentum keep the rate in a kept scalar that only `setLearningRate` refreshes; Adam and
 * RMSProp (and the native pack's subclasses) read the `learningRate` field at every update.
 */
export const scheduleRate = (optimizer: tf.Optimizer, spec: Optimizer, t: number): void => {
  if (spec.lrSchedule === undefined) return;
  const rate = spec.learningRate * learningRateFactor(spec.lrSchedule, t);
  // Duck-typed: tfjs optimizers answer `instanceof` by shape (Symbol.hasInstance), so an Adam
  // "is" an SGDOptimizer to `instanceof`.
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(rate);
  else o.learningRate = rate;
};

/** The result of `optimizer.computeGradients`: the loss and one gradient per variable. */
type Gradients = ReturnType<tf.Optimizer['computeGradients']>;

/** Apply gradients unchanged; returns the (kept) loss and disposes the gradients. */
export const applyAsIs = (optimizer: tf.Optimizer, result: Gradients): tf.Scalar => {
  optimizer.applyGradients(result.grads);
  tf.dispose(result.grads);
  return result.value;
};

/**
 * Apply gradients rescaled so that their global L2 norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_` does (coefficient maxNorm / (norm + 10⁻⁶), applied only when below 1): the
 * direction of the update is kept, only its length is bounded. Returns the kept loss.
 */
export const applyClipped = (optimizer: tf.Optimizer, result: Gradients, maxNorm: number): tf.Scalar => {
  const names = Object.keys(result.grads);
  const clipped = tf.tidy(() => {
    const squares = names.map((n) => tf.sum(tf.square(result.grads[n] as tf.Tensor)));
    const norm = tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares));
    const coefficient = tf.minimum(tf.scalar(1), tf.div(maxNorm, tf.add(norm, 1e-6)));
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(result.grads[n] as tf.Tensor, coefficient);
    return out;
  });
  tf.dispose(result.grads);
  optimizer.applyGradients(clipped);
  tf.dispose(clipped);
  return result.value;
};
