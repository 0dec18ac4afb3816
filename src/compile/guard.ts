/**
 * The structural guard: is this value a `Model` at all?
 *
 * `compile` accepts anything cast to `Model` — parsed JSON, half-built objects — and must answer
 * with errors, never an exception. Before any check reads a field, this guard walks the value
 * against a table of every node kind's fields and reports each missing or mistyped field with its
 * path. It checks types only (a number is a number); ranges and references are the checks' job.
 *
 * The tables are keyed by node kind with mapped types, so adding a kind to `ast.ts` fails to
 * type-check here until its fields are described.
 *
 * @module
 */
import type {
  DistKind,
  ExprKind,
  GameKind,
  LayerKind,
  LossKind,
  LrSchedule,
  Optimizer,
  ViewName,
} from '../dsl/ast.js';
import type { CompileError, ErrorCode } from './plan.js';

// -------------------------------------------------------------------------------------------------
// validators
// -------------------------------------------------------------------------------------------------

/** Checks one value at `path`, appending what is wrong to `out`. */
type Check = (value: unknown, path: string, out: CompileError[]) => void;

const describe = (v: unknown): string => {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
};

/** A missing field is `missing-field`; any other value of the wrong type is `code`. */
const expected =
  (what: string, ok: (v: unknown) => boolean, code: ErrorCode = 'wrong-type'): Check =>
  (v, path, out) => {
    if (!ok(v))
      out.push({
        path,
        code: v === undefined ? 'missing-field' : code,
        message: `expected ${what}, got ${describe(v)}`,
      });
  };

const num: Check = expected('a number', (v) => typeof v === 'number' && !Number.isNaN(v));
const str: Check = expected('a string', (v) => typeof v === 'string');
const bool: Check = expected('a boolean', (v) => typeof v === 'boolean');
const literal = (...options: readonly string[]): Check =>
  expected(
    `one of ${options.map((o) => `'${o}'`).join(', ')}`,
    (v) => typeof v === 'string' && options.includes(v),
    'unknown-value',
  );

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const arrayOf =
  (item: Check): Check =>
  (v, path, out) => {
    if (!Array.isArray(v)) expected('an array', () => false)(v, path, out);
    else v.forEach((x, i) => item(x, `${path}[${i}]`, out));
  };

type Fields = Readonly<Record<string, Check>>;

const field = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

const record =
  (fields: Fields, optional: Fields = {}): Check =>
  (v, path, out) => {
    if (!isRecord(v)) {
      expected('an object', () => false)(v, path, out);
      return;
    }
    for (const [key, check] of Object.entries(fields)) check(v[key], field(path, key), out);
    for (const [key, check] of Object.entries(optional))
      if (v[key] !== undefined) check(v[key], field(path, key), out);
  };

/**
 * A node of a tagged union: an object whose `kind` is one of `table`'s keys, with that kind's
 * fields. `what` names the union in messages ("an expression").
 */
const tagged =
  (what: string, table: () => Readonly<Record<string, readonly [Fields, Fields?]>>): Check =>
  (v, path, out) => {
    if (!isRecord(v)) {
      expected(`${what} (an object with a kind)`, () => false)(v, path, out);
      return;
    }
    const kinds = table();
    const entry = typeof v.kind === 'string' && Object.hasOwn(kinds, v.kind) ? kinds[v.kind] : undefined;
    if (entry === undefined) {
      out.push({
        path: field(path, 'kind'),
        code: v.kind === undefined ? 'missing-field' : 'unknown-kind',
        message: `expected ${what} kind (one of ${Object.keys(kinds).join(', ')}), got ${describe(v.kind)}`,
      });
      return;
    }
    record(entry[0], entry[1] ?? {})(v, path, out);
  };

// -------------------------------------------------------------------------------------------------
// node tables (one entry per kind, exhaustive by type)
// -------------------------------------------------------------------------------------------------

type Table<K extends string> = { readonly [Kind in K]: readonly [Fields, Fields?] };

const shape = arrayOf(num);
const padding = literal('same', 'valid');

const layerTable: Table<LayerKind> = {
  dense: [{ units: num, bias: bool }],
  activation: [{ fn: literal('linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu') }],
  leakyRelu: [{ alpha: num }],
  dropout: [{ rate: num }],
  batchNorm: [{ momentum: num, epsilon: num }],
  reshape: [{ shape }],
  flatten: [{}],
  conv2d: [{ filters: num, kernel: num, stride: num, padding }],
  deconv2d: [{ filters: num, kernel: num, stride: num, padding }],
  maxPool: [{ size: num, stride: num }],
  randomFeatures: [{ features: num, sigma: num, seed: num }],
};
const layer = tagged('a layer', () => layerTable);

const distTable: Table<DistKind> = {
  gaussian: [{ dim: num, mean: num, std: num }],
  gaussianMixture: [
    { components: arrayOf(record({ weight: num, mean: arrayOf(num), scale: arrayOf(arrayOf(num)) })) },
  ],
  swissRoll: [{ turns: num, radius: num, noise: num }],
  categorical: [{ probs: arrayOf(num) }],
  uniform: [{ dim: num, low: num, high: num }],
  joint: [{ parts: arrayOf((v, p, o) => dist(v, p, o)) }],
  pushforward: [{ base: (v, p, o) => dist(v, p, o), net: str }],
};
const dist: Check = tagged('a distribution', () => distTable);

