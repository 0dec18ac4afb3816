/**
 * Distributions: priors and noise sources, as data the runtime knows how to sample.
 *
 * Every distribution declares its width (`distWidth`) and its first two moments (`distMoments`),
 * computed here from the declared parameters alone. Samplers in the runtime are tested against
 * these moments, so "the prior samples what it declares" is checkable without a backend.
 *
 * @example
 * import { aaeMixture, gaussian, joint, categorical } from 'saddle';
 * gaussian(8);                             // N(0, I₈), the AAE paper's MNIST prior
 * aaeMixture();                            // 10 rotated 2-D Gaussians (AAE paper, Fig. 4)
 * joint(categorical(10), gaussian(10));    // Cat(y) × N(z | 0, I), semi-supervised AAE
 *
 * @module
 */
import { match } from 'ts-pattern';
import type { Dist, MixtureComponent } from './ast.js';
import type { Net } from './net.js';

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * Isotropic Gaussian N(mean·1, std²·I).
 *
 * @example
 * gaussian(8);                       // N(0, I₈)
 * gaussian(2, { mean: 1, std: 0.5 });
 */
export const gaussian = (
  dim: number,
  options: { readonly mean?: number; readonly std?: number } = {},
): Dist => ({
  kind: 'gaussian',
  dim,
  mean: options.mean ?? 0,
  std: options.std ?? 1,
});

/**
 * A mixture of Gaussian components, each with its own weight, mean and (square-factor) scale: the
 * prior that makes an AAE's codes form clusters. Weights must sum to 1 (the compiler checks).
 *
 * @example
 * gaussianMixture([
 *   { weight: 0.5, mean: [-2, 0], scale: [[0.5, 0], [0, 0.5]] },
 *   { weight: 0.5, mean: [2, 0], scale: [[0.5, 0], [0, 0.5]] },
 * ]);
 */
export const gaussianMixture = (components: readonly MixtureComponent[]): Dist => ({
  kind: 'gaussianMixture',
  components,
});

/**
 * The AAE paper's mixture of `k` 2-D Gaussians placed evenly on a circle of radius `shift`, each
 * elongated along its radius (std `radial`) and thin across it (std `tangential`). Defaults
 * (10, 1.4, 0.5, 0.05) are those of the paper's Figure 4 reproduction code.
 *
 * @example
 * sample('z', aaeMixture());                    // the paper's 10-petal prior
 * aaeMixture({ components: 4, shift: 2 });      // fewer, further apart
 */
export const aaeMixture = (
  options: {
    readonly components?: number;
    readonly shift?: number;
    readonly radial?: number;
    readonly tangential?: number;
  } = {},
): Dist => {
  const k = options.components ?? 10;
  const shift = options.shift ?? 1.4;
  const radial = options.radial ?? 0.5;
  const tangential = options.tangential ?? 0.05;
  return gaussianMixture(
    Array.from({ length: k }, (_, i) => {
      const angle = (2 * Math.PI * i) / k;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      // scale = R(angle) · diag(radial, tangential): covariance R D² Rᵀ. `+ 0` turns −0 into 0,
      // which JSON cannot represent, so the prior's spec round-trips exactly.
      return {
        weight: 1 / k,
        mean: [shift * c + 0, shift * s + 0],
        scale: [
          [radial * c + 0, -tangential * s + 0],
          [radial * s + 0, tangential * c + 0],
        ],
      };
    }),
  );
};

/**
 * 2-D swiss roll (AAE paper): `radius·√u·(cos θ, sin θ)`, `θ = 2π·turns·√u`, `u ~ U(0,1)`.
 *
 * @example
 * sample('z', swissRoll());                      // 2 turns, radius 3, no noise
 * swissRoll({ turns: 1.5, noise: 0.05 });
 */
export const swissRoll = (
  options: { readonly turns?: number; readonly radius?: number; readonly noise?: number } = {},
): Dist => ({
  kind: 'swissRoll',
  turns: options.turns ?? 2,
  radius: options.radius ?? 3,
  noise: options.noise ?? 0,
});

/**
 * One-hot draws from Cat(probs); `categorical(k)` is uniform over k classes.
 *
 * @example
 * categorical(10);              // uniform over ten classes, one-hot draws of width 10
 * categorical([0.9, 0.1]);      // a biased coin
 */
export const categorical = (classesOrProbs: number | readonly number[]): Dist => ({
  kind: 'categorical',
  probs:
    typeof classesOrProbs === 'number'
      ? Array.from({ length: classesOrProbs }, () => 1 / classesOrProbs)
      : classesOrProbs,
});

/**
 * Independent `U(low, high)` on each of `dim` coordinates (default [-1, 1]): a bounded prior or
 * noise source.
 *
 * @example
 * uniform(2);          // the square [-1, 1]²
 * uniform(10, 0, 1);
 */
export const uniform = (dim: number, low = -1, high = 1): Dist => ({ kind: 'uniform', dim, low, high });

/**
 * Independent product; a draw is the parts' draws concatenated in order.
 *
 * @example
 * sample('yz', joint(categorical(10), gaussian(10)));   // width 20: one-hot y, then z
 */
export const joint = (...parts: readonly Dist[]): Dist => ({ kind: 'joint', parts });

/**
 * A learned prior: draw from `base`, push through `net` (trained like any other net).
 *
 * @example
 * const generator = net<'noise', 'code'>('codeGenerator', mlp([64, 64, 8]));
 * sample('z', pushforward(gaussian(8), generator));     // LP-AAE's learned prior
 */
