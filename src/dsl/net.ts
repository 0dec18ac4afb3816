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
 *
 * @example
 * const encoder: Net<'data', 'code'> = net('encoder', mlp([1000, 1000, 8]));
 * apply(encoder, input());             // Sym<'code'>
 * // apply(encoder, apply(encoder, input()));  // type error: a code is not data
 */
export interface Net<In extends Space = Space, Out extends Space = Space> extends NetDecl {
  readonly [inSpace]?: In;
  readonly [outSpace]?: Out;
}

/**
 * A net whose output is one score (logit) per example. Only critics can play a game.
 *
 * @example
 * const disc: Critic<'code'> = critic('discriminator', seq(dense(1000), relu, dense(1000), relu, dense(1)));
 * ganGame(disc, { real: sample('z', gaussian(8)), fake: apply(encoder, input()) });
 */
export interface Critic<In extends Space = Space> extends Net<In, 'score'> {
  readonly role: 'critic';
}

/**
 * Layers, composed in order.
 *
 * @example
 * const body: Layers = seq(dense(1000), relu, dense(1000), relu);
 * net('encoder', seq(body, dense(8)));
 */
export type Layers = readonly Layer[];

// -------------------------------------------------------------------------------------------------
// layer constructors
// -------------------------------------------------------------------------------------------------

/**
 * Fully connected layer: `x W + b`. The activation is a separate layer; the compiler fuses them.
 *
 * @example
 * dense(1000);                  // { kind: 'dense', units: 1000, bias: true }
 * dense(1, { bias: false });    // a bias-free output unit, e.g. a linear witness
 */
export const dense = (units: number, options: { readonly bias?: boolean } = {}): Layer => ({
  kind: 'dense',
  units,
  bias: options.bias ?? true,
});

const activation = (fn: ActivationFn): Layer => ({ kind: 'activation', fn });

/**
 * The rectifier `max(x, 0)`: the hidden activation of the AAE paper's MLPs.
 *
 * @example
 * net('encoder', seq(dense(1000), relu, dense(1000), relu, dense(8)));
 */
export const relu: Layer = activation('relu');
/**
 * The logistic function: a decoder's output layer for images in [0, 1] (pair it with `bce` reconstruction).
 *
 * @example
 * net('decoder', seq(dense(1000), relu, dense(784), sigmoid));
 */
export const sigmoid: Layer = activation('sigmoid');
/**
 * Hyperbolic tangent: a bounded, zero-centred hidden activation.
 *
 * @example
 * net('generator', seq(dense(256), tanh, dense(2)));
 */
export const tanh: Layer = activation('tanh');
/**
 * Softmax over the features: the class probabilities `q(y | x)` of a categorical head (pair it with `crossEntropy`).
 *
 * @example
 * net('classifier', seq(dense(1000), relu, dense(10), softmax));
 */
export const softmax: Layer = activation('softmax');
/**
 * Exponential linear unit: smooth below zero, used by some of the relatives' architectures.
 *
 * @example
 * net('encoder', seq(dense(512), elu, dense(8)));
 */
export const elu: Layer = activation('elu');
/**
 * The identity activation: states explicitly that an output is unbounded (a Gaussian code, a critic logit).
 *
 * @example
 * mlp([1000, 1000, 8], { output: linear });
 */
export const linear: Layer = activation('linear');

/**
 * `max(x, alpha·x)`; 0.2 is the DCGAN/AAE-literature default.
 *
 * @example
 * critic('discriminator', seq(dense(512), leakyRelu(), dense(1)));   // slope 0.2 below zero
 */
export const leakyRelu = (alpha = 0.2): Layer => ({ kind: 'leakyRelu', alpha });

/**
 * Inverted dropout; active only while training (never in sampling or evaluation).
 *
 * @example
 * net('encoder', seq(dropout(0.2), dense(1000), relu, dense(8)));   // the AAE paper's input dropout
 */
export const dropout = (rate: number): Layer => ({ kind: 'dropout', rate });

/**
 * Batch normalization with running statistics (Keras defaults).
 *
 * @example
 * net('decoder', seq(dense(1000), batchNorm(), relu, dense(784), sigmoid));
 */
