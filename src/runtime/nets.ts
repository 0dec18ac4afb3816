/**
 * Nets: the tf.Variables behind every `ParamSpec`, and one forward function per `PlanNet`.
 *
 * Parameters are created from the project RNG (not tfjs's global randomness), so one seed fixes the
 * initial weights on every backend. Each net's layers are turned into closures once; a forward pass
 * is a loop over them. Dense and convolution layers go through `tf.fused.*` with the bias and, where
 * tfjs can fuse it, the activation (tfjs falls back to the unfused ops by itself while recording
 * gradients for activations other than linear).
 *
 * Batch normalization: in training mode it normalizes with the batch's statistics, and it moves
 * the running statistics only when the phase evaluating it updates that net (so a phase changes
 * exactly the state of the nets it updates; a frozen critic scored in the generator phase keeps its
 * statistics). In inference mode it uses the running statistics. Dropout is active only in training
 * mode, with masks seeded from the evaluation's `Draws`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { Activation, ParamSpec, PlanLayer, PlanNet } from '../compile/plan.js';
import { createDraws, type Draws } from './draws.js';
import { sigmoidKeepingLogits } from './logits.js';

// -------------------------------------------------------------------------------------------------
// variables
// -------------------------------------------------------------------------------------------------

/**
 * Every parameter of a trainer, by ParamSpec name (`encoder/0/kernel`).
 *
 * @example
 * const kernel = trainer.variables.get('encoder/0/kernel');
 * console.log(kernel?.shape);   // [784, 1000]
 */
export type Variables = ReadonlyMap<string, tf.Variable>;

/**
 * tfjs registers variables by name in one global table; a process may hold several trainers (a
 * resumed and an uninterrupted run side by side in a test), so each set of variables gets its own
 * prefix. The prefix is not integer-like, so tfjs's name-keyed gradient maps keep insertion order.
 */
let variableSetCounter = 0;

/** `(fanIn, fanOut)` as Keras computes them: the last two axes times the receptive field. */
const fans = (shape: readonly number[]): [number, number] => {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * (shape[shape.length - 2] ?? 1), receptive * (shape[shape.length - 1] ?? 1)];
};

/**
 * Initial values of one parameter: Glorot-uniform from `uniform`, constant zeros / ones, or
 * `N(0, std²)` from the spec's own seed (never from `uniform`, so a fixed random map is the same in
 * every run and does not shift the draws of the parameters after it).
 */
export const initialValues = (spec: ParamSpec, uniform: () => number): Float32Array => {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const init = spec.init;
  if (typeof init === 'object') {
    const draws = createDraws(init.seed);
    for (let i = 0; i < size; i++) values[i] = init.std * draws.normal();
  } else if (init === 'ones') values.fill(1);
  else if (init === 'glorotUniform') {
    const [fanIn, fanOut] = fans(spec.shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < size; i++) values[i] = (2 * uniform() - 1) * limit;
  }
  return values;
};

/**
 * A tf.Variable for every ParamSpec of every net, initialized in plan order from `uniform` (the
 * project RNG's init stream): the same seed gives the same weights.
 */
export const createVariables = (
  nets: readonly PlanNet[],
  uniform: () => number,
): Map<string, tf.Variable> => {
  const prefix = `saddle${variableSetCounter++}`;
  const variables = new Map<string, tf.Variable>();
  for (const net of nets) {
    for (const spec of net.params) {
      if (variables.has(spec.name)) continue;
      const initial = tf.tensor(initialValues(spec, uniform), [...spec.shape], 'float32');
      variables.set(spec.name, tf.variable(initial, spec.trainable, `${prefix}/${spec.name}`));
      initial.dispose();
    }
  }
  return variables;
};

// -------------------------------------------------------------------------------------------------
// forward functions
// -------------------------------------------------------------------------------------------------

