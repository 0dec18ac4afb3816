/**
 * fast-check arbitraries of *well-formed* models: random models the compiler must accept.
 *
 * Where `ast.ts` generates anything the codec accepts, this generates only models that make sense:
 * MLP nets of consistent widths (random hidden layers, activations, dropout, batch norm), an
 * autoencoder trained on reconstruction (optionally plus a scaled MMD to a prior), zero to two
 * games (GAN, witness or f-GAN; a critic sometimes behind fixed random features and penalized by
 * `l2` in its phase) on the code with random priors (Gaussian, uniform, categorical, joint,
 * mixture, swiss roll, a learned pushforward prior), critic and generator phases that minimize the right views (some
 * written through double negation or a negated opposite view), random optimizers and repeat
 * counts, sometimes a simultaneous group, a frozen net used by a view, sometimes a feature-matching
 * term through a critic's hidden layers (`features`) in the generator phase, and sometimes an
 * InfoGAN-style phase (a categorical code through a code net and the decoder, recovered by a
 * softmax net, `mutualInformation`). Each part is drawn with its own arbitrary, so shrinking finds
 * the smallest model that breaks a property.
 *
 * @module
 */
import fc from 'fast-check';
import type {
  Dist,
  FDivergence,
  GameKind,
  Layer,
  Loss,
  Model,
  NetDecl,
  Optimizer,
  OptimizerExtras,
  Phase,
  Step,
} from '../../src/dsl/ast.js';
import {
  adam,
  apply,
  batchNorm,
  categorical,
  cosineDecay,
  critic,
  dense,
  dropout,
  elu,
  exponentialDecay,
  features,
  gaussian,
  gaussianMixture,
  fganGame,
  ganGame,
  input,
  l2,
  joint,
  leakyRelu,
  mmd,
  model,
  mutualInformation,
  net,
  phase,
  pushforward,
  randomFeatures,
  reconstruction,
  relu,
  rmsprop,
  sample,
  scale,
  seq,
  sgd,
  sigmoid,
  softmax,
  stepDecay,
  simultaneous,
  stopGradient,
  sum,
  swissRoll,
  tanh,
  uniform,
  witnessGame,
} from '../../src/dsl/index.js';
import type { Sym } from '../../src/dsl/symbol.js';

// -------------------------------------------------------------------------------------------------
// parts
// -------------------------------------------------------------------------------------------------

const arbActivation: fc.Arbitrary<Layer> = fc.constantFrom(relu, tanh, elu, sigmoid, leakyRelu(0.2));

const arbHiddenLayer: fc.Arbitrary<readonly Layer[]> = fc
  .record({
    units: fc.integer({ min: 1, max: 8 }),
    bias: fc.boolean(),
    batchNorm: fc.boolean(),
    activation: arbActivation,
    dropout: fc.option(fc.double({ min: 0, max: 0.9, noNaN: true }), { nil: undefined }),
  })
  .map((h) => [
    dense(h.units, { bias: h.bias }),
    ...(h.batchNorm ? [batchNorm()] : []),
    h.activation,
    ...(h.dropout === undefined ? [] : [dropout(h.dropout)]),
  ]);

/** An MLP body ending in `out` units (and maybe an output activation). */
const arbMlp = (out: number, outputActivation: fc.Arbitrary<readonly Layer[]> = fc.constant([])) =>
  fc
    .tuple(fc.array(arbHiddenLayer, { maxLength: 2 }), outputActivation)
    .map(([hidden, last]) => seq(...hidden.flat(), dense(out), ...last));

const arbLearningRate = fc.double({ min: 1e-5, max: 0.1, noNaN: true });
const arbUnit = fc.double({ min: 0, max: 0.99, noNaN: true });

const arbFactor = fc.double({ min: 0.01, max: 1, noNaN: true });
const arbEvery = fc.integer({ min: 1, max: 5000 });

/** Any learning-rate schedule with every constant in range, or none; likewise a clip norm. */
const arbExtras: fc.Arbitrary<OptimizerExtras> = fc.record(
  {
    lrSchedule: fc.oneof(
      fc.record({ every: arbEvery, factor: arbFactor }).map(stepDecay),
      fc.record({ every: arbEvery, factor: arbFactor, floor: arbFactor }).map(exponentialDecay),
      fc.record({ iterations: arbEvery, floor: arbFactor }).map(cosineDecay),
    ),
    clipNorm: fc.double({ min: 1e-3, max: 100, noNaN: true }),
  },
  { requiredKeys: [] },
);

