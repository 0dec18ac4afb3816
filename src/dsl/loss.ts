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
import type { FDivergence, Game, GanForm, Loss, RbfMixture, Space } from './ast.js';
import type { Critic, Net } from './net.js';
import type { Sym } from './symbol.js';

// -------------------------------------------------------------------------------------------------
// reconstruction and divergences
// -------------------------------------------------------------------------------------------------

/**
 * `bce`: Bernoulli NLL of `target` under probabilities `output`; `mse`: squared error.
 *
 * @example
 * const x = input();
 * reconstruction(x, apply(decoder, apply(encoder, x)));          // BCE, images in [0, 1]
 * reconstruction(x, apply(decoder, apply(encoder, x)), 'mse');   // squared error, real-valued data
 */
export const reconstruction = (target: Sym, output: Sym, metric: 'bce' | 'mse' = 'bce'): Loss => ({
  kind: 'reconstruction',
  target,
  output,
  metric,
});

/**
 * A sum of RBF kernels with the given bandwidths.
 *
 * @example
 * mmd(z, zPrior, rbfMixture([0.1, 0.2, 0.5, 1, 2]));
 */
export const rbfMixture = (sigmas: readonly number[]): RbfMixture => ({ kind: 'rbf', sigmas });

/**
 * Closed-form squared MMD between two samples under an RBF-mixture kernel.
 *
 * @example
 * const z = apply(encoder, input());
 * phase('regularize', { minimize: mmd(z, sample('z', gaussian(8)), [1, 2, 4]), update: [encoder], optimizer: adam(1e-3) });
 */
export const mmd = (a: Sym, b: Sym, kernel: RbfMixture | readonly number[]): Loss => ({
  kind: 'mmd',
  a,
  b,
  kernel: 'kind' in kernel ? kernel : rbfMixture(kernel),
});

/**
 * `−Σ target · log probs`, batch-averaged. `target` is one-hot (e.g. `oneHot(label(), 10)`).
 *
 * @example
 * crossEntropy(apply(classifier, input()), oneHot(label(), 10));
 */
export const crossEntropy = (probs: Sym, target: Sym): Loss => ({ kind: 'crossEntropy', probs, target });

/**
 * KL(q(z|x) ‖ N(0, I)) of a `gaussianCode`.
 *
 * @example
 * const z = gaussianCode('z', apply(encoder, input()));
 * sum(reconstruction(input(), apply(decoder, z)), klGaussian(z));   // the VAE's negative ELBO
 */
export const klGaussian = (code: Sym<'code'>): Loss => ({ kind: 'klGaussian', code });

/**
 * The InfoGAN mutual-information term, as a loss to minimize: `CE(probs, s) − H(s)`, the negated
 * variational lower bound `I(s; x) ≥ H(s) − CE(q(s|x), s)`. `s` must be a categorical draw
 * (`sample(site, categorical(k))`), whose entropy `H(s)` the compiler computes from the declared
 * probabilities; `probs` is a net's prediction `q(s | x)` of `s` from whatever `s` conditioned.
 * Logged values are meaningful: `−H(s)` when `s` is recovered exactly, about `0` when `q` is no
 * better than the prior.
 *
 * @example
 * const s = sample<'label'>('s', categorical(10));
 * const image = apply(decoder, apply(codeGenerator, concat(sample('z', gaussian(8)), s)));
 * mutualInformation(apply(q, image), s); // minimized by the decoder, the code generator and q
 */
export const mutualInformation = (probs: Sym, s: Sym): Loss => ({
  kind: 'mutualInformation',
  probs,
  code: s,
});

// -------------------------------------------------------------------------------------------------
// games
// -------------------------------------------------------------------------------------------------

/**
 * Both views of a two-player game, and the game itself.
 *
 * @example
 * const gan: GameViews = ganGame(disc, { real: zPrior, fake: z });
 * phase('critic', { minimize: gan.critic, update: [disc], optimizer: adam(1e-4) });
 * phase('generator', { minimize: gan.generator, update: [encoder], optimizer: adam(1e-4) });
 */
export interface GameViews {
  readonly game: Game;
  /** The loss the critic minimizes. */
  readonly critic: Loss;
  /** The loss the critic's opponent (generator / encoder) minimizes. */
  readonly generator: Loss;
}