const exprTable: Table<ExprKind> = {
  input: [{}],
  label: [{}],
  oneHot: [{ of: (v, p, o) => expr(v, p, o), classes: num }],
  apply: [{ net: str, input: (v, p, o) => expr(v, p, o) }],
  sample: [{ site: str, dist }, { batch: num }],
  concat: [{ parts: arrayOf((v, p, o) => expr(v, p, o)) }],
  slice: [{ of: (v, p, o) => expr(v, p, o), start: num, width: num }],
  add: [{ terms: arrayOf((v, p, o) => expr(v, p, o)) }],
  gaussianCode: [{ site: str, params: (v, p, o) => expr(v, p, o) }],
  stopGradient: [{ of: (v, p, o) => expr(v, p, o) }],
  features: [{ net: str, input: (v, p, o) => expr(v, p, o), layers: num }],
};
const expr: Check = tagged('an expression', () => exprTable);

const gameTable: Table<GameKind> = {
  gan: [
    {
      form: literal('minimax', 'nonSaturating', 'leastSquares'),
      critic: str,
      real: expr,
      fake: arrayOf(expr),
    },
  ],
  witness: [{ critic: str, real: expr, fake: expr }],
  fgan: [{ divergence: literal('reverseKL', 'forwardKL'), critic: str, real: expr, fake: expr }],
};
const game = tagged('a game', () => gameTable);

const lossTable: Table<LossKind> = {
  reconstruction: [{ target: expr, output: expr, metric: literal('bce', 'mse') }],
  game: [{ game, view: literal('critic', 'generator') }],
  mmd: [{ a: expr, b: expr, kernel: record({ kind: literal('rbf'), sigmas: arrayOf(num) }) }],
  crossEntropy: [{ probs: expr, target: expr }],
  klGaussian: [{ code: expr }],
  mutualInformation: [{ probs: expr, code: expr }],
  l2: [{ net: str }],
  scale: [{ by: num, term: (v, p, o) => loss(v, p, o) }],
  sum: [{ terms: arrayOf((v, p, o) => loss(v, p, o)) }],
};
const loss: Check = tagged('a loss', () => lossTable);

const lrScheduleTable: Table<LrSchedule['kind']> = {
  step: [{ every: num, factor: num }],
  exponential: [{ every: num, factor: num, floor: num }],
  cosine: [{ iterations: num, floor: num }],
};
/** What every optimizer may carry besides its own fields. */
const optimizerExtras: Fields = {
  lrSchedule: tagged('a learning-rate schedule', () => lrScheduleTable),
  clipNorm: num,
};

const optimizerTable: Table<Optimizer['kind']> = {
  adam: [{ learningRate: num, beta1: num, beta2: num, epsilon: num }, optimizerExtras],
  sgd: [{ learningRate: num, momentum: num }, optimizerExtras],
  rmsprop: [{ learningRate: num, decay: num, momentum: num, epsilon: num }, optimizerExtras],
};

const phaseFields: Fields = {
  name: str,
  minimize: loss,
  update: arrayOf(str),
  optimizer: tagged('an optimizer', () => optimizerTable),
  data: str,
  repeat: num,
};

const stepTable: Table<'phase' | 'simultaneous'> = {
  phase: [phaseFields],
  simultaneous: [{ phases: arrayOf(record({ kind: literal('phase'), ...phaseFields })) }],
};

const labels: Check = (v, path, out) => {
  if (v === 'none' || v === 'all') return;
  if (isRecord(v)) record({ count: num })(v, path, out);
  else expected(`'none', 'all' or { count }`, () => false)(v, path, out);
};

const viewFields: { readonly [V in ViewName]: Check } = {
  sample: expr,
  encode: expr,
  prior: expr,
  reconstruct: expr,
  classify: expr,
};

const model = record({
  name: str,
  data: record({ x: shape, classes: num }),
  nets: arrayOf(
    record({ name: str, role: literal('net', 'critic'), layers: arrayOf(layer), trainable: bool }),
  ),
  streams: arrayOf(record({ name: str, labels })),
  schedule: arrayOf(tagged('a schedule step', () => stepTable)),
  views: record({}, viewFields),
});

// -------------------------------------------------------------------------------------------------
// entry point
// -------------------------------------------------------------------------------------------------

/**
 * Every place where `value` is not shaped like a `Model` (wrong type, missing field, unknown node
 * kind), with its path. Empty means the compiler's checks may safely read every field.
 */
export const structuralErrors = (value: unknown): readonly CompileError[] => {
  const out: CompileError[] = [];
  if (!isRecord(value))
    return [
      { path: '', code: 'wrong-type', message: `expected a model (an object), got ${describe(value)}` },
    ];
  model(value, '', out);
  return out;
};
