/**
 * Shape inference for nets: from an input shape, through every layer, to a lowered `PlanNet`.
 *
 * A net declares only its layers; its input shape comes from how it is applied (the lowering
 * passes it in). Each layer's output shape follows from its input shape, its parameter shapes
 * follow from both, and a dense or convolution followed by an activation is fused into one
 * `PlanLayer` (the activation layer disappears). Parameters are named `<net>/<layer index>/<role>`
 * with the index of the *declared* layer, so a name points back at the declaration.
 *
 * Convolution arithmetic follows tfjs/Keras: `same` padding gives `ceil(n / stride)`, `valid`
 * gives `ceil((n − k + 1) / stride)`; transposed convolutions give `n · stride` (`same`) or
 * `n · stride + max(k − stride, 0)` (`valid`); `maxPool` uses `valid` padding,
 * `floor((n − size) / stride) + 1`.
 *
 * @module
 */
import { match, P } from 'ts-pattern';
import type { Layer, NetDecl, Shape } from '../dsl/ast.js';
import type {
  Activation,
  CompileError,
  ErrorCode,
  ParamInit,
  ParamSpec,
  PlanLayer,
  PlanNet,
} from './plan.js';
import { layerIssues } from './ranges.js';

// -------------------------------------------------------------------------------------------------
// shape utilities
// -------------------------------------------------------------------------------------------------

/** Number of scalars in one example of this shape. */
export const shapeSize = (shape: Shape): number => shape.reduce((a, d) => a * d, 1);

/** Structural equality of shapes. */
export const sameShape = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** How a user thinks of a shape: a width for flat values, the full shape otherwise. */
export const describeShape = (shape: Shape): string =>
  shape.length === 1
    ? `width ${shape[0]}`
    : shape.length === 0
      ? 'a scalar per row'
      : `shape [${shape.join(', ')}]`;

// -------------------------------------------------------------------------------------------------
// layers
// -------------------------------------------------------------------------------------------------

const LINEAR: Activation = { fn: 'linear', alpha: 0 };

/** The activation a (standalone or fused) activation-like layer applies, if it is one. */
const activationOf = (layer: Layer | undefined): Activation | undefined =>
  match(layer)
    .returnType<Activation | undefined>()
    .with({ kind: 'activation' }, (l) => ({ fn: l.fn, alpha: 0 }))
    .with({ kind: 'leakyRelu' }, (l) => ({ fn: 'leakyRelu', alpha: l.alpha }))
    .otherwise(() => undefined);

const convLength = (n: number, k: number, s: number, padding: 'same' | 'valid'): number =>
  padding === 'same' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s);

const deconvLength = (n: number, k: number, s: number, padding: 'same' | 'valid'): number =>
  padding === 'same' ? n * s : n * s + Math.max(k - s, 0);

/**
 * Whether `layer` and the activation after it become one lowered layer (dense and convolutions
 * fuse their activation). The single rule both `lowerNet` and `featurePrefix` follow, so a count of
 * declared layers always maps to the same lowered layers the runtime executes.
 */
const fusesWithNext = (layer: Layer, next: Layer | undefined): boolean =>
  activationOf(next) !== undefined &&
  match(layer)
    .returnType<boolean>()
    .with({ kind: P.union('dense', 'conv2d', 'deconv2d') }, () => true)
    .with(
      {
        kind: P.union(
          'activation',
          'leakyRelu',
          'dropout',
          'batchNorm',
          'reshape',
          'flatten',
          'maxPool',
          'randomFeatures',
        ),
      },
      () => false,
    )
    .exhaustive();

type Step =
  | { readonly ok: true; readonly layer: PlanLayer; readonly fused: boolean }
  | { readonly ok: false; readonly error: CompileError | undefined };

const fail = (path: string, code: ErrorCode, message: string): Step => ({
  ok: false,
  error: { path, code, message },
});

/**
 * Lower the layer at `index` (and the activation after it, when fusable) given its input shape.
 * Returns the plan layer, or the shape error (`undefined` error: the layer's own fields are out of
 * range, already reported by the declaration checks).
 */