/** Any optimizer with every constant in range. */
export const arbOptimizer: fc.Arbitrary<Optimizer> = fc.oneof(
  fc
    .record({ lr: arbLearningRate, beta1: arbUnit, beta2: arbUnit, extras: arbExtras })
    .map((o) => adam(o.lr, { beta1: o.beta1, beta2: o.beta2, ...o.extras })),
  fc
    .record({ lr: arbLearningRate, momentum: arbUnit, extras: arbExtras })
    .map((o) => sgd(o.lr, { momentum: o.momentum, ...o.extras })),
  fc
    .record({ lr: arbLearningRate, decay: arbUnit, momentum: arbUnit, extras: arbExtras })
    .map((o) => rmsprop(o.lr, { decay: o.decay, momentum: o.momentum, ...o.extras })),
);

/** A prior of exactly `k` dimensions, from every sampleable family that has one. */
const arbPrior = (k: number): fc.Arbitrary<Dist> =>
  fc.oneof(
    fc.double({ min: 0.1, max: 2, noNaN: true }).map((std) => gaussian(k, { std })),
    fc.constant(uniform(k, -1, 1)),
    fc.constant(categorical(k)),
    ...(k >= 2
      ? [fc.integer({ min: 1, max: k - 1 }).map((j) => joint(categorical(j), gaussian(k - j)))]
      : []),
    ...(k === 2 ? [fc.constant(swissRoll())] : []),
    fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }).map((raw) => {
      const total = raw.reduce((a, w) => a + w, 0);
      return gaussianMixture(
        raw.map((w, c) => ({
          weight: w / total,
          mean: Array.from({ length: k }, (_, j) => (j === c % k ? 1 : 0)),
          scale: Array.from({ length: k }, (_, r) =>
            Array.from({ length: k }, (_, col) => (r === col ? 0.5 : 0)),
          ),
        })),
      );
    }),
  );

/** How a loss is written without changing its sign: as is, weighted, or doubly negated. */
type Wrap = { readonly kind: 'plain' } | { readonly kind: 'weight' | 'doubleNegation'; readonly by: number };

const arbWrap: fc.Arbitrary<Wrap> = fc.oneof(
  fc.constant({ kind: 'plain' as const }),
  fc.record({
    kind: fc.constantFrom('weight' as const, 'doubleNegation' as const),
    by: fc.double({ min: 0.1, max: 3, noNaN: true }),
  }),
);

const wrap = (w: Wrap, loss: Loss): Loss =>
  w.kind === 'plain' ? loss : w.kind === 'weight' ? scale(w.by, loss) : scale(-w.by, scale(-1, loss));

// -------------------------------------------------------------------------------------------------
// the model
// -------------------------------------------------------------------------------------------------

interface GameSpec {
  readonly prior: Dist;
  /** The game's kind; `twoFakes` and `form` apply to GAN games only. */
  readonly kind: GameKind;
  readonly form: 'minimax' | 'nonSaturating' | 'leastSquares';
  readonly divergence: FDivergence;
  /** A fixed random-feature map in front of the critic's layers (the DS-AAE adversary's shape). */
  readonly randomFeatures: {
    readonly features: number;
    readonly sigma: number;
    readonly seed: number;
  } | null;
  /** A weight for `l2(critic)` in the critic's phase. */
  readonly penalty: number | null;
  readonly critic: readonly Layer[];
  readonly learned: boolean;
  readonly twoFakes: boolean;
  readonly criticRepeat: number;
  readonly criticOptimizer: Optimizer;
  readonly criticWrap: Wrap;
  readonly generatorWrap: Wrap;
}

interface Blueprint {
  readonly data: number;
  readonly classes: number;
  readonly latent: number;
  readonly encoder: readonly Layer[];
  readonly decoder: readonly Layer[];
  readonly metric: 'bce' | 'mse';
  readonly mmd: { readonly prior: Dist; readonly weight: number; readonly sigmas: readonly number[] } | null;
  readonly games: readonly GameSpec[];
  readonly codegen: readonly Layer[];
  readonly baseDim: number;
  readonly frozen: readonly Layer[] | null;
  readonly simultaneous: boolean;
  readonly optimizers: readonly Optimizer[];
  readonly generatorFlip: boolean;
  /** Feature matching through the first game's critic: a pick among its valid cuts, and a weight. */
  readonly featureMatching: { readonly cut: number; readonly weight: number } | null;
  /** An InfoGAN-style phase: categorical code probabilities, the code net and the recognizer q. */
  readonly info: {
    readonly probs: readonly number[];
    readonly codeNet: readonly Layer[];
    readonly q: readonly Layer[];
    readonly weight: number;
  } | null;
}

