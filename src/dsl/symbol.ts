/**
 * Symbols: the values flowing through a model's graph, one row per example.
 *
 * A `Sym<S>` is an `Expr` node tagged (in types only) with the space it lives in, so an encoder's
 * output cannot be fed where an image is expected without the type checker noticing. Stochastic
 * nodes carry a site name: the same site is the same draw wherever it appears.
 *
 * @example
 * import { apply, input, sample, gaussian } from 'saddle';
 * const x = input();                       // Sym<'data'>
 * const z = apply(encoder, x);             // Sym<'code'>
 * const zPrior = sample('z', gaussian(8)); // Sym<'code'>
 *
 * @module
 */
import type { Dist, Expr, Space } from './ast.js';
import type { Net } from './net.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

declare const space: unique symbol;

/**
 * An expression node living in space `S` (phantom: at run time a Sym is its `Expr`).
 *
 * @example
 * const x: Sym<'data'> = input();
 * const z: Sym<'code'> = apply(encoder, x);
 */
export type Sym<S extends Space = Space> = Expr & { readonly [space]?: S };

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * The phase's data batch.
 *
 * @example
 * const x = input();
 * reconstruction(x, apply(decoder, apply(encoder, x)));
 */
export const input = (): Sym<'data'> => ({ kind: 'input' });

/**
 * The phase's class labels (indices). Only valid in phases on a labeled stream.
 *
 * @example
 * phase('classify', { minimize: crossEntropy(apply(classifier, input()), oneHot(label(), 10)),
 *   update: [classifier], optimizer: adam(1e-3), data: 'labeled' });
 */
export const label = (): Sym<'label'> => ({ kind: 'label' });

/**
 * Class indices to one-hot rows.
 *
 * @example
 * concat(oneHot(label(), 10), sample('z', gaussian(8)));   // the supervised AAE's decoder input
 */
export const oneHot = (of: Sym<'label'>, classes: number): Sym<'label'> => ({ kind: 'oneHot', of, classes });

/**
 * Apply a net. Weights are shared between all applications of one net. The input's space is taken
 * from the net alone (`NoInfer`): applying a `Net<'data', 'code'>` to a `Sym<'code'>` is a type
 * error instead of silently widening `In` to `'data' | 'code'`.
 *
 * @example
 * const z = apply(encoder, input());
 * const xr = apply(decoder, z);       // the same decoder weights wherever it is applied
 */
export const apply = <In extends Space, Out extends Space>(
  net: Net<In, Out>,
  x: Sym<NoInfer<In>>,
): Sym<Out> => ({
  kind: 'apply',
  net: net.name,
  input: x,
});

/**
 * A draw from `dist` at a named site; one row per example of the phase's batch unless `batch` fixes
 * the count. The space defaults to `code` (priors live in code space).
 *
 * @example
 * const zPrior = sample('z', gaussian(8));                   // one row per batch example
 * const grid = sample('grid', gaussian(8), { batch: 100 });  // exactly 100 rows
 */
export const sample = <S extends Space = 'code'>(
  site: string,
  dist: Dist,
  options: { readonly batch?: number } = {},
): Sym<S> =>
  options.batch === undefined
    ? { kind: 'sample', site, dist }
    : { kind: 'sample', site, dist, batch: options.batch };

/**
 * Standard Gaussian noise of `dim` columns at a named site: the extra input of the AAE paper's
 * universal-approximator posterior `q(z | x, η)`.
 *
 * @example
 * const z = apply(encoder, concat<'data'>(input(), noise('eta', 100)));   // q(z | x, η)
 */
export const noise = (site: string, dim: number): Sym<'noise'> => ({
  kind: 'sample',
  site,
  dist: { kind: 'gaussian', dim, mean: 0, std: 1 },
});

/**
 * Feature-axis concatenation. The result's space is chosen by the caller (default `code`).
 *
 * @example
 * concat(oneHot(label(), 10), apply(encoder, input()));    // Sym<'code'>, width 10 + 8
 */
export const concat = <S extends Space = 'code'>(...parts: readonly Sym[]): Sym<S> => ({
  kind: 'concat',
  parts,
});

/**
 * Columns `[start, start + width)`.
 *
 * @example
 * const yz = apply(encoder, input());      // [y | z], width 10 + 2
 * const y = slice(yz, 0, 10);
 * const z = slice(yz, 10, 2);
 */
export const slice = <S extends Space>(of: Sym<S>, start: number, width: number): Sym<S> => ({
  kind: 'slice',
  of,
  start,
  width,
});

/**
 * Elementwise sum of same-width values.
 *
 * @example
 * add(apply(clusterHeads, y), z);          // the dimensionality-reduction AAE's W_c y + z
 */
export const add = <S extends Space>(...terms: readonly Sym<S>[]): Sym<S> => ({ kind: 'add', terms });

/**
 * Reparameterized Gaussian code from `[mean | logvar]` parameters (an encoder ending in `2·d` units):
 * `mean + exp(logvar / 2) · ε`, `ε ~ N(0, I)` at `site`. Gradients flow to the parameters.
 *
 * @example
 * const z = gaussianCode('z', apply(encoder, input()));   // encoder ends in dense(2 · 8)
 * klGaussian(z);                                           // the VAE's KL term
 */
export const gaussianCode = (site: string, params: Sym): Sym<'code'> => ({
  kind: 'gaussianCode',
  site,
  params,
});

/**
 * The same value with gradients stopped.
 *
 * @example
 * // the critic sees the codes but the encoder gets no gradient from this term
 * ganGame(disc, { real: zPrior, fake: stopGradient(apply(encoder, input())) });
 */
export const stopGradient = <S extends Space>(of: Sym<S>): Sym<S> => ({ kind: 'stopGradient', of });

/**
 * A net's hidden activations: the net applied to `x` up to and including its first `layers` declared
 * layers, with the net's own (shared) weights — a learned feature space in which to compare values,
 * as VAE/GAN's `Dis_l(x)` compares images through the discriminator's l-th layer. A phase that
 * updates the net moves these features; one that does not still gets gradients through them.
 * The compiler refuses a cut between a dense (or convolution) layer and its activation (count the
 * activation in). The result's space is chosen by the caller (default `code`).
 *
 * @example
 * const disc = critic<'data'>('discriminator', seq(dense(256), relu, dense(256), relu, dense(1)));
 * features(disc, input(), 4); // the second hidden layer's ReLU outputs, width 256
 */
export const features = <In extends Space, S extends Space = 'code'>(
  net: Net<In>,
  x: Sym<NoInfer<In>>,
  layers: number,
): Sym<S> => ({ kind: 'features', net: net.name, input: x, layers });
