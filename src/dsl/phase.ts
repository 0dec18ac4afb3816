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
import { match } from 'ts-pattern';
import type { Loss, LrSchedule, Optimizer, OptimizerExtras, Phase, Simultaneous } from './ast.js';
import type { Net } from './net.js';

// -------------------------------------------------------------------------------------------------
// optimizers
// -------------------------------------------------------------------------------------------------

/**
 * Adam (Kingma & Ba), with tf.train.adam's defaults.
 *
 * @example
 * adam(1e-3);                        // the common default
 * adam(2e-4, { beta1: 0.5 });        // DCGAN's setting for adversarial phases
 */
export const adam = (
  learningRate: number,
  options: {
    readonly beta1?: number;
    readonly beta2?: number;
    readonly epsilon?: number;
  } & OptimizerExtras = {},
): Optimizer => ({
  kind: 'adam',
  learningRate,
  beta1: options.beta1 ?? 0.9,
  beta2: options.beta2 ?? 0.999,
  epsilon: options.epsilon ?? 1e-8,
  ...extras(options),
});

/**
 * SGD with (heavy-ball) momentum; `momentum: 0` is plain SGD.
 *
 * @example
 * sgd(0.01, { momentum: 0.9 });      // the AAE paper's optimizer
 */
export const sgd = (
  learningRate: number,
  options: { readonly momentum?: number } & OptimizerExtras = {},
): Optimizer => ({
  kind: 'sgd',
  learningRate,
  momentum: options.momentum ?? 0,
  ...extras(options),
});

/**
 * RMSProp with tf.train.rmsprop's defaults.
 *
 * @example
 * rmsprop(5e-5);                     // the WGAN paper's critic optimizer
 */
export const rmsprop = (
  learningRate: number,
  options: {
    readonly decay?: number;
    readonly momentum?: number;
    readonly epsilon?: number;
  } & OptimizerExtras = {},
): Optimizer => ({
  kind: 'rmsprop',
  learningRate,
  decay: options.decay ?? 0.9,
  momentum: options.momentum ?? 0,
  epsilon: options.epsilon ?? 1e-7,
  ...extras(options),
});

/**
 * The schedule and clipping fields of an optimizer's options, present only when given: a model
 * without them encodes exactly as it did before they existed.
 */
const extras = (options: OptimizerExtras): OptimizerExtras => ({
  ...(options.lrSchedule === undefined ? {} : { lrSchedule: options.lrSchedule }),
  ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
});

// -------------------------------------------------------------------------------------------------
// learning-rate schedules
// -------------------------------------------------------------------------------------------------

/**
 * Multiply the learning rate by `factor` every `every` iterations: factor^⌊t / every⌋ (PyTorch's
 * `StepLR`). The AAE paper's recipe — rates divided by 10 after 50 epochs — is one such step.
 *
 * @example
 * sgd(0.1, { momentum: 0.9, lrSchedule: stepDecay({ every: 30000, factor: 0.1 }) }); // 50 MNIST epochs at batch 100
 */
export const stepDecay = (options: { readonly every: number; readonly factor: number }): LrSchedule => ({
  kind: 'step',
  every: options.every,
  factor: options.factor,
});

/**
 * Decay the learning rate smoothly by `factor` per `every` iterations, factor^(t / every), never
 * below `floor` times the base rate (default 0). Unlike a cosine it needs no run length, so a run
 * extended with `--resume` keeps the same curve.
 *
 * @example
 * adam(1e-3, { lrSchedule: exponentialDecay({ every: 600, factor: 0.5, floor: 0.05 }) }); // halve each MNIST epoch
 */
export const exponentialDecay = (options: {
  readonly every: number;
  readonly factor: number;
  readonly floor?: number;
}): LrSchedule => ({
  kind: 'exponential',
  every: options.every,
  factor: options.factor,
  floor: options.floor ?? 0,
});

/**
 * Anneal the learning rate from its base value to `floor` times it (default 0) along a half cosine
 * over `iterations`, then hold it there (Keras's `CosineDecay`).
 *
 * @example
 * adam(1e-3, { lrSchedule: cosineDecay({ iterations: 1800 }) }); // 3 MNIST epochs at batch 100
 */
export const cosineDecay = (options: {
  readonly iterations: number;
  readonly floor?: number;
}): LrSchedule => ({
  kind: 'cosine',
  iterations: options.iterations,
  floor: options.floor ?? 0,
});

/**
 * The factor a schedule multiplies the base learning rate by at iteration `t` (0-based): 1 without
 * a schedule. Pure, so the runtime, `saddle explain` and the tests all read the same curve.
 *
 * @example
 * learningRateFactor(stepDecay({ every: 100, factor: 0.1 }), 250); // 0.01 (two steps taken)
 * learningRateFactor(undefined, 250);                               // 1
 */
export const learningRateFactor = (schedule: LrSchedule | undefined, t: number): number => {
  if (schedule === undefined) return 1;
  return match(schedule)
    .with({ kind: 'step' }, (s) => s.factor ** Math.floor(t / s.every))
    .with({ kind: 'exponential' }, (s) => Math.max(s.floor, s.factor ** (t / s.every)))
    .with({ kind: 'cosine' }, (s) => {
      const progress = Math.min(t, s.iterations) / s.iterations;
      return s.floor + (1 - s.floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    })
    .exhaustive();
};

// -------------------------------------------------------------------------------------------------
// phases
// -------------------------------------------------------------------------------------------------

/**
 * What a phase does: the loss it minimizes, the nets it moves, its optimizer, and optionally the
 * stream it reads and how many steps it takes per iteration. Everything not listed in `update` is
 * held constant.
 *
 * @example
 * const options: PhaseOptions = { minimize: gan.critic, update: [disc], optimizer: adam(1e-4), repeat: 5 };
 * phase('critic', options);
 */
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

/**
 * Declare one phase: one player's move in the alternating schedule. Nets may be given by value or by
 * name; the stream defaults to `train` and the repeat count to 1. The compiler checks that every
 * updated net reaches the loss and that game views are minimized by the right player.
 *
 * @example
 * phase('reconstruction', { minimize: reconstruction(x, xr), update: [encoder, decoder], optimizer: adam(1e-3) });
 * phase('critic', { minimize: gan.critic, update: ['discriminator'], optimizer: adam(1e-4), repeat: 5 });
 */
export const phase = (name: string, options: PhaseOptions): Phase => ({
  kind: 'phase',
  name,
  minimize: options.minimize,
  update: options.update.map((n) => (typeof n === 'string' ? n : n.name)),
  optimizer: options.optimizer,
  data: options.data ?? 'train',
  repeat: options.repeat ?? 1,
});

/**
 * Phases that all take their gradients before any of them is applied.
 *
 * @example
 * model('gan', { data: mnist, nets, schedule: [simultaneous(criticPhase, generatorPhase)] });
 */
export const simultaneous = (...phases: readonly Phase[]): Simultaneous => ({ kind: 'simultaneous', phases });
