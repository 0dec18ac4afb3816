/**
 * Phases, optimizers and the schedule.
 *
 * A phase is "the gradient of this loss with respect to these nets, everything else held constant"
 * — one player's move. An iteration runs the schedule's phases in order (sequential, as in the
 * papers); `simultaneous(...)` groups phases that all take gradients at the same parameter values.
 *
 * @example
 * import { adam, phase } from 'saddle';
 * phase('reconstruction', { minimize: rec, update: [encoder, decoder], optimizer: adam(1e-3) });
 * phase('critic', { minimize: gan.critic, update: [discriminator], optimizer: adam(1e-4), repeat: 5 });
 *
 * @module
 */
import type { Loss, Optimizer, Phase, Simultaneous } from './ast.js';
import type { Net } from './net.js';

// -------------------------------------------------------------------------------------------------
// optimizers
// -------------------------------------------------------------------------------------------------

/** Adam (Kingma & Ba), with tf.train.adam's defaults. */
export const adam = (
  learningRate: number,
  options: { readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number } = {},
): Optimizer => ({
  kind: 'adam',
  learningRate,
  beta1: options.beta1 ?? 0.9,
  beta2: options.beta2 ?? 0.999,
  epsilon: options.epsilon ?? 1e-8,
});

/** SGD with (heavy-ball) momentum; `momentum: 0` is plain SGD. */
export const sgd = (learningRate: number, options: { readonly momentum?: number } = {}): Optimizer => ({
  kind: 'sgd',
  learningRate,
  momentum: options.momentum ?? 0,
});

/** RMSProp with tf.train.rmsprop's defaults. */
export const rmsprop = (
  learningRate: number,
  options: { readonly decay?: number; readonly momentum?: number; readonly epsilon?: number } = {},
): Optimizer => ({
  kind: 'rmsprop',
  learningRate,
  decay: options.decay ?? 0.9,
  momentum: options.momentum ?? 0,
  epsilon: options.epsilon ?? 1e-7,
});

// -------------------------------------------------------------------------------------------------
// phases
// -------------------------------------------------------------------------------------------------

export interface PhaseOptions {
  readonly minimize: Loss;
  /** The nets this phase moves (by value or by name). */
  readonly update: readonly (Net | string)[];
  readonly optimizer: Optimizer;
  /** The batch stream this phase reads (default `train`). */
  readonly data?: string;
  /** Steps of this phase per iteration (step ratios, e.g. 5 critic steps per generator step). */
  readonly repeat?: number;
}

export const phase = (name: string, options: PhaseOptions): Phase => ({
  kind: 'phase',
  name,
  minimize: options.minimize,
  update: options.update.map((n) => (typeof n === 'string' ? n : n.name)),
  optimizer: options.optimizer,
  data: options.data ?? 'train',
  repeat: options.repeat ?? 1,
});

/** Phases that all take their gradients before any of them is applied. */
export const simultaneous = (...phases: readonly Phase[]): Simultaneous => ({ kind: 'simultaneous', phases });
