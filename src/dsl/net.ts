/**
 * Nets: named parametric functions composed from layers.
 *
 * A net is plain data — its name, role and layer list. Its parameters are identified by its name,
 * so two applications of the same net share weights, and a phase updates a net by naming it.
 *
 * @example
 * import { critic, dense, net, relu, seq, sigmoid } from 'saddle';
 * const decoder = net<'code', 'data'>('decoder', seq(dense(1000), relu, dense(1000), relu, dense(784), sigmoid));
 * const disc = critic<'code'>('discriminator', seq(dense(1000), relu, dense(1000), relu, dense(1)));
 *
 * @module
 */
import type { ActivationFn, Layer, NetDecl, Shape, Space } from './ast.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

declare const inSpace: unique symbol;
declare const outSpace: unique symbol;

/**
 * A net mapping values of space `In` to values of space `Out`. The spaces are phantom (types only):
 * at run time a Net is exactly its `NetDecl` data.
 */
export interface Net<In extends Space = Space, Out extends Space = Space> extends NetDecl {
  readonly [inSpace]?: In;
  readonly [outSpace]?: Out;
}

/** A net whose output is one score (logit) per example. Only critics can play a game. */
export interface Critic<In extends Space = Space> extends Net<In, 'score'> {
  readonly role: 'critic';
}

/** Layers, composed in order. */
export type Layers = readonly Layer[];

// -------------------------------------------------------------------------------------------------
// layer constructors
// -------------------------------------------------------------------------------------------------

/** Fully connected layer: `x W + b`. The activation is a separate layer; the compiler fuses them. */
export const dense = (units: number, options: { readonly bias?: boolean } = {}): Layer => ({
  kind: 'dense',
  units,
  bias: options.bias ?? true,
});

const activation = (fn: ActivationFn): Layer => ({ kind: 'activation', fn });

export const relu: Layer = activation('relu');
export const sigmoid: Layer = activation('sigmoid');
export const tanh: Layer = activation('tanh');
export const softmax: Layer = activation('softmax');
export const elu: Layer = activation('elu');
export const linear: Layer = activation('linear');

/** `max(x, alpha·x)`; 0.2 is the DCGAN/AAE-literature default. */
export const leakyRelu = (alpha = 0.2): Layer => ({ kind: 'leakyRelu', alpha });

/** Inverted dropout; active only while training (never in sampling or evaluation). */
export const dropout = (rate: number): Layer => ({ kind: 'dropout', rate });

/** Batch normalization with running statistics (Keras defaults). */
export const batchNorm = (
  options: { readonly momentum?: number; readonly epsilon?: number } = {},
): Layer => ({
  kind: 'batchNorm',
  momentum: options.momentum ?? 0.99,
  epsilon: options.epsilon ?? 1e-3,
});

export const reshape = (shape: Shape): Layer => ({ kind: 'reshape', shape });
export const flatten: Layer = { kind: 'flatten' };

interface ConvOptions {
  readonly stride?: number;
  readonly padding?: 'same' | 'valid';
}

/** 2-D convolution over `[height, width, channels]` inputs. */
export const conv2d = (filters: number, kernel: number, options: ConvOptions = {}): Layer => ({
  kind: 'conv2d',
  filters,
  kernel,
  stride: options.stride ?? 1,
  padding: options.padding ?? 'same',
});

/** Transposed 2-D convolution (upsampling by `stride`). */
export const deconv2d = (filters: number, kernel: number, options: ConvOptions = {}): Layer => ({
  kind: 'deconv2d',
  filters,
  kernel,
  stride: options.stride ?? 1,
  padding: options.padding ?? 'same',
});

export const maxPool = (size = 2, stride = size): Layer => ({ kind: 'maxPool', size, stride });

/**
 * A fixed random Fourier feature map of the RBF kernel of bandwidth `sigma` (default 1):
 * `ζ(z) = √(2/D) · [cos(zW), sin(zW)]`, `D = features` (even), `W ~ N(0, I/σ²)` drawn once from
 * `seed` and never trained. `ζ(a)·ζ(b)` estimates `exp(−‖a − b‖² / 2σ²)` with error `~1/√D`, so a
 * linear layer on top is a function in (an approximation of) the kernel's RKHS: the DS-AAE adversary.
 *
 * @example critic('adversary', seq(randomFeatures(512, { seed: 1 }), dense(1, { bias: false })))
 */
export const randomFeatures = (
  features: number,
  options: { readonly sigma?: number; readonly seed?: number } = {},
): Layer => ({ kind: 'randomFeatures', features, sigma: options.sigma ?? 1, seed: options.seed ?? 0 });

// -------------------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------------------

/** Compose layers (and layer lists) in order. */
export const seq = (...parts: readonly (Layer | Layers)[]): Layers =>
  parts.flatMap((p): readonly Layer[] => (Array.isArray(p) ? p : [p as Layer]));

/**
 * A multilayer perceptron: `dense(w) + hidden activation` for every width but the last, then
 * `dense(last)` and the output activation (linear unless given).
 *
 * @example mlp([1000, 1000, 8]) // 784-1000-1000-8 encoder body of the AAE paper (input width inferred)
 */
export const mlp = (
  widths: readonly number[],
  options: { readonly hidden?: Layer; readonly output?: Layer; readonly inputDropout?: number } = {},
): Layers => {
  const hidden = options.hidden ?? relu;
  const layers: Layer[] = options.inputDropout !== undefined ? [dropout(options.inputDropout)] : [];
  widths.forEach((w, i) => {
    layers.push(dense(w));
    if (i < widths.length - 1) layers.push(hidden);
    else if (options.output !== undefined) layers.push(options.output);
  });
  return layers;
};

/** Declare a named net. Spaces are for the type checker: `net<'data', 'code'>('encoder', ...)`. */
export const net = <In extends Space = Space, Out extends Space = Space>(
  name: string,
  layers: Layers,
  options: { readonly trainable?: boolean } = {},
): Net<In, Out> => ({ name, role: 'net', layers, trainable: options.trainable ?? true });

/** Declare a critic: a net ending in one unit whose output is a logit score. */
export const critic = <In extends Space = Space>(name: string, layers: Layers): Critic<In> => ({
  name,
  role: 'critic',
  layers,
  trainable: true,
});
