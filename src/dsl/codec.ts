/**
 * The io-ts codec of a whole `Model`: read a JSON spec with path-precise errors, write it back.
 *
 * A model is plain data, so its JSON encoding is the model itself — but decoding is where a user's
 * mistakes are caught, so the codec is strict: unknown keys are errors (a typo never vanishes), each
 * tagged union picks its member by `kind` before looking further, numbers are finite, widths are
 * positive integers, and every error names the place as a JS accessor from the model root
 * (`nets[0].layers[3].units`). Round trip is exact: `decode(encode(m))` is `m`, and
 * `encode(decode(json))` is `json` for every valid spec.
 *
 * Every union's codec is a record keyed by its kinds (`Members<...>`), so adding a node kind to
 * `ast.ts` fails to type-check here until the codec handles it.
 *
 * @example
 * import { decodeModel, formatErrors } from './codec.js';
 * const r = decodeModel(JSON.parse(text));
 * if (E.isLeft(r)) console.error(formatErrors(r.left)); // nets[0].layers[3].unit: unknown field 'unit' (did you mean 'units'?) [unknown-field]
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { issue, type CompileError } from './errors.js';
import type {
  ActivationFn,
  DataDecl,
  Dist,
  Expr,
  FDivergence,
  Game,
  GameView,
  GanForm,
  Layer,
  Loss,
  LrSchedule,
  MixtureComponent,
  Model,
  NetDecl,
  NetRole,
  Optimizer,
  Phase,
  RbfMixture,
  Shape,
  Simultaneous,
  Step,
  StreamDecl,
  ViewName,
  Views,
} from './ast.js';
import { toCompileErrors } from './codec/report.js';
import type { Codec } from './codec/strict.js';
import {
  boolean,
  describeValue,
  exactRecord,
  fail,
  finiteNumber,
  isRecord,
  listOf,
  member,
  nonNegativeInt,
  oneOf,
  positiveInt,
  string,
  taggedUnion,
  withStructure,
} from './codec/strict.js';

export type { Codec } from './codec/strict.js';
export { formatErrors } from './codec/report.js';

// -------------------------------------------------------------------------------------------------
// layers and nets
// -------------------------------------------------------------------------------------------------

/** A shape without the batch axis: a list of positive integers (`[784]`, `[28, 28, 1]`). */
export const ShapeCodec: Codec<Shape> = listOf(positiveInt, 'positive integers');

const activationFn = oneOf<ActivationFn>('an activation function', {
  linear: null,
  relu: null,
  sigmoid: null,
  tanh: null,
  softmax: null,
  elu: null,
});

const padding = oneOf<'same' | 'valid'>('a padding', { same: null, valid: null });

const convFields = { filters: positiveInt, kernel: positiveInt, stride: positiveInt, padding };

/** Every layer kind. */
export const LayerCodec: Codec<Layer> = taggedUnion<Layer>('layer', {
  dense: member('layer', 'dense', { units: positiveInt, bias: boolean }),
  activation: member('layer', 'activation', { fn: activationFn }),
  leakyRelu: member('layer', 'leakyRelu', { alpha: finiteNumber }),
  dropout: member('layer', 'dropout', { rate: finiteNumber }),
  batchNorm: member('layer', 'batchNorm', { momentum: finiteNumber, epsilon: finiteNumber }),
  reshape: member('layer', 'reshape', { shape: ShapeCodec }),
  flatten: member('layer', 'flatten', {}),
  conv2d: member('layer', 'conv2d', convFields),
  deconv2d: member('layer', 'deconv2d', convFields),
  maxPool: member('layer', 'maxPool', { size: positiveInt, stride: positiveInt }),
  randomFeatures: member('layer', 'randomFeatures', {
    features: positiveInt,
    sigma: finiteNumber,
    seed: nonNegativeInt,
  }),
});

/** A named net or critic and its layers. */
export const NetDeclCodec: Codec<NetDecl> = exactRecord('a net', {
  name: string,
  role: oneOf<NetRole>('a net role', { net: null, critic: null }),
  layers: listOf(LayerCodec, 'layers'),
  trainable: boolean,
});

// -------------------------------------------------------------------------------------------------
// distributions
// -------------------------------------------------------------------------------------------------

const numbers = listOf(finiteNumber, 'numbers');

/** One Gaussian component of a mixture (`scale` given as rows). */
export const MixtureComponentCodec: Codec<MixtureComponent> = exactRecord('a mixture component', {
  weight: finiteNumber,
  mean: numbers,
  scale: listOf(numbers, 'rows of numbers'),
});