/** Layer counts `k` at which `features(net, x, k)` does not cut a dense layer from its activation. */
export const validCuts = (layers: readonly Layer[]): number[] =>
  layers.flatMap((layer, i) => {
    const next = layers[i + 1];
    const fusedCut =
      (layer.kind === 'dense' || layer.kind === 'conv2d' || layer.kind === 'deconv2d') &&
      (next?.kind === 'activation' || next?.kind === 'leakyRelu');
    return fusedCut ? [] : [i + 1];
  });

const arbBlueprint: fc.Arbitrary<Blueprint> = fc
  .record({
    data: fc.integer({ min: 2, max: 10 }),
    classes: fc.integer({ min: 2, max: 4 }),
    latent: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ data, classes, latent }) =>
    fc.record({
      data: fc.constant(data),
      classes: fc.constant(classes),
      latent: fc.constant(latent),
      encoder: arbMlp(latent),
      decoder: arbMlp(data, fc.constantFrom([], [sigmoid])),
      metric: fc.constantFrom('bce' as const, 'mse' as const),
      mmd: fc.option(
        fc.record({
          prior: arbPrior(latent),
          weight: fc.double({ min: 0.1, max: 5, noNaN: true }),
          sigmas: fc.array(fc.double({ min: 0.1, max: 4, noNaN: true }), { minLength: 1, maxLength: 3 }),
        }),
        { nil: null },
      ),
      games: fc.array(
        fc.record({
          prior: arbPrior(latent),
          kind: fc.constantFrom<GameKind>('gan', 'witness', 'fgan'),
          form: fc.constantFrom('minimax' as const, 'nonSaturating' as const, 'leastSquares' as const),
          divergence: fc.constantFrom<FDivergence>('reverseKL', 'forwardKL'),
          randomFeatures: fc.option(
            fc.record({
              features: fc.integer({ min: 1, max: 8 }).map((n) => 2 * n),
              sigma: fc.double({ min: 0.1, max: 4, noNaN: true }),
              seed: fc.nat(),
            }),
            { nil: null },
          ),
          penalty: fc.option(fc.double({ min: 0.01, max: 2, noNaN: true }), { nil: null }),
          critic: arbMlp(1),
          learned: fc.boolean(),
          twoFakes: fc.boolean(),
          criticRepeat: fc.integer({ min: 1, max: 3 }),
          criticOptimizer: arbOptimizer,
          criticWrap: arbWrap,
          generatorWrap: arbWrap,
        }),
        { maxLength: 2 },
      ),
      codegen: arbMlp(latent),
      baseDim: fc.integer({ min: 1, max: 3 }),
      frozen: fc.option(arbMlp(3), { nil: null }),
      simultaneous: fc.boolean(),
      optimizers: fc.array(arbOptimizer, { minLength: 3, maxLength: 3 }),
      generatorFlip: fc.boolean(),
      featureMatching: fc.option(
        fc.record({ cut: fc.nat(), weight: fc.double({ min: 0.1, max: 2, noNaN: true }) }),
        { nil: null },
      ),
      info: fc.option(
        fc
          .array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 2, maxLength: 4 })
          .chain((raw) => {
            const total = raw.reduce((a, w) => a + w, 0);
            return fc.record({
              probs: fc.constant(raw.map((w) => w / total)),
              codeNet: arbMlp(latent),
              q: arbMlp(raw.length, fc.constant([softmax])),
              weight: fc.double({ min: 0.1, max: 2, noNaN: true }),
            });
          }),
        { nil: null },
      ),
    }),
  );

