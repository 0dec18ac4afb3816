/**
 * fast-check arbitraries for every node kind of `src/dsl/ast.ts`: random, structurally valid models.
 *
 * "Structurally valid" means exactly what the codec accepts — every kind, every field with a value of
 * the right type (finite numbers, positive integer widths) — but not necessarily a model the compiler
 * accepts (widths need not chain, names need not resolve). Use them to property-test anything that
 * must handle every node: the codec's round trip, the compiler's never-throw, a printer.
 *
 * Recursive kinds (`joint`/`pushforward` distributions, nested expressions, `scale`/`sum` losses) are
 * tied with `fc.letrec`, with depth biased small so models stay cheap to check and shrink well.
 *
 * @module
 */
import fc from 'fast-check';
import type {
  ActivationFn,
  DataDecl,
  Dist,
  Expr,
  Game,
  Layer,
  Loss,
  MixtureComponent,
  Model,
  NetDecl,
  LrSchedule,
  Optimizer,
  Phase,
  RbfMixture,
  Simultaneous,
  Step,
  StreamDecl,
  Views,
} from '../../src/dsl/ast.js';

// -------------------------------------------------------------------------------------------------
// leaves
// -------------------------------------------------------------------------------------------------

/** Any finite double, with −0 folded into 0 (JSON cannot tell them apart). */
export const arbFinite: fc.Arbitrary<number> = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((x) => (x === 0 ? 0 : x));

/** A width or count: a smallish positive integer. */
export const arbWidth: fc.Arbitrary<number> = fc.integer({ min: 1, max: 1024 });

/** A name: usually a familiar one, sometimes any string (the codec must not care). */
export const arbName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('encoder', 'decoder', 'discriminator', 'train', 'labeled', 'z', 'eps'),
  fc.string({ maxLength: 8 }),
);

const arbShape = fc.array(arbWidth, { minLength: 1, maxLength: 3 });
const arbNumbers = fc.array(arbFinite, { maxLength: 4 });

// -------------------------------------------------------------------------------------------------
// layers and nets
// -------------------------------------------------------------------------------------------------

const arbPadding = fc.constantFrom('same' as const, 'valid' as const);
const arbConv = <K extends 'conv2d' | 'deconv2d'>(kind: K) =>
  fc.record({
    kind: fc.constant(kind),
    filters: arbWidth,
    kernel: arbWidth,
    stride: arbWidth,
    padding: arbPadding,
  });

/** Every layer kind. */
export const arbLayer: fc.Arbitrary<Layer> = fc.oneof(
  fc.record({ kind: fc.constant('dense' as const), units: arbWidth, bias: fc.boolean() }),
  fc.record({
    kind: fc.constant('activation' as const),
    fn: fc.constantFrom<ActivationFn>('linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu'),
  }),
  fc.record({ kind: fc.constant('leakyRelu' as const), alpha: arbFinite }),
  fc.record({ kind: fc.constant('dropout' as const), rate: arbFinite }),
  fc.record({ kind: fc.constant('batchNorm' as const), momentum: arbFinite, epsilon: arbFinite }),
  fc.record({ kind: fc.constant('reshape' as const), shape: arbShape }),
  fc.constant({ kind: 'flatten' as const }),
  arbConv('conv2d'),
  arbConv('deconv2d'),
  fc.record({ kind: fc.constant('maxPool' as const), size: arbWidth, stride: arbWidth }),
  fc.record({
    kind: fc.constant('randomFeatures' as const),
    features: arbWidth,
    sigma: arbFinite,
    seed: fc.nat(),
  }),
);

export const arbNetDecl: fc.Arbitrary<NetDecl> = fc.record({
  name: arbName,
  role: fc.constantFrom('net' as const, 'critic' as const),
  layers: fc.array(arbLayer, { maxLength: 5 }),
  trainable: fc.boolean(),
});

// -------------------------------------------------------------------------------------------------
// distributions, expressions, losses (mutually recursive)
// -------------------------------------------------------------------------------------------------

const arbComponent: fc.Arbitrary<MixtureComponent> = fc.record({
  weight: arbFinite,
  mean: arbNumbers,
  scale: fc.array(arbNumbers, { maxLength: 3 }),
});