/** Every distribution kind, nested `joint` and `pushforward` included. */
export const DistCodec: Codec<Dist> = t.recursion<Dist, unknown, unknown>('a distribution', (self) =>
  taggedUnion<Dist>('distribution', {
    gaussian: member('distribution', 'gaussian', { dim: positiveInt, mean: finiteNumber, std: finiteNumber }),
    gaussianMixture: member('distribution', 'gaussianMixture', {
      components: listOf(MixtureComponentCodec, 'mixture components'),
    }),
    swissRoll: member('distribution', 'swissRoll', {
      turns: finiteNumber,
      radius: finiteNumber,
      noise: finiteNumber,
    }),
    categorical: member('distribution', 'categorical', { probs: numbers }),
    uniform: member('distribution', 'uniform', { dim: positiveInt, low: finiteNumber, high: finiteNumber }),
    joint: member('distribution', 'joint', { parts: listOf(self, 'distributions') }),
    pushforward: member('distribution', 'pushforward', { base: self, net: string }),
  }),
);

// -------------------------------------------------------------------------------------------------
// expressions
// -------------------------------------------------------------------------------------------------

/** Every expression (symbol) kind; expressions nest. */
export const ExprCodec: Codec<Expr> = t.recursion<Expr, unknown, unknown>('an expression', (self) => {
  const exprs = listOf(self, 'expressions');
  return taggedUnion<Expr>('expression', {
    input: member('expression', 'input', {}),
    label: member('expression', 'label', {}),
    oneHot: member('expression', 'oneHot', { of: self, classes: positiveInt }),
    apply: member('expression', 'apply', { net: string, input: self }),
    sample: member('expression', 'sample', { site: string, dist: DistCodec }, { batch: positiveInt }),
    concat: member('expression', 'concat', { parts: exprs }),
    slice: member('expression', 'slice', { of: self, start: nonNegativeInt, width: positiveInt }),
    add: member('expression', 'add', { terms: exprs }),
    gaussianCode: member('expression', 'gaussianCode', { site: string, params: self }),
    stopGradient: member('expression', 'stopGradient', { of: self }),
    features: member('expression', 'features', { net: string, input: self, layers: positiveInt }),
  });
});

// -------------------------------------------------------------------------------------------------
// losses
// -------------------------------------------------------------------------------------------------

/** A two-player game: GAN, witness (IPM) or f-GAN. */
export const GameCodec: Codec<Game> = taggedUnion<Game>('game', {
  gan: member('game', 'gan', {
    form: oneOf<GanForm>('a GAN form', { minimax: null, nonSaturating: null, leastSquares: null }),
    critic: string,
    real: ExprCodec,
    fake: listOf(ExprCodec, 'expressions'),
  }),
  witness: member('game', 'witness', { critic: string, real: ExprCodec, fake: ExprCodec }),
  fgan: member('game', 'fgan', {
    divergence: oneOf<FDivergence>('an f-divergence', { reverseKL: null, forwardKL: null }),
    critic: string,
    real: ExprCodec,
    fake: ExprCodec,
  }),
});

/** An MMD kernel. */
export const KernelCodec: Codec<RbfMixture> = taggedUnion<RbfMixture>('kernel', {
  rbf: member('kernel', 'rbf', { sigmas: numbers }),
});

/** Every loss kind; `scale` and `sum` nest. */
export const LossCodec: Codec<Loss> = t.recursion<Loss, unknown, unknown>('a loss', (self) =>
  taggedUnion<Loss>('loss', {
    reconstruction: member('loss', 'reconstruction', {
      target: ExprCodec,
      output: ExprCodec,
      metric: oneOf<'bce' | 'mse'>('a reconstruction metric', { bce: null, mse: null }),
    }),
    game: member('loss', 'game', {
      game: GameCodec,
      view: oneOf<GameView>('a game view', { critic: null, generator: null }),
    }),
    mmd: member('loss', 'mmd', { a: ExprCodec, b: ExprCodec, kernel: KernelCodec }),
    crossEntropy: member('loss', 'crossEntropy', { probs: ExprCodec, target: ExprCodec }),
    klGaussian: member('loss', 'klGaussian', { code: ExprCodec }),
    mutualInformation: member('loss', 'mutualInformation', { probs: ExprCodec, code: ExprCodec }),
    l2: member('loss', 'l2', { net: string }),
    scale: member('loss', 'scale', { by: finiteNumber, term: self }),
    sum: member('loss', 'sum', { terms: listOf(self, 'losses') }),
  }),
);

// -------------------------------------------------------------------------------------------------
// optimizers, phases and the schedule
// -------------------------------------------------------------------------------------------------