const build = (s: Blueprint): Model => {
  const encoder = net('encoder', s.encoder);
  const decoder = net('decoder', s.decoder);
  const critics = s.games.map((g, i) =>
    critic(
      `critic${i}`,
      g.randomFeatures === null
        ? g.critic
        : seq(randomFeatures(g.randomFeatures.features, g.randomFeatures), g.critic),
    ),
  );
  const usesLearned = s.games.some((g) => g.learned);
  const codegen = net('codegen', s.codegen);
  const frozen = s.frozen === null ? null : net('features', s.frozen, { trainable: false });
  const [recOptimizer = adam(1e-3), genOptimizer = adam(1e-3), priorOptimizer = adam(1e-3)] = s.optimizers;

  const x = input();
  const z = apply(encoder, x);
  const learnedPrior: Sym = sample('learned', pushforward(gaussian(s.baseDim), codegen));

  const recLoss = reconstruction(x, apply(decoder, z), s.metric);
  const recMinimize =
    s.mmd === null
      ? recLoss
      : sum(recLoss, scale(s.mmd.weight, mmd(z, sample('mmdPrior', s.mmd.prior), s.mmd.sigmas)));

  const games = s.games.map((g, i) => {
    const real = g.learned ? learnedPrior : sample(`prior${i}`, g.prior);
    const scorer = critics[i] ?? critic(`critic${i}`, g.critic);
    if (g.kind === 'witness') return witnessGame(scorer, { real, fake: z });
    if (g.kind === 'fgan') return fganGame(scorer, { real, fake: z, divergence: g.divergence });
    const fake = g.twoFakes ? [z, apply(encoder, x)] : [z];
    return ganGame(scorer, { real, fake, form: g.form });
  });

  const criticPhases: Phase[] = [];
  games.forEach((views, i) => {
    const g = s.games[i];
    if (g === undefined) return;
    criticPhases.push(
      phase(`critic${i}`, {
        minimize:
          g.penalty === null
            ? wrap(g.criticWrap, views.critic)
            : sum(wrap(g.criticWrap, views.critic), scale(g.penalty, l2(`critic${i}`))),
        update: [`critic${i}`],
        optimizer: g.criticOptimizer,
        repeat: s.simultaneous ? 1 : g.criticRepeat,
      }),
    );
  });
  // The generator's loss, sometimes written as the negated critic view (same view after signs).
  const generatorLosses = games.map((views, i) =>
    wrap(
      s.games[i]?.generatorWrap ?? { kind: 'plain' },
      s.generatorFlip ? scale(-1, views.critic) : views.generator,
    ),
  );
  const adversarial: Step[] =
    games.length === 0
      ? []
      : ((): Step[] => {
          const first = s.games[0];
          const cuts = critics[0] === undefined ? [] : validCuts(critics[0].layers);
          const cut = s.featureMatching === null ? undefined : cuts[s.featureMatching.cut % cuts.length];
          const matching: Loss[] =
            s.featureMatching === null || cut === undefined || critics[0] === undefined
              ? []
              : [
                  scale(
                    s.featureMatching.weight,
                    reconstruction(
                      features(critics[0], sample('matched', first?.prior ?? gaussian(s.latent)), cut),
                      features(critics[0], z, cut),
                      'mse',
                    ),
                  ),
                ];
          const terms = [...generatorLosses, ...matching];
          const generator = phase('generator', {
            minimize: terms.length === 1 ? (terms[0] as Loss) : sum(...terms),
            update: [encoder],
            optimizer: genOptimizer,
          });
          return s.simultaneous ? [simultaneous(...criticPhases, generator)] : [...criticPhases, generator];
        })();
  const priorFit: Step[] = usesLearned
    ? [
        phase('prior', {
          minimize: mmd(learnedPrior, stopGradient(z), [1]),
          update: [codegen],
          optimizer: priorOptimizer,
        }),
      ]
    : [];

  const infoNets =
    s.info === null ? [] : [net('infoCode', s.info.codeNet), net<'data', 'label'>('q', s.info.q)];
  const infoPhase: Step[] = ((): Step[] => {
    const [codeNet, q] = infoNets;
    if (s.info === null || codeNet === undefined || q === undefined) return [];
    const code = sample<'label'>('s', categorical(s.info.probs));
    const generated = apply(decoder, apply(codeNet, code));
    return [
      phase('info', {
        minimize: scale(s.info.weight, mutualInformation(apply(q, generated), code)),
        update: [codeNet, q],
        optimizer: priorOptimizer,
      }),
    ];
  })();

  const nets: NetDecl[] = [
    encoder,
    decoder,
    ...critics,
    ...(usesLearned ? [codegen] : []),
    ...(frozen === null ? [] : [frozen]),
    ...infoNets,
  ];
  return model('wellformed', {
    data: { x: [s.data], classes: s.classes },
    nets,
    schedule: [
      phase('reconstruction', { minimize: recMinimize, update: [encoder, decoder], optimizer: recOptimizer }),
      ...adversarial,
      ...priorFit,
      ...infoPhase,
    ],
    views: {
      sample: apply(decoder, sample('view', gaussian(s.latent))),
      encode: z,
      ...(frozen === null ? {} : { classify: apply(frozen, x) }),
      ...(usesLearned ? { prior: learnedPrior } : {}),
    },
  });
};

/** A random model the compiler must accept (see the module doc for what varies). */
export const arbWellFormedModel: fc.Arbitrary<Model> = arbBlueprint.map(build);
