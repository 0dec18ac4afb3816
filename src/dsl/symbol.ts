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

/** An expression node living in space `S` (phantom: at run time a Sym is its `Expr`). */
export type Sym<S extends Space = Space> = Expr & { readonly [space]?: S };

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/** The phase's data batch. */
export const input = (): Sym<'data'> => ({ kind: 'input' });

/** The phase's class labels (indices). Only valid in phases on a labeled stream. */
export const label = (): Sym<'label'> => ({ kind: 'label' });

/** Class indices to one-hot rows. */
export const oneHot = (of: Sym<'label'>, classes: number): Sym<'label'> => ({ kind: 'oneHot', of, classes });

/**
 * Apply a net. Weights are shared between all applications of one net. The input's space is taken
 * from the net alone (`NoInfer`): applying a `Net<'data', 'code'>` to a `Sym<'code'>` is a type
 * error instead of silently widening `In` to `'data' | 'code'`.
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
 */
export const noise = (site: string, dim: number): Sym<'noise'> => ({
  kind: 'sample',
  site,
  dist: { kind: 'gaussian', dim, mean: 0, std: 1 },
});

/** Feature-axis concatenation. The result's space is chosen by the caller (default `code`). */
export const concat = <S extends Space = 'code'>(...parts: readonly Sym[]): Sym<S> => ({
  kind: 'concat',
  parts,
});

/** Columns `[start, start + width)`. */
export const slice = <S extends Space>(of: Sym<S>, start: number, width: number): Sym<S> => ({
  kind: 'slice',
  of,
  start,
  width,
});

/** Elementwise sum of same-width values. */
export const add = <S extends Space>(...terms: readonly Sym<S>[]): Sym<S> => ({ kind: 'add', terms });

/**
 * Reparameterized Gaussian code from `[mean | logvar]` parameters (an encoder ending in `2·d` units):
 * `mean + exp(logvar / 2) · ε`, `ε ~ N(0, I)` at `site`. Gradients flow to the parameters.
 */
export const gaussianCode = (site: string, params: Sym): Sym<'code'> => ({
  kind: 'gaussianCode',
  site,
  params,
});

/** The same value with gradients stopped. */
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