/**
 * Both views of any game.
 *
 * @example
 * const game: Game = { kind: 'gan', form: 'minimax', critic: 'discriminator', real: zPrior, fake: [z] };
 * const { critic: criticLoss, generator } = views(game);
 */
export const views = (game: Game): GameViews => ({
  game,
  critic: { kind: 'game', game, view: 'critic' },
  generator: { kind: 'game', game, view: 'generator' },
});

/**
 * The GAN game: `critic` tells `real` from each of `fake` (a value or a list). `form` picks the
 * generator's view; `nonSaturating` (default) is what the AAE and GAN papers train in practice.
 * The players' space is the critic's (`NoInfer`): feeding a code critic images is a type error.
 *
 * @example
 * const disc = critic<'code'>('discriminator', seq(dense(1000), relu, dense(1)));
 * const gan = ganGame(disc, { real: sample('z', gaussian(8)), fake: apply(encoder, input()) });
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

/**
 * The witness (integral probability metric) game of DS-AAE eq. 3: the critic's raw output `f` is
 * a witness function, the critic maximizes `V = E f(real) − E f(fake)` and the opponent (who moves
 * `fake`) minimizes it. Views: critic `−V`, generator `V`. A linear witness on fixed random features
 * is unbounded in its weights: add `scale(λ, l2(critic))` to the critic's phase, which makes the
 * optimal weights the (λ-scaled) mean-embedding difference and the game value `MMD²/(2λ)`.
 *
 * @example
 * const adversary = critic<'code'>('adversary', seq(randomFeatures(512, { seed: 1 }), dense(1, { bias: false })));
 * const game = witnessGame(adversary, { real: zPrior, fake: z });
 * phase('adversary', { minimize: sum(game.critic, scale(0.01, l2(adversary))), update: [adversary], optimizer: adam(1e-3) });
 */
export const witnessGame = <S extends Space>(
  critic: Critic<S>,
  players: { readonly real: Sym<NoInfer<S>>; readonly fake: Sym<NoInfer<S>> },
): GameViews => views({ kind: 'witness', critic: critic.name, real: players.real, fake: players.fake });

/**
 * A variational f-divergence game (f-GAN) whose critic estimates a KL divergence between `real`
 * and `fake` (the side the opponent moves): `reverseKL` is `KL(fake ‖ real)` — the Biadversarial
 * VAE's posterior critic, optimum `D* = log(p_real / p_fake)`; `forwardKL` is `KL(real ‖ fake)` — its
 * decoder critic, optimum `D* = 1 + log(p_real / p_fake)`. Views: critic `−V`, generator `V` (the
 * divergence estimate, with gradients to whatever `real` and `fake` depend on).
 *
 * @example
 * const dz = critic<'code'>('posteriorCritic', seq(dense(256), relu, dense(1)));
 * const kl = fganGame(dz, { real: zPrior, fake: z, divergence: 'reverseKL' });
 */
export const fganGame = <S extends Space>(
  critic: Critic<S>,
  players: {
    readonly real: Sym<NoInfer<S>>;
    readonly fake: Sym<NoInfer<S>>;
    readonly divergence: FDivergence;
  },
): GameViews =>
  views({
    kind: 'fgan',
    divergence: players.divergence,
    critic: critic.name,
    real: players.real,
    fake: players.fake,
  });

// -------------------------------------------------------------------------------------------------
// penalties
// -------------------------------------------------------------------------------------------------

/**
 * `½ Σ θ²` over the trainable parameters of `net`; weight it with `scale(λ, l2(net))`.
 *
 * @example
 * sum(game.critic, scale(0.01, l2(adversary)));    // weight decay on the witness only
 */
export const l2 = (of: Net | string): Loss => ({ kind: 'l2', net: typeof of === 'string' ? of : of.name });

// -------------------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------------------

/**
 * `by · term` (λ-weighting).
 *
 * @example
 * sum(reconstruction(x, xr), scale(0.1, gan.generator));
 */
export const scale = (by: number, term: Loss): Loss => ({ kind: 'scale', by, term });

/**
 * The sum of terms.
 *
 * @example
 * sum(reconstruction(x, xr), klGaussian(z));
 */
export const sum = (...terms: readonly Loss[]): Loss => ({ kind: 'sum', terms });