const arbKernel: fc.Arbitrary<RbfMixture> = fc.record({
  kind: fc.constant('rbf' as const),
  sigmas: arbNumbers,
});

const recursive = { depthSize: 'small', withCrossShrink: true } as const;

const tree = fc.letrec<{ dist: Dist; expr: Expr; loss: Loss; game: Game }>((tie) => ({
  dist: fc.oneof(
    recursive,
    fc.record({ kind: fc.constant('gaussian' as const), dim: arbWidth, mean: arbFinite, std: arbFinite }),
    fc.record({
      kind: fc.constant('gaussianMixture' as const),
      components: fc.array(arbComponent, { maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('swissRoll' as const),
      turns: arbFinite,
      radius: arbFinite,
      noise: arbFinite,
    }),
    fc.record({ kind: fc.constant('categorical' as const), probs: arbNumbers }),
    fc.record({ kind: fc.constant('uniform' as const), dim: arbWidth, low: arbFinite, high: arbFinite }),
    fc.record({ kind: fc.constant('joint' as const), parts: fc.array(tie('dist'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('pushforward' as const), base: tie('dist'), net: arbName }),
  ),
  expr: fc.oneof(
    recursive,
    fc.constant({ kind: 'input' as const }),
    fc.constant({ kind: 'label' as const }),
    fc.record(
      { kind: fc.constant('sample' as const), site: arbName, dist: tie('dist'), batch: arbWidth },
      { requiredKeys: ['kind', 'site', 'dist'] },
    ),
    fc.record({ kind: fc.constant('oneHot' as const), of: tie('expr'), classes: arbWidth }),
    fc.record({ kind: fc.constant('apply' as const), net: arbName, input: tie('expr') }),
    fc.record({ kind: fc.constant('concat' as const), parts: fc.array(tie('expr'), { maxLength: 3 }) }),
    fc.record({
      kind: fc.constant('slice' as const),
      of: tie('expr'),
      start: fc.integer({ min: 0, max: 1024 }),
      width: arbWidth,
    }),
    fc.record({ kind: fc.constant('add' as const), terms: fc.array(tie('expr'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('gaussianCode' as const), site: arbName, params: tie('expr') }),
    fc.record({ kind: fc.constant('stopGradient' as const), of: tie('expr') }),
    fc.record({
      kind: fc.constant('features' as const),
      net: arbName,
      input: tie('expr'),
      layers: arbWidth,
    }),
  ),
  game: fc.oneof(
    fc.record({
      kind: fc.constant('gan' as const),
      form: fc.constantFrom('minimax' as const, 'nonSaturating' as const, 'leastSquares' as const),
      critic: arbName,
      real: tie('expr'),
      fake: fc.array(tie('expr'), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({
      kind: fc.constant('witness' as const),
      critic: arbName,
      real: tie('expr'),
      fake: tie('expr'),
    }),
    fc.record({
      kind: fc.constant('fgan' as const),
      divergence: fc.constantFrom('reverseKL' as const, 'forwardKL' as const),
      critic: arbName,
      real: tie('expr'),
      fake: tie('expr'),
    }),
  ),
  loss: fc.oneof(
    recursive,
    fc.record({
      kind: fc.constant('reconstruction' as const),
      target: tie('expr'),
      output: tie('expr'),
      metric: fc.constantFrom('bce' as const, 'mse' as const),
    }),
    fc.record({
      kind: fc.constant('game' as const),
      game: tie('game'),
      view: fc.constantFrom('critic' as const, 'generator' as const),
    }),
    fc.record({ kind: fc.constant('mmd' as const), a: tie('expr'), b: tie('expr'), kernel: arbKernel }),
    fc.record({ kind: fc.constant('crossEntropy' as const), probs: tie('expr'), target: tie('expr') }),
    fc.record({ kind: fc.constant('klGaussian' as const), code: tie('expr') }),
    fc.record({ kind: fc.constant('mutualInformation' as const), probs: tie('expr'), code: tie('expr') }),
    fc.record({ kind: fc.constant('l2' as const), net: arbName }),
    fc.record({ kind: fc.constant('scale' as const), by: arbFinite, term: tie('loss') }),
    fc.record({ kind: fc.constant('sum' as const), terms: fc.array(tie('loss'), { maxLength: 3 }) }),
  ),
}));

/** Every distribution kind, `joint` and `pushforward` nesting. */
export const arbDist: fc.Arbitrary<Dist> = tree.dist;
/** Every expression kind, nested (samples draw from `arbDist`). */
export const arbExpr: fc.Arbitrary<Expr> = tree.expr;
/** A game (GAN, witness or f-GAN) between random expressions. */
export const arbGame: fc.Arbitrary<Game> = tree.game;
/** Every loss kind, `scale` and `sum` nesting. */
export const arbLoss: fc.Arbitrary<Loss> = tree.loss;

// -------------------------------------------------------------------------------------------------
// optimizers, phases, the schedule and the model
// -------------------------------------------------------------------------------------------------

/** Every learning-rate schedule kind. */
export const arbLrSchedule: fc.Arbitrary<LrSchedule> = fc.oneof(
  fc.record({
    kind: fc.constant('step' as const),
    every: fc.integer({ min: 1, max: 1000 }),
    factor: arbFinite,
  }),
  fc.record({
    kind: fc.constant('exponential' as const),
    every: fc.integer({ min: 1, max: 1000 }),
    factor: arbFinite,
    floor: arbFinite,
  }),
  fc.record({
    kind: fc.constant('cosine' as const),
    iterations: fc.integer({ min: 1, max: 1000 }),
    floor: arbFinite,
  }),
);

/** The optional fields every optimizer may carry: each present or absent. */
const arbOptimizerExtras = fc.record(
  { lrSchedule: arbLrSchedule, clipNorm: arbFinite },
  { requiredKeys: [] },
);

/** Every optimizer kind. */
export const arbOptimizer: fc.Arbitrary<Optimizer> = fc
  .oneof(
    fc.record({
      kind: fc.constant('adam' as const),
      learningRate: arbFinite,
      beta1: arbFinite,
      beta2: arbFinite,
      epsilon: arbFinite,
    }),
    fc.record({ kind: fc.constant('sgd' as const), learningRate: arbFinite, momentum: arbFinite }),
    fc.record({
      kind: fc.constant('rmsprop' as const),
      learningRate: arbFinite,
      decay: arbFinite,
      momentum: arbFinite,
      epsilon: arbFinite,
    }),
  )
  .chain((o) => arbOptimizerExtras.map((extras): Optimizer => ({ ...o, ...extras })));

export const arbPhase: fc.Arbitrary<Phase> = fc.record({
  kind: fc.constant('phase' as const),
  name: arbName,
  minimize: arbLoss,
  update: fc.array(arbName, { maxLength: 3 }),
  optimizer: arbOptimizer,
  data: arbName,
  repeat: fc.integer({ min: 1, max: 10 }),
});

const arbSimultaneous: fc.Arbitrary<Simultaneous> = fc.record({
  kind: fc.constant('simultaneous' as const),
  phases: fc.array(arbPhase, { maxLength: 3 }),
});

/** A phase, or (less often) a simultaneous group of phases. */
export const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: arbPhase, weight: 3 },
  { arbitrary: arbSimultaneous, weight: 1 },
);

export const arbDataDecl: fc.Arbitrary<DataDecl> = fc.record({
  x: arbShape,
  classes: fc.integer({ min: 0, max: 100 }),
});

export const arbStreamDecl: fc.Arbitrary<StreamDecl> = fc.record({
  name: arbName,
  labels: fc.oneof(
    fc.constantFrom('none' as const, 'all' as const),
    fc.record({ count: fc.integer({ min: 1, max: 60_000 }) }),
  ),
});

/** Any subset of the views, absent ones absent (not `undefined`). */
export const arbViews: fc.Arbitrary<Views> = fc.record(
  { sample: arbExpr, encode: arbExpr, prior: arbExpr, reconstruct: arbExpr, classify: arbExpr },
  { requiredKeys: [] },
);

/** A random, structurally valid model using every kind above. */
export const arbModel: fc.Arbitrary<Model> = fc.record({
  name: arbName,
  data: arbDataDecl,
  nets: fc.array(arbNetDecl, { maxLength: 3 }),
  streams: fc.array(arbStreamDecl, { maxLength: 2 }),
  schedule: fc.array(arbStep, { maxLength: 3 }),
  views: arbViews,
});