const lowerLayer = (decl: NetDecl, index: number, inShape: Shape, path: string): Step => {
  const layer = decl.layers[index];
  if (layer === undefined || layerIssues(layer, path).length > 0) return { ok: false, error: undefined };
  const param = (role: string, shape: Shape, init: ParamInit, trainable = true): ParamSpec => ({
    name: `${decl.name}/${index}/${role}`,
    shape,
    init,
    trainable: trainable && decl.trainable,
  });
  const next = activationOf(decl.layers[index + 1]);
  const fusedActivation = next ?? LINEAR;
  const fused = fusesWithNext(layer, decl.layers[index + 1]);
  const here = `${layer.kind} in net '${decl.name}'`;

  return match(layer)
    .returnType<Step>()
    .with({ kind: 'dense' }, (l) => {
      if (inShape.length !== 1)
        return fail(
          path,
          'layer-input-shape',
          `${here} needs a flat input but gets ${describeShape(inShape)} (add flatten before it)`,
        );
      const width = inShape[0] ?? 0;
      return {
        ok: true,
        fused,
        layer: {
          op: 'dense',
          inShape,
          outShape: [l.units],
          kernel: param('kernel', [width, l.units], 'glorotUniform'),
          bias: l.bias ? param('bias', [l.units], 'zeros') : null,
          activation: fusedActivation,
        },
      };
    })
    .with({ kind: P.union('activation', 'leakyRelu') }, (l) => ({
      ok: true,
      fused: false,
      layer: { op: 'activation', inShape, outShape: inShape, activation: activationOf(l) ?? LINEAR },
    }))
    .with({ kind: 'dropout' }, (l) => ({
      ok: true,
      fused: false,
      layer: { op: 'dropout', inShape, outShape: inShape, rate: l.rate },
    }))
    .with({ kind: 'batchNorm' }, (l) => {
      const channels = inShape[inShape.length - 1];
      if (channels === undefined)
        return fail(path, 'layer-input-shape', `${here} needs at least one feature axis`);
      return {
        ok: true,
        fused: false,
        layer: {
          op: 'batchNorm',
          inShape,
          outShape: inShape,
          gamma: param('gamma', [channels], 'ones'),
          beta: param('beta', [channels], 'zeros'),
          movingMean: param('movingMean', [channels], 'zeros', false),
          movingVariance: param('movingVariance', [channels], 'ones', false),
          momentum: l.momentum,
          epsilon: l.epsilon,
        },
      };
    })
    .with({ kind: 'reshape' }, (l) =>
      shapeSize(l.shape) === shapeSize(inShape)
        ? { ok: true, fused: false, layer: { op: 'reshape', inShape, outShape: l.shape } }
        : fail(
            `${path}.shape`,
            'reshape-size',
            `${here} to [${l.shape.join(', ')}] (${shapeSize(l.shape)} values) does not preserve the ` +
              `${shapeSize(inShape)} values of its input (${describeShape(inShape)})`,
          ),
    )
    .with({ kind: 'flatten' }, () => ({
      ok: true,
      fused: false,
      layer: { op: 'flatten', inShape, outShape: [shapeSize(inShape)] },
    }))
    .with({ kind: P.union('conv2d', 'deconv2d') }, (l) => {
      const [h, w, c] = inShape;
      if (inShape.length !== 3 || h === undefined || w === undefined || c === undefined)
        return fail(
          path,
          'layer-input-shape',
          `${here} needs a [height, width, channels] input but gets ${describeShape(inShape)} ` +
            `(add reshape before it)`,
        );
      const length = l.kind === 'conv2d' ? convLength : deconvLength;
      const outShape = [
        length(h, l.kernel, l.stride, l.padding),
        length(w, l.kernel, l.stride, l.padding),
        l.filters,
      ];
      if (outShape.some((d) => d < 1))
        return fail(
          `${path}.kernel`,
          'window-too-large',
          `${here}: kernel ${l.kernel} is larger than its ${h} × ${w} input`,
        );
      const kernelShape =
        l.kind === 'conv2d' ? [l.kernel, l.kernel, c, l.filters] : [l.kernel, l.kernel, l.filters, c];
      return {
        ok: true,
        fused,
        layer: {
          op: l.kind,
          inShape,
          outShape,
          kernel: param('kernel', kernelShape, 'glorotUniform'),
          bias: param('bias', [l.filters], 'zeros'),
          size: l.kernel,
          stride: l.stride,
          padding: l.padding,
          activation: fusedActivation,
        },
      };
    })
    .with({ kind: 'maxPool' }, (l) => {
      const [h, w, c] = inShape;
      if (inShape.length !== 3 || h === undefined || w === undefined || c === undefined)
        return fail(
          path,
          'layer-input-shape',
          `${here} needs a [height, width, channels] input but gets ${describeShape(inShape)}`,
        );
      const outShape = [Math.floor((h - l.size) / l.stride) + 1, Math.floor((w - l.size) / l.stride) + 1, c];
      if (outShape.some((d) => d < 1))
        return fail(
          `${path}.size`,
          'window-too-large',
          `${here}: window ${l.size} is larger than its ${h} × ${w} input`,
        );
      return {
        ok: true,
        fused: false,
        layer: { op: 'maxPool', inShape, outShape, size: l.size, stride: l.stride },
      };
    })
    .with({ kind: 'randomFeatures' }, (l) => {
      if (inShape.length !== 1)
        return fail(
          path,
          'layer-input-shape',
          `${here} needs a flat input but gets ${describeShape(inShape)} (add flatten before it)`,
        );
      const init: ParamInit = { kind: 'randomNormal', std: 1 / l.sigma, seed: l.seed };
      return {
        ok: true,
        fused: false,
        layer: {
          op: 'randomFeatures',
          inShape,
          outShape: [l.features],
          frequencies: param('frequencies', [inShape[0] ?? 0, l.features / 2], init, false),
        },
      };
    })
    .exhaustive();
};

