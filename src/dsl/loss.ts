/**
 * Loss terms: scalars a phase minimizes.
 *
 * A `Loss` is a different type from a `Sym`, so a phase cannot be asked to minimize a tensor.
 * Games return *both* views — what the critic minimizes and what its opponent minimizes — so the
 * sign of an adversarial update is never written by hand; the compiler checks each view is minimized
 * by the right player.
 *
 * @example
 * import { ganGame, reconstruction, scale, sum } from 'saddle';
 * const gan = ganGame(discriminator, { real: zPrior, fake: z });
 * gan.critic;     // minimized by the phase that updates the discriminator
 * gan.generator;  // minimized by the phase that updates the encoder
 *
 * @module
 */
import type { Game, GanForm, Loss, RbfMixture, Space } from './ast.js';
import type { Critic } from './net.js';
import type { Sym } from './symbol.js';

// -------------------------------------------------------------------------------------------------
// reconstruction and divergences
// -------------------------------------------------------------------------------------------------

/** `bce`: Bernoulli NLL of `target` under probabilities `output`; `mse`: squared error. */
export const reconstruction = (target: Sym, output: Sym, metric: 'bce' | 'mse' = 'bce'): Loss => ({
  kind: 'reconstruction',
  target,
  output,
  metric,
});

/** A sum of RBF kernels with the given bandwidths. */
export const rbfMixture = (sigmas: readonly number[]): RbfMixture => ({ kind: 'rbf', sigmas });

/** Closed-form squared MMD between two samples under an RBF-mixture kernel. */
export const mmd = (a: Sym, b: Sym, kernel: RbfMixture | readonly number[]): Loss => ({
  kind: 'mmd',
  a,
  b,
  kernel: 'kind' in kernel ? kernel : rbfMixture(kernel),
});

/** `−Σ target · log probs`, batch-averaged. `target` is one-hot (e.g. `oneHot(label(), 10)`). */
export const crossEntropy = (probs: Sym, target: Sym): Loss => ({ kind: 'crossEntropy', probs, target });

/** KL(q(z|x) ‖ N(0, I)) of a `gaussianCode`. */
export const klGaussian = (code: Sym<'code'>): Loss => ({ kind: 'klGaussian', code });

// -------------------------------------------------------------------------------------------------
// games
// -------------------------------------------------------------------------------------------------

/** Both views of a two-player game, and the game itself. */
export interface GameViews {
  readonly game: Game;
  /** The loss the critic minimizes. */
  readonly critic: Loss;
  /** The loss the critic's opponent (generator / encoder) minimizes. */
  readonly generator: Loss;
}

/** Both views of any game. */
export const views = (game: Game): GameViews => ({
  game,
  critic: { kind: 'game', game, view: 'critic' },
  generator: { kind: 'game', game, view: 'generator' },
});

/**
 * The GAN game: `critic` tells `real` from each of `fake` (a value or a list). `form` picks the
 * generator's view; `nonSaturating` (default) is what the AAE and GAN papers train in practice.
 * The players' space is the critic's (`NoInfer`): feeding a code critic images is a type error.
 */
export const ganGame = <S extends Space>(
  critic: Critic<S>,
  players: {
    readonly real: Sym<NoInfer<S>>;
    readonly fake: Sym<NoInfer<S>> | readonly Sym<NoInfer<S>>[];
    readonly form?: GanForm;
  },
): GameViews =>
  views({
    kind: 'gan',
    form: players.form ?? 'nonSaturating',
    critic: critic.name,
    real: players.real,
    fake: Array.isArray(players.fake) ? (players.fake as readonly Sym<S>[]) : [players.fake as Sym<S>],
  });

// -------------------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------------------

/** `by · term` (λ-weighting). */
export const scale = (by: number, term: Loss): Loss => ({ kind: 'scale', by, term });

/** The sum of terms. */
export const sum = (...terms: readonly Loss[]): Loss => ({ kind: 'sum', terms });
