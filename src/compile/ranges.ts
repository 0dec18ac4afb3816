/**
 * Hyperparameter ranges: the value rules of single nodes (layers, distributions, optimizers).
 *
 * Each function looks at one node and says what is out of range, with the path of the offending
 * field. They know nothing about the rest of the model, so the declaration checks, the shape
 * inference (which refuses to compute shapes from a layer with a bad field) and the lowering of
 * expressions can all ask the same question and get the same answer.
 *
 * @module
 */
import { match } from 'ts-pattern';
import type { Dist, Layer, LrSchedule, Optimizer } from '../dsl/ast.js';
import type { CompileError, ErrorCode } from './plan.js';

// -------------------------------------------------------------------------------------------------
// predicates
// -------------------------------------------------------------------------------------------------

/** Tolerance for "sums to 1" (weights written as decimals rarely add up exactly). */
export const PROBABILITY_TOLERANCE = 1e-6;

const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Whether `n` is a whole number ≥ 1 — units, dims, filters, counts. */
export const isPositiveInt = (n: unknown): n is number => isNumber(n) && Number.isInteger(n) && n >= 1;

const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** A value rule: the field, whether it holds, what it requires, the value, and its code if not `out-of-range`. */
type Rule = readonly [field: string, ok: boolean, requirement: string, value: unknown, code?: ErrorCode];

const positiveInt = (field: string, value: unknown, what = field): Rule => [
  field,
  isPositiveInt(value),
  `${what} must be a positive integer`,
  value,
];
const positive = (field: string, value: unknown, what = field): Rule => [
  field,
  isNumber(value) && value > 0,
  `${what} must be > 0`,
  value,
];
const unitInterval = (field: string, value: unknown, what = field): Rule => [
  field,
  isNumber(value) && value >= 0 && value < 1,
  `${what} must be in [0, 1)`,
  value,
];
const finite = (field: string, value: unknown, what = field): Rule => [
  field,
  isNumber(value),
  `${what} must be a finite number`,
  value,
];

const failures = (path: string, rules: readonly Rule[]): CompileError[] =>
  rules
    .filter(([, ok]) => !ok)
    .map(([field, , requirement, value, code]) => ({
      path: field === '' ? path : `${path}.${field}`,
      code: code ?? 'out-of-range',
      message: `${requirement}, got ${show(value)}`,
    }));

// -------------------------------------------------------------------------------------------------
// layers
// -------------------------------------------------------------------------------------------------

/**
 * What is out of range in one layer (`path` is the layer's own path, e.g. `nets[0].layers[2]`).
 * Shape inference stops at a layer with any issue, so a bad `units` is reported once, here.
 */
export const layerIssues = (layer: Layer, path: string): CompileError[] =>
  failures(
    path,
    match(layer)
      .returnType<readonly Rule[]>()
      .with({ kind: 'dense' }, (l) => [positiveInt('units', l.units, 'dense units')])
      .with({ kind: 'activation' }, { kind: 'flatten' }, () => [])
      .with({ kind: 'leakyRelu' }, (l) => [finite('alpha', l.alpha, 'leakyRelu alpha')])
      .with({ kind: 'dropout' }, (l) => [unitInterval('rate', l.rate, 'dropout rate')])
      .with({ kind: 'batchNorm' }, (l) => [
        unitInterval('momentum', l.momentum, 'batchNorm momentum'),
        positive('epsilon', l.epsilon, 'batchNorm epsilon'),
      ])
      .with({ kind: 'reshape' }, (l) => [
        ['shape', l.shape.length > 0, 'reshape needs a non-empty target shape', l.shape, 'empty-list'],
        ...l.shape.map((d, i) => positiveInt(`shape[${i}]`, d, 'reshape dimensions')),
      ])
      .with({ kind: 'conv2d' }, { kind: 'deconv2d' }, (l) => [
        positiveInt('filters', l.filters, `${l.kind} filters`),
        positiveInt('kernel', l.kernel, `${l.kind} kernel size`),
        positiveInt('stride', l.stride, `${l.kind} stride`),
      ])
      .with({ kind: 'maxPool' }, (l) => [
        positiveInt('size', l.size, 'maxPool size'),
        positiveInt('stride', l.stride, 'maxPool stride'),
      ])
      .with({ kind: 'randomFeatures' }, (l) => [
        [
          'features',
          isPositiveInt(l.features) && l.features % 2 === 0,
          'randomFeatures features must be a positive even integer (a cosine and a sine per frequency)',
          l.features,
        ],
        positive('sigma', l.sigma, 'randomFeatures sigma (the RBF bandwidth)'),
        [
          'seed',
          Number.isInteger(l.seed) && l.seed >= 0 && l.seed <= 0xffffffff,
          'randomFeatures seed must be a whole number in [0, 2³² − 1]',
          l.seed,
        ],
      ])
      .exhaustive(),
  );