/** Every learning-rate schedule kind. */
export const LrScheduleCodec: Codec<LrSchedule> = taggedUnion<LrSchedule>('learning-rate schedule', {
  step: member('learning-rate schedule', 'step', { every: positiveInt, factor: finiteNumber }),
  exponential: member('learning-rate schedule', 'exponential', {
    every: positiveInt,
    factor: finiteNumber,
    floor: finiteNumber,
  }),
  cosine: member('learning-rate schedule', 'cosine', { iterations: positiveInt, floor: finiteNumber }),
});

/** The fields every optimizer may carry (absent: constant rate, no clipping). */
const optimizerExtras = { lrSchedule: LrScheduleCodec, clipNorm: finiteNumber };

/** Every optimizer kind. */
export const OptimizerCodec: Codec<Optimizer> = taggedUnion<Optimizer>('optimizer', {
  adam: member(
    'optimizer',
    'adam',
    { learningRate: finiteNumber, beta1: finiteNumber, beta2: finiteNumber, epsilon: finiteNumber },
    optimizerExtras,
  ),
  sgd: member('optimizer', 'sgd', { learningRate: finiteNumber, momentum: finiteNumber }, optimizerExtras),
  rmsprop: member(
    'optimizer',
    'rmsprop',
    { learningRate: finiteNumber, decay: finiteNumber, momentum: finiteNumber, epsilon: finiteNumber },
    optimizerExtras,
  ),
});

const phaseRecord: Codec<Phase> = member('step', 'phase', {
  name: string,
  minimize: LossCodec,
  update: listOf(string, 'net names'),
  optimizer: OptimizerCodec,
  data: string,
  repeat: positiveInt,
});

/** One phase (inside a `simultaneous` group only phases may appear, not nested groups). */
export const PhaseCodec: Codec<Phase> = taggedUnion<Phase>('phase', { phase: phaseRecord });

const simultaneousRecord: Codec<Simultaneous> = member('step', 'simultaneous', {
  phases: listOf(PhaseCodec, 'phases'),
});

/** A schedule step: a phase or a simultaneous group of phases. */
export const StepCodec: Codec<Step> = taggedUnion<Step>('schedule step', {
  phase: phaseRecord,
  simultaneous: simultaneousRecord,
});

// -------------------------------------------------------------------------------------------------
// data, streams, views and the model
// -------------------------------------------------------------------------------------------------

/** What one training example looks like. */
export const DataDeclCodec: Codec<DataDecl> = exactRecord('a data declaration', {
  x: ShapeCodec,
  classes: nonNegativeInt,
});

const labelChoice = oneOf<'none' | 'all'>('a label setting', { none: null, all: null });
const labelCount = exactRecord('a labeled subset', { count: positiveInt });

/** `'none'`, `'all'` or `{ "count": n }`: a string picks the first two, an object the third. */
const streamLabels: Codec<StreamDecl['labels']> = new t.Type<StreamDecl['labels'], unknown, unknown>(
  "'none', 'all' or { count }",
  (u): u is StreamDecl['labels'] => labelChoice.is(u) || labelCount.is(u),
  (u, c) =>
    typeof u === 'string'
      ? labelChoice.validate(u, c)
      : isRecord(u)
        ? labelCount.validate(u, c)
        : fail(u, c, 'wrong-type', `expected 'none', 'all' or { "count": n }, got ${describeValue(u)}`),
  (a) => (typeof a === 'string' ? a : labelCount.encode(a)),
);
withStructure(streamLabels, { tag: 'anyOf', members: [labelChoice, labelCount] });

/** A named batch stream and which labels it exposes. */
export const StreamDeclCodec: Codec<StreamDecl> = exactRecord('a stream', {
  name: string,
  labels: streamLabels,
});

const viewFields: Readonly<Record<ViewName, Codec<Expr>>> = {
  sample: ExprCodec,
  encode: ExprCodec,
  prior: ExprCodec,
  reconstruct: ExprCodec,
  classify: ExprCodec,
};

/** Evaluation views: each optional, absent views stay absent. */
export const ViewsCodec: Codec<Views> = exactRecord('the views', {}, viewFields);

/**
 * A whole model: the codec a JSON spec file is decoded with.
 *
 * @example
 * // an io-ts codec: compose it, or use its raw validation (decodeModel adds readable errors)
 * const valid = ModelCodec.is(JSON.parse(readFileSync('model.json', 'utf8')));
 * const json = ModelCodec.encode(m);   // plain JSON data, what encodeModel returns
 */