export const batchNorm = (
  options: { readonly momentum?: number; readonly epsilon?: number } = {},
): Layer => ({
  kind: 'batchNorm',
  momentum: options.momentum ?? 0.99,
  epsilon: options.epsilon ?? 1e-3,
});

/**
 * Reinterpret each example's values with a new shape (same element count): how a flat code becomes
 * an image-shaped tensor for `deconv2d`, or a flat MNIST row a `[28, 28, 1]` input for `conv2d`.
 *
 * @example
 * net('encoder', seq(reshape([28, 28, 1]), conv2d(32, 5, { stride: 2 }), relu, flatten, dense(8)));
 */
export const reshape = (shape: Shape): Layer => ({ kind: 'reshape', shape });
/**
 * Flatten each example to one row: the bridge from convolution layers back to `dense` ones.
 *
 * @example
 * critic('discriminator', seq(reshape([28, 28, 1]), conv2d(64, 4, { stride: 2 }), leakyRelu(), flatten, dense(1)));
 */
export const flatten: Layer = { kind: 'flatten' };

/**
 * Stride and padding of `conv2d` and `deconv2d`; the defaults (stride 1, `'same'`) keep the spatial
 * size, so only the layers that change it need options.
 *
 * @example
 * conv2d(64, 4, { stride: 2 });                    // halves height and width
 * deconv2d(1, 4, { stride: 2, padding: 'same' });  // doubles them
 */
export interface ConvOptions {
  readonly stride?: number;
  readonly padding?: 'same' | 'valid';
}

/**
 * 2-D convolution over `[height, width, channels]` inputs.
 *
 * @example
 * net('encoder', seq(reshape([28, 28, 1]), conv2d(32, 5, { stride: 2 }), relu, flatten, dense(8)));
 */
export const conv2d = (filters: number, kernel: number, options: ConvOptions = {}): Layer => ({
  kind: 'conv2d',
  filters,
  kernel,
  stride: options.stride ?? 1,
  padding: options.padding ?? 'same',
});

/**
 * Transposed 2-D convolution (upsampling by `stride`).
 *
 * @example
 * net('decoder', seq(dense(7 * 7 * 32), relu, reshape([7, 7, 32]), deconv2d(16, 4, { stride: 2 }), relu,
 *   deconv2d(1, 4, { stride: 2 }), sigmoid, flatten));
 */
export const deconv2d = (filters: number, kernel: number, options: ConvOptions = {}): Layer => ({
  kind: 'deconv2d',
  filters,
  kernel,
  stride: options.stride ?? 1,
  padding: options.padding ?? 'same',
});

/**
 * Max pooling over `size × size` windows (stride defaults to the size): downsampling with no
 * parameters, for convolutional encoders and critics.
 *
 * @example
 * net('encoder', seq(reshape([28, 28, 1]), conv2d(32, 3), relu, maxPool(2), flatten, dense(8)));
 */
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

/**
 * Compose layers (and layer lists) in order.
 *
 * @example
 * const body = seq(dense(1000), relu);
 * seq(body, body, dense(8));   // flattened: dense, relu, dense, relu, dense
 */
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

/**
 * Declare a named net. Spaces are for the type checker: `net<'data', 'code'>('encoder', ...)`.
 *
 * @example
 * const encoder = net<'data', 'code'>('encoder', mlp([1000, 1000, 8]));
 * const frozen = net('features', seq(randomFeatures(256)), { trainable: false });
 */
export const net = <In extends Space = Space, Out extends Space = Space>(
  name: string,
  layers: Layers,
  options: { readonly trainable?: boolean } = {},
): Net<In, Out> => ({ name, role: 'net', layers, trainable: options.trainable ?? true });

/**
 * Declare a critic: a net ending in one unit whose output is a logit score.
 *
 * @example
 * const disc = critic<'code'>('discriminator', seq(dense(1000), relu, dense(1000), relu, dense(1)));
 */
export const critic = <In extends Space = Space>(name: string, layers: Layers): Critic<In> => ({
  name,
  role: 'critic',
  layers,
  trainable: true,
});