// -------------------------------------------------------------------------------------------------
// distributions
// -------------------------------------------------------------------------------------------------

const sumsToOne = (xs: readonly number[]): boolean =>
  Math.abs(xs.reduce((a, x) => a + x, 0) - 1) <= PROBABILITY_TOLERANCE;

/**
 * Rules for a probability vector stored at `field` (or, with `entry`, in a field of each element:
 * mixture weights live at `components[i].weight`).
 */
const probabilities = (field: string, xs: readonly number[], what: string, entry = ''): Rule[] => [
  [field, xs.length > 0, `${what} must not be empty`, xs, 'empty-list'],
  ...xs.map((p, i): Rule => [
    `${field}[${i}]${entry}`,
    isNumber(p) && p >= 0,
    `${what} must be non-negative`,
    p,
  ]),
  ...(xs.length > 0 && xs.every(isNumber)
    ? [[field, sumsToOne(xs), `${what} must sum to 1`, xs.reduce((a, x) => a + x, 0)] as const]
    : []),
];

/**
 * What is out of range in a distribution (recursively through `joint` and `pushforward` bases).
 * The net a pushforward names is a reference, checked where references are resolved.
 */
export const distIssues = (dist: Dist, path: string): CompileError[] =>
  match(dist)
    .returnType<CompileError[]>()
    .with({ kind: 'gaussian' }, (d) =>
      failures(path, [
        positiveInt('dim', d.dim, 'gaussian dim'),
        finite('mean', d.mean, 'gaussian mean'),
        positive('std', d.std, 'gaussian std'),
      ]),
    )
    .with({ kind: 'gaussianMixture' }, (d) => {
      const dim = d.components[0]?.mean.length ?? 0;
      return failures(path, [
        ...probabilities(
          'components',
          d.components.map((c) => c.weight),
          'mixture weights',
          '.weight',
        ),
        ...(d.components.length > 0 ? [positiveInt('components[0].mean.length', dim, 'mixture dim')] : []),
        ...d.components.flatMap((c, i): Rule[] => [
          [
            `components[${i}].mean`,
            c.mean.length === dim && c.mean.every(isNumber),
            `every component mean must have the ${dim} finite entries of the first component's mean`,
            c.mean,
            'width-mismatch',
          ],
          [
            `components[${i}].scale`,
            c.scale.length === dim && c.scale.every((row) => row.length === dim && row.every(isNumber)),
            `every component scale must be a ${dim} × ${dim} matrix of finite numbers (as rows)`,
            c.scale,
            'width-mismatch',
          ],
        ]),
      ]);
    })
    .with({ kind: 'swissRoll' }, (d) =>
      failures(path, [
        positive('turns', d.turns, 'swissRoll turns'),
        positive('radius', d.radius, 'swissRoll radius'),
        [
          'noise',
          isNumber(d.noise) && d.noise >= 0,
          'swissRoll noise (a standard deviation) must be ≥ 0',
          d.noise,
        ],
      ]),
    )
    .with({ kind: 'categorical' }, (d) =>
      failures(path, probabilities('probs', d.probs, 'categorical probs')),
    )
    .with({ kind: 'uniform' }, (d) =>
      failures(path, [
        positiveInt('dim', d.dim, 'uniform dim'),
        finite('low', d.low, 'uniform low'),
        [
          'high',
          isNumber(d.high) && isNumber(d.low) && d.high > d.low,
          `uniform high must be a finite number above low (${show(d.low)})`,
          d.high,
        ],
      ]),
    )
    .with({ kind: 'joint' }, (d) => [
      ...failures(path, [
        ['parts', d.parts.length > 0, 'a joint distribution needs at least one part', [], 'empty-list'],
      ]),
      ...d.parts.flatMap((p, i) => distIssues(p, `${path}.parts[${i}]`)),
    ])
    .with({ kind: 'pushforward' }, (d) => distIssues(d.base, `${path}.base`))
    .exhaustive();