export const pushforward = (base: Dist, through: Net | string): Dist => ({
  kind: 'pushforward',
  base,
  net: typeof through === 'string' ? through : through.name,
});

// -------------------------------------------------------------------------------------------------
// declared properties
// -------------------------------------------------------------------------------------------------

/**
 * A distribution drawn directly — no parts to concatenate, no net to apply. These are the kinds a
 * compiled plan samples (`joint` and `pushforward` are lowered away), so the runtime's sampler and
 * the language share one width rule.
 *
 * @example
 * const roll: LeafDist = { kind: 'swissRoll', turns: 2, radius: 3, noise: 0 };
 */
export type LeafDist = Exclude<Dist, { readonly kind: 'joint' } | { readonly kind: 'pushforward' }>;

/**
 * The width of one draw of a leaf distribution.
 *
 * @example
 * leafDistWidth({ kind: 'categorical', probs: [0.5, 0.5] });   // 2
 */
export const leafDistWidth = (dist: LeafDist): number =>
  match(dist)
    .with({ kind: 'gaussian' }, (d) => d.dim)
    .with({ kind: 'gaussianMixture' }, (d) => d.components[0]?.mean.length ?? 0)
    .with({ kind: 'swissRoll' }, () => 2)
    .with({ kind: 'categorical' }, (d) => d.probs.length)
    .with({ kind: 'uniform' }, (d) => d.dim)
    .exhaustive();

/**
 * The width of one draw, or `undefined` for a pushforward (its width is the net's output width,
 * which only the compiler knows).
 *
 * @example
 * distWidth(joint(categorical(10), gaussian(2)));   // 12
 * distWidth(pushforward(gaussian(8), 'codeGenerator')); // undefined: the net decides
 */
export const distWidth = (dist: Dist): number | undefined => {
  if (dist.kind === 'pushforward') return undefined;
  if (dist.kind !== 'joint') return leafDistWidth(dist);
  return dist.parts.reduce<number | undefined>((acc, p) => {
    const w = distWidth(p);
    return acc === undefined || w === undefined ? undefined : acc + w;
  }, 0);
};

/**
 * Per-coordinate mean and variance of a distribution, from its declared parameters.
 *
 * @example
 * const m: Moments | undefined = distMoments(uniform(1, 0, 1));   // { mean: [0.5], variance: [1/12] }
 */
export interface Moments {
  readonly mean: readonly number[];
  readonly variance: readonly number[];
}

/** 1-D Gauss–Legendre-free quadrature: midpoint rule on [0, 1], plenty for the smooth swiss roll. */
const integrate01 = (f: (s: number) => number, n = 20_000): number => {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += f((i + 0.5) / n);
  return acc / n;
};

/**
 * Declared moments, or `undefined` for a pushforward (a learned prior has no declared moments).
 * Mixtures use the law of total variance; the swiss roll integrates over `s = √u` (density 2s).
 *
 * @example
 * distMoments(gaussian(2, { std: 2 }));   // { mean: [0, 0], variance: [4, 4] }
 */
export const distMoments = (dist: Dist): Moments | undefined =>
  match(dist)
    .returnType<Moments | undefined>()
    .with({ kind: 'gaussian' }, (d) => ({
      mean: Array.from({ length: d.dim }, () => d.mean),
      variance: Array.from({ length: d.dim }, () => d.std * d.std),
    }))
    .with({ kind: 'gaussianMixture' }, (d) => {
      const dim = d.components[0]?.mean.length ?? 0;
      const mean = Array.from({ length: dim }, (_, j) =>
        d.components.reduce((acc, c) => acc + c.weight * (c.mean[j] ?? 0), 0),
      );
      const variance = Array.from(
        { length: dim },
        (_, j) =>
          d.components.reduce((acc, c) => {
            const row = c.scale[j] ?? [];
            const within = row.reduce((a, v) => a + v * v, 0);
            const m = c.mean[j] ?? 0;
            return acc + c.weight * (within + m * m);
          }, 0) -
          (mean[j] ?? 0) ** 2,
      );
      return { mean, variance };
    })
    .with({ kind: 'swissRoll' }, (d) => {
      const a = 2 * Math.PI * d.turns;
      const ex = integrate01((s) => 2 * s * d.radius * s * Math.cos(a * s));
      const ey = integrate01((s) => 2 * s * d.radius * s * Math.sin(a * s));
      const ex2 = integrate01((s) => 2 * s * (d.radius * s * Math.cos(a * s)) ** 2);
      const ey2 = integrate01((s) => 2 * s * (d.radius * s * Math.sin(a * s)) ** 2);
      const n2 = d.noise * d.noise;
      return { mean: [ex, ey], variance: [ex2 - ex * ex + n2, ey2 - ey * ey + n2] };
    })
    .with({ kind: 'categorical' }, (d) => ({ mean: d.probs, variance: d.probs.map((p) => p * (1 - p)) }))
    .with({ kind: 'uniform' }, (d) => ({
      mean: Array.from({ length: d.dim }, () => (d.low + d.high) / 2),
      variance: Array.from({ length: d.dim }, () => (d.high - d.low) ** 2 / 12),
    }))
    .with({ kind: 'joint' }, (d) => {
      const parts = d.parts.map(distMoments);
      if (parts.some((p) => p === undefined)) return undefined;
      return {
        mean: parts.flatMap((p) => p?.mean ?? []),
        variance: parts.flatMap((p) => p?.variance ?? []),
      };
    })
    .with({ kind: 'pushforward' }, () => undefined)
    .exhaustive();