/** How a net is being evaluated. */
export interface ForwardContext {
  /** Dropout active and batch-norm on batch statistics (training) or neither (inference). */
  readonly training: boolean;
  /** Whether batch-norm layers move their running statistics (only when their net is updated). */
  readonly updateStatistics: boolean;
  /** Source of dropout masks. */
  readonly draws: Draws;
  /** Sees each dropout mask as `dropout:<net>` (the parity harness; see `Recorder` in execute.ts). */
  readonly record?: (key: string, value: tf.Tensor) => void;
}

/**
 * A net as a function of a `[rows, ...inShape]` batch. With `layers`, only the first `layers`
 * lowered layers run: the net's hidden features (the `features` op), with the same weights.
 */
export type Forward = (x: tf.Tensor, context: ForwardContext, layers?: number) => tf.Tensor;

type LayerFn = (x: tf.Tensor, context: ForwardContext) => tf.Tensor;

/**
 * tfjs's fused-kernel name of an activation, or null when it is applied on its own. A sigmoid is
 * never fused: its logits are kept for the Bernoulli likelihood (see logits.ts).
 */
const fusedName = (a: Activation): 'linear' | 'relu' | 'elu' | 'leakyrelu' | null =>
  match(a.fn)
    .with('linear', () => 'linear' as const)
    .with('relu', () => 'relu' as const)
    .with('elu', () => 'elu' as const)
    .with('leakyRelu', () => 'leakyrelu' as const)
    .with('sigmoid', 'tanh', 'softmax', () => null)
    .exhaustive();

/** Apply an activation on its own (no fused kernel). */
export const activate = (x: tf.Tensor, a: Activation): tf.Tensor =>
  match(a.fn)
    .with('linear', () => x)
    .with('relu', () => tf.relu(x))
    .with('elu', () => tf.elu(x))
    .with('leakyRelu', () => tf.leakyRelu(x, a.alpha))
    .with('sigmoid', () => sigmoidKeepingLogits(x))
    .with('tanh', () => tf.tanh(x))
    .with('softmax', () => tf.softmax(x))
    .exhaustive();

/**
 * An inverted-dropout mask for a `shape` batch: each entry is `1/(1 − rate)` with probability
 * `1 − rate`, else 0 (so the layer's expected output is its input). Drawn in JS from the
 * evaluation's `Draws`, like priors, so masks are the same on every backend and can be recorded.
 */
export const dropoutMask = (shape: readonly number[], rate: number, draws: Draws): tf.Tensor => {
  const size = shape.reduce((a, b) => a * b, 1);
  const keep = 1 / (1 - rate);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = draws.uniform() < rate ? 0 : keep;
  return tf.tensor(values, [...shape], 'float32');
};

const variableOf = (variables: Variables, spec: ParamSpec): tf.Variable => {
  const v = variables.get(spec.name);
  if (v === undefined) throw new Error(`runtime: no variable for parameter '${spec.name}'`);
  return v;
};