// -------------------------------------------------------------------------------------------------
// nets
// -------------------------------------------------------------------------------------------------

/** A lowered net, or the first shape error in its layers (`undefined` when already reported). */
export type NetLowering =
  | { readonly ok: true; readonly net: PlanNet }
  | { readonly ok: false; readonly error: CompileError | undefined };

/**
 * Lower `decl` (declared at `path`, e.g. `nets[1]`) for inputs of `inShape`: propagate the shape
 * through every layer, fuse activations, and name and shape every parameter. Stops at the first
 * layer whose input shape it cannot accept, since every later shape would be a guess.
 */
export const lowerNet = (decl: NetDecl, path: string, inShape: Shape): NetLowering => {
  const layers: PlanLayer[] = [];
  let shape = inShape;
  for (let i = 0; i < decl.layers.length; i++) {
    const step = lowerLayer(decl, i, shape, `${path}.layers[${i}]`);
    if (!step.ok) return { ok: false, error: step.error };
    layers.push(step.layer);
    shape = step.layer.outShape;
    if (step.fused) i++;
  }
  const params = layers.flatMap((l): ParamSpec[] =>
    match(l)
      .returnType<ParamSpec[]>()
      .with({ op: 'dense' }, (d) => (d.bias === null ? [d.kernel] : [d.kernel, d.bias]))
      .with({ op: P.union('conv2d', 'deconv2d') }, (c) => [c.kernel, c.bias])
      .with({ op: 'batchNorm' }, (b) => [b.gamma, b.beta, b.movingMean, b.movingVariance])
      .with({ op: 'randomFeatures' }, (r) => [r.frequencies])
      .with({ op: P.union('activation', 'dropout', 'reshape', 'flatten', 'maxPool') }, () => [])
      .exhaustive(),
  );
  return {
    ok: true,
    net: {
      name: decl.name,
      role: decl.role,
      trainable: decl.trainable,
      inShape,
      outShape: shape,
      layers,
      params,
    },
  };
};

/**
 * How many *lowered* layers the first `layers` *declared* layers of `decl` become (for `features`),
 * or why that prefix is not a value of the net: out of range, or a cut between a dense or
 * convolution layer and the activation fused into it. `path` is the `features` node's path.
 */
export const featurePrefix = (
  decl: NetDecl,
  layers: number,
  path: string,
): { readonly ok: true; readonly lowered: number } | { readonly ok: false; readonly error: CompileError } => {
  const total = decl.layers.length;
  if (!Number.isInteger(layers) || layers < 1 || layers > total)
    return {
      ok: false,
      error: {
        path: `${path}.layers`,
        code: 'out-of-range',
        message: `features of net '${decl.name}' must take a whole number of its layers from 1 to ${total}, got ${layers}`,
      },
    };
  let lowered = 0;
  for (let i = 0; i < layers; i++) {
    const layer = decl.layers[i];
    lowered++;
    if (layer === undefined || !fusesWithNext(layer, decl.layers[i + 1])) continue;
    if (i + 1 === layers) {
      const next = decl.layers[i + 1];
      return {
        ok: false,
        error: {
          path: `${path}.layers`,
          code: 'features-cut',
          message:
            `features of net '${decl.name}' after ${layers} layer${layers === 1 ? '' : 's'} would cut between layers[${i}] (${layer.kind}) ` +
            `and the ${next?.kind === 'activation' ? next.fn : (next?.kind ?? 'activation')} fused into it at layers[${i + 1}]; ` +
            `take ${layers + 1} layers to include the activation`,
        },
      };
    }
    i++;
  }
  return { ok: true, lowered };
};

/** Number of scalars in a net's parameters (trainable or not), for `explain`. */
export const paramCount = (net: PlanNet): number => net.params.reduce((a, p) => a + shapeSize(p.shape), 0);