export const ModelCodec: Codec<Model> = exactRecord('a model', {
  name: string,
  data: DataDeclCodec,
  nets: listOf(NetDeclCodec, 'nets'),
  streams: listOf(StreamDeclCodec, 'streams'),
  schedule: listOf(StepCodec, 'schedule steps'),
  views: ViewsCodec,
});

// -------------------------------------------------------------------------------------------------
// decoding and encoding
// -------------------------------------------------------------------------------------------------

/**
 * The key a spec file may use to name its JSON Schema, so editors validate and complete it
 * (`"$schema": "./node_modules/saddle/schema/saddle-model.schema.json"`). It says where the file's
 * schema is, not what the model is: decoding checks that it is a string and drops it.
 *
 * @example
 * decodeModel({ [schemaKey]: './saddle-model.schema.json', ...spec }); // the same as decodeModel(spec)
 */
export const schemaKey = '$schema';

/** `json` without its `$schema` key, and the error for a `$schema` that is not a string. */
const splitSchemaKey = (json: unknown): { readonly spec: unknown; readonly errors: CompileError[] } => {
  if (!isRecord(json) || !Object.hasOwn(json, schemaKey)) return { spec: json, errors: [] };
  const { [schemaKey]: schema, ...spec } = json;
  const message = `expected a string (the path or URL of this file's JSON Schema), got ${describeValue(schema)}`;
  return {
    spec,
    errors: typeof schema === 'string' ? [] : [{ path: schemaKey, code: 'wrong-type', message }],
  };
};

/**
 * Decode a model from parsed JSON (or any value), or return every problem with its path and code.
 * The strict codec is the first line of defence for spec files: unknown fields, misspelt kinds,
 * wrong types and out-of-range widths are reported here, all at once, before the compiler's checks
 * (which need a well-typed model) run. Never throws: a value nested too deeply to walk is reported
 * as an error too (`spec-too-deep`). A top-level `"$schema"` string (see `schemaKey`) is accepted
 * and ignored.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { decodeModel, formatErrors } from 'saddle';
 * const r = decodeModel(JSON.parse(specText));
 * if (E.isLeft(r)) console.error(formatErrors(r.left));
 * // nets[0].layers[0].unit: unknown field 'unit' (did you mean 'units'?) [unknown-field]
 */
export const decodeModel = (json: unknown): E.Either<readonly CompileError[], Model> => {
  try {
    const { spec, errors } = splitSchemaKey(json);
    const decoded = E.mapLeft(toCompileErrors)(ModelCodec.decode(spec));
    return errors.length === 0 ? decoded : E.left([...errors, ...(E.isLeft(decoded) ? decoded.left : [])]);
  } catch (e) {
    if (e instanceof RangeError) {
      return E.left([issue('', 'spec-too-deep', 'the spec is nested too deeply to decode')]);
    }
    throw e;
  }
};

/**
 * A model as plain JSON data (a fresh tree holding only declared fields): how a model built in
 * TypeScript becomes a spec file. `decodeModel(encodeModel(m))` gives `m` back.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * import { encodeModel } from 'saddle';
 * writeFileSync('aae.json', JSON.stringify(encodeModel(myModel), null, 2));
 */
export const encodeModel = (m: Model): unknown => ModelCodec.encode(m);

/** Node's JSON.parse messages, made short: positions as line and column, no echo of the input. */
const jsonSyntaxMessage = (text: string, message: string): string => {
  const at = /\s*in JSON at position (\d+)/.exec(message);
  if (at !== null) {
    const position = Number(at[1]);
    const before = text.slice(0, position).split('\n');
    const line = before.length;
    const column = (before[before.length - 1]?.length ?? 0) + 1;
    return `${message.slice(0, at.index)} at line ${line}, column ${column}`;
  }
  return message.replace(/, ".*" is not valid JSON$/s, '');
};

/**
 * Parse and decode the text of a JSON spec file: the one call `saddle train spec.json` makes before
 * compiling. A JSON syntax error is one `invalid-json` error at the root (path `''`) with its line
 * and column; a file that parses is decoded with `decodeModel`.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * import * as E from 'fp-ts/lib/Either.js';
 * import { formatErrors, parseModelJson } from 'saddle';
 * const r = parseModelJson(readFileSync('aae.json', 'utf8'));
 * if (E.isLeft(r)) console.error(formatErrors(r.left)); // (root): invalid JSON: ... at line 3, column 1 [invalid-json]
 */
export const parseModelJson = (text: string): E.Either<readonly CompileError[], Model> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return E.left([issue('', 'invalid-json', `invalid JSON: ${jsonSyntaxMessage(text, message)}`)]);
  }
  return decodeModel(json);
};