// -------------------------------------------------------------------------------------------------
// optimizers
// -------------------------------------------------------------------------------------------------

/** What is out of range in an optimizer (`path` is the optimizer's, e.g. `schedule[0].optimizer`). */
export const optimizerIssues = (optimizer: Optimizer, path: string): CompileError[] => [
  ...ownOptimizerIssues(optimizer, path),
  ...failures(
    path,
    optimizer.clipNorm === undefined
      ? []
      : [positive('clipNorm', optimizer.clipNorm, 'clipNorm (a gradient norm)')],
  ),
  ...(optimizer.lrSchedule === undefined ? [] : lrScheduleIssues(optimizer.lrSchedule, `${path}.lrSchedule`)),
];

/** A decay factor: in (0, 1] (1 keeps the rate; above 1 the rate would grow without bound). */
const decayFactor = (field: string, value: unknown, what: string): Rule => [
  field,
  isNumber(value) && value > 0 && value <= 1,
  `${what} must be in (0, 1]`,
  value,
];
/** A floor, as a fraction of the base rate: in [0, 1]. */
const floorFraction = (field: string, value: unknown, what: string): Rule => [
  field,
  isNumber(value) && value >= 0 && value <= 1,
  `${what} (a fraction of the base rate) must be in [0, 1]`,
  value,
];

/** What is out of range in a learning-rate schedule. */
const lrScheduleIssues = (schedule: LrSchedule, path: string): CompileError[] =>
  failures(
    path,
    match(schedule)
      .returnType<readonly Rule[]>()
      .with({ kind: 'step' }, (s) => [
        positiveInt('every', s.every, 'step decay every'),
        decayFactor('factor', s.factor, 'step decay factor'),
      ])
      .with({ kind: 'exponential' }, (s) => [
        positiveInt('every', s.every, 'exponential decay every'),
        decayFactor('factor', s.factor, 'exponential decay factor'),
        floorFraction('floor', s.floor, 'exponential decay floor'),
      ])
      .with({ kind: 'cosine' }, (s) => [
        positiveInt('iterations', s.iterations, 'cosine decay iterations'),
        floorFraction('floor', s.floor, 'cosine decay floor'),
      ])
      .exhaustive(),
  );

const ownOptimizerIssues = (optimizer: Optimizer, path: string): CompileError[] =>
  failures(
    path,
    match(optimizer)
      .returnType<readonly Rule[]>()
      .with({ kind: 'adam' }, (o) => [
        positive('learningRate', o.learningRate, 'the learning rate'),
        unitInterval('beta1', o.beta1, 'adam beta1'),
        unitInterval('beta2', o.beta2, 'adam beta2'),
        positive('epsilon', o.epsilon, 'adam epsilon'),
      ])
      .with({ kind: 'sgd' }, (o) => [
        positive('learningRate', o.learningRate, 'the learning rate'),
        unitInterval('momentum', o.momentum, 'sgd momentum'),
      ])
      .with({ kind: 'rmsprop' }, (o) => [
        positive('learningRate', o.learningRate, 'the learning rate'),
        unitInterval('decay', o.decay, 'rmsprop decay'),
        unitInterval('momentum', o.momentum, 'rmsprop momentum'),
        positive('epsilon', o.epsilon, 'rmsprop epsilon'),
      ])
      .exhaustive(),
  );