/** One layer as a closure over its variables. */
const layerFn = (layer: PlanLayer, variables: Variables, netName: string): LayerFn =>
  match(layer)
    .returnType<LayerFn>()
    .with({ op: 'dense' }, (l) => {
      const kernel = variableOf(variables, l.kernel);
      const bias = l.bias === null ? undefined : variableOf(variables, l.bias);
      const fused = fusedName(l.activation);
      const alpha = l.activation.alpha;
      if (fused === null) {
        return (x) =>
          activate(
            tf.fused.matMul(
              bias === undefined
                ? { a: x as tf.Tensor2D, b: kernel }
                : { a: x as tf.Tensor2D, b: kernel, bias },
            ),
            l.activation,
          );
      }
      return (x) =>
        tf.fused.matMul({
          a: x as tf.Tensor2D,
          b: kernel,
          ...(bias === undefined ? {} : { bias }),
          activation: fused,
          leakyreluAlpha: alpha,
        });
    })
    .with({ op: 'activation' }, (l) => (x) => activate(x, l.activation))
    .with({ op: 'dropout' }, (l) => (x, c) => {
      if (!c.training || l.rate <= 0) return x;
      const mask = dropoutMask(x.shape, l.rate, c.draws);
      c.record?.(`dropout:${netName}`, mask);
      return tf.mul(x, mask);
    })
    .with({ op: 'batchNorm' }, (l) => {
      const gamma = variableOf(variables, l.gamma);
      const beta = variableOf(variables, l.beta);
      const movingMean = variableOf(variables, l.movingMean);
      const movingVariance = variableOf(variables, l.movingVariance);
      const axes = Array.from({ length: l.inShape.length }, (_, i) => i);
      return (x, c) => {
        if (!c.training) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, l.epsilon);
        const { mean, variance } = tf.moments(x, axes);
        if (c.updateStatistics) {
          movingMean.assign(tf.add(tf.mul(movingMean, l.momentum), tf.mul(mean, 1 - l.momentum)));
          movingVariance.assign(tf.add(tf.mul(movingVariance, l.momentum), tf.mul(variance, 1 - l.momentum)));
        }
        return tf.batchNorm(x, mean, variance, beta, gamma, l.epsilon);
      };
    })
    .with({ op: 'reshape' }, (l) => {
      const shape = [-1, ...l.outShape];
      return (x) => tf.reshape(x, shape);
    })
    .with({ op: 'flatten' }, (l) => {
      const shape = [-1, l.outShape.reduce((a, b) => a * b, 1)];
      return (x) => tf.reshape(x, shape);
    })
    .with({ op: 'conv2d' }, (l) => {
      const kernel = variableOf(variables, l.kernel) as unknown as tf.Tensor4D;
      const bias = variableOf(variables, l.bias);
      const fused = fusedName(l.activation);
      return (x) => {
        const y = tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: kernel,
          strides: l.stride,
          pad: l.padding,
          bias,
          activation: fused ?? 'linear',
          leakyreluAlpha: l.activation.alpha,
        });
        return fused === null ? activate(y, l.activation) : y;
      };
    })
    .with({ op: 'deconv2d' }, (l) => {
      const kernel = variableOf(variables, l.kernel) as unknown as tf.Tensor4D;
      const bias = variableOf(variables, l.bias);
      const [h, w, c] = l.outShape as [number, number, number];
      return (x) => {
        const rows = x.shape[0] ?? 1;
        const y = tf.conv2dTranspose(x as tf.Tensor4D, kernel, [rows, h, w, c], l.stride, l.padding);
        return activate(tf.add(y, bias), l.activation);
      };
    })
    .with({ op: 'maxPool' }, (l) => (x) => tf.maxPool(x as tf.Tensor4D, l.size, l.stride, 'valid'))
    .with({ op: 'randomFeatures' }, (l) => {
      const frequencies = variableOf(variables, l.frequencies);
      const scale = Math.sqrt(2 / (l.outShape[0] ?? 2));
      return (x) => {
        const phases = tf.matMul(x as tf.Tensor2D, frequencies as tf.Tensor2D);
        return tf.mul(tf.concat([tf.cos(phases), tf.sin(phases)], 1), scale);
      };
    })
    .exhaustive();

/** The forward function of one net: its layers' closures (all, or a prefix), applied in order. */
export const compileNet = (net: PlanNet, variables: Variables): Forward => {
  const layers = net.layers.map((l) => layerFn(l, variables, net.name));
  return (x, context, count = layers.length) => {
    let y = x;
    for (let i = 0; i < count; i++) y = (layers[i] as LayerFn)(y, context);
    return y;
  };
};

/** Forward functions for every net of a plan, by name. */
export const compileNets = (nets: readonly PlanNet[], variables: Variables): ReadonlyMap<string, Forward> =>
  new Map(nets.map((n) => [n.name, compileNet(n, variables)]));
