/**
 * The parts shared by the AAE paper's categorical-latent models (§5 semi-supervised, §6
 * clustering, §7 dimensionality reduction): an encoder q(y, z | x) with a softmax class head and
 * a linear style head on one shared trunk, and the two adversaries that impose Cat(y) and a
 * Gaussian on z.
 *
 * Why a trunk and two head nets rather than one encoder whose output is sliced: the language's
 * softmax is a layer, so q(y|x) needs a net ending in softmax; and with separate heads each phase
 * can name exactly the parameters it moves — the semi-supervised cross-entropy reaches the trunk
 * and the class head but not the style head, and the compiler rejects a phase that updates a net
 * its loss does not reach. The paper's Fig. 8 draws exactly this: one encoder, two outputs.
 *
 * @module
 */
import type {
  DataDecl,
  Dist,
  GanForm,
  Loss,
  LrSchedule,
  NetDecl,
  Optimizer,
  Phase,
  Views,
} from '../dsl/ast.js';
import type { Critic, GameViews, Net, Sym } from '../dsl/index.js';
import {
  adam,
  add,
  apply,
  categorical,
  concat,
  critic,
  dense,
  distWidth,
  ganGame,
  gaussian,
  input,
  mlp,
  net,
  phase,
  reconstruction,
  relu,
  sample,
  seq,
  sigmoid,
  softmax,
  sum,
} from '../dsl/index.js';
import { annealedTo } from './anneal.js';
import { pixels } from './data.js';

/** The two-headed encoder q(y, z | x). */
export interface CategoricalEncoder {
  /** `encoder`: x → shared hidden features (the paper's two ReLU layers). */
  readonly trunk: Net<'data', 'code'>;
  /** `classHead`: features → q(y|x), a softmax over `classes`. */
  readonly classHead: Net<'code', 'label'>;
  /** `styleHead`: features → z, linear, `style` wide. */
  readonly styleHead: Net<'code', 'code'>;
  /** Both heads of one input (the trunk is applied once; the compiler shares it). */
  readonly encode: (x: Sym<'data'>) => { readonly y: Sym<'label'>; readonly z: Sym<'code'> };
}

/**
 * Build q(y, z | x): `hidden`-wide two-layer ReLU trunk, a `classes`-way softmax head and a
 * `style`-wide linear head. Net names are `encoder`, `classHead`, `styleHead`.
 */
export const categoricalEncoder = (o: {
  readonly hidden: number;
  readonly classes: number;
  readonly style: number;
}): CategoricalEncoder => {
  const trunk = net<'data', 'code'>('encoder', mlp([o.hidden, o.hidden], { output: relu }));
  const classHead = net<'code', 'label'>('classHead', seq(dense(o.classes), softmax));
  const styleHead = net<'code', 'code'>('styleHead', [dense(o.style)]);
  return {
    trunk,
    classHead,
    styleHead,
    encode: (x) => {
      const features = apply(trunk, x);
      return { y: apply(classHead, features), z: apply(styleHead, features) };
    },
  };
};

/** The two adversaries and the losses each player minimizes. */
export interface TwoAdversaries {
  /** `classCritic`: tells Cat(y) one-hots from q(y|x) outputs. */
  readonly classCritic: Critic<'label'>;
  /** `styleCritic`: tells prior style draws from z. */
  readonly styleCritic: Critic<'code'>;
  readonly classGame: GameViews;
  readonly styleGame: GameViews;
  /** What both critics minimize together (one regularization phase updates both). */
  readonly critics: Loss;
  /** What the encoder minimizes as both games' generator. */
  readonly generator: Loss;
}

/**
 * The adversaries of §5–7: one on y against `classPrior` (a categorical), one on z against
 * `stylePrior`, each a `hidden`-wide two-layer ReLU critic. Prior draws are at sites
 * `classPrior` and `stylePrior`.
 */
export const twoAdversaries = (
  encoded: { readonly y: Sym<'label'>; readonly z: Sym<'code'> },
  o: {
    readonly hidden: number;
    readonly classPrior: Dist;
    readonly stylePrior: Dist;
    readonly form: GanForm;
    /** Std of the Gaussian noise added to every critic input, real and fake (0: none). */
    readonly criticNoise: number;
  },
): TwoAdversaries => {
  const classCritic = critic<'label'>('classCritic', mlp([o.hidden, o.hidden, 1]));
  const styleCritic = critic<'code'>('styleCritic', mlp([o.hidden, o.hidden, 1]));
  // Instance noise: each critic input plus N(0, criticNoise²), a fresh draw per input and site, as
  // wide as the prior the critic compares against.
  const noised = <S extends 'label' | 'code'>(site: string, v: Sym<S>, prior: Dist): Sym<S> => {
    if (o.criticNoise === 0) return v;
    const width = distWidth(prior);
    if (width === undefined) throw new Error(`criticNoise needs a prior of known width at '${site}'`);
    return add<S>(v, sample<S>(site, gaussian(width, { std: o.criticNoise })));
  };
  const classGame = ganGame(classCritic, {
    real: noised('classRealNoise', sample<'label'>('classPrior', o.classPrior), o.classPrior),
    fake: noised('classFakeNoise', encoded.y, o.classPrior),
    form: o.form,
  });
  const styleGame = ganGame(styleCritic, {
    real: noised('styleRealNoise', sample('stylePrior', o.stylePrior), o.stylePrior),
    fake: noised('styleFakeNoise', encoded.z, o.stylePrior),
    form: o.form,
  });
  return {
    classCritic,
    styleCritic,
    classGame,
    styleGame,
    critics: sum(classGame.critic, styleGame.critic),
    generator: sum(classGame.generator, styleGame.generator),
  };
};

/** The options §5 and §6 share. */
export interface CategoricalAaeOptions {
  readonly hidden: number;
  readonly latent: number;
  readonly form: GanForm;
  readonly reconstructionLr: number;
  readonly criticLr: number;
  readonly generatorLr: number;
  readonly beta1: number;
  /**
   * Cosine annealing of the three unsupervised phases' rates over this many iterations (0: constant
   * rates), to `reconstructionFloor` × and `adversarialFloor` × their base rates, then held — as in
   * `aae`, where it is what makes the end of a run reliable.
   */
  readonly annealIterations: number;
  readonly reconstructionFloor: number;
  readonly adversarialFloor: number;
  /**
   * Std of Gaussian "instance noise" added to both critics' inputs, real and fake (0: none). Not in
   * the paper: a critic comparing exact one-hot prior draws with softmax outputs (never exactly
   * one-hot) can separate them perfectly and starve the encoder of gradient; noise blurs that edge
   * (Sønderby et al. 2016; public AAE reimplementations use 0.3 on both critics).
   */
  readonly criticNoise: number;
}

/** The unsupervised model of §5–6, for an entry to name and, for §5, to extend with a labeled phase. */
export interface CategoricalAae {
  readonly encoder: CategoricalEncoder;
  readonly encoded: { readonly y: Sym<'label'>; readonly z: Sym<'code'> };
  readonly nets: readonly NetDecl[];
  /** reconstruction, critics, generator — in the paper's order. */
  readonly phases: readonly Phase[];
  readonly views: Views;
}

/**
 * The AAE with a Cat(classes) head and a Gaussian style code (§5; §6 is this without labels):
 * reconstruction of x from (z, y) by all of the encoder and the decoder; both critics; then the
 * encoder and both heads as the critics' opponent.
 */
export const categoricalAae = (o: CategoricalAaeOptions, classes: number, data: DataDecl): CategoricalAae => {
  const encoder = categoricalEncoder({ hidden: o.hidden, classes, style: o.latent });
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([o.hidden, o.hidden, pixels(data)], { output: sigmoid }),
  );
  const x = input();
  const encoded = encoder.encode(x);
  const classPrior = categorical(classes);
  const stylePrior = gaussian(o.latent);
  const adversaries = twoAdversaries(encoded, {
    hidden: o.hidden,
    classPrior,
    stylePrior,
    form: o.form,
    criticNoise: o.criticNoise,
  });
  const { trunk, classHead, styleHead } = encoder;
  const annealed = (floor: number): { readonly lrSchedule?: LrSchedule } =>
    annealedTo(o.annealIterations, floor);
  const ganAdam = (lr: number): Optimizer => adam(lr, { beta1: o.beta1, ...annealed(o.adversarialFloor) });
  return {
    encoder,
    encoded,
    nets: [trunk, classHead, styleHead, decoder, adversaries.classCritic, adversaries.styleCritic],
    phases: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, concat(encoded.z, encoded.y)), 'bce'),
        update: [trunk, classHead, styleHead, decoder],
        optimizer: adam(o.reconstructionLr, annealed(o.reconstructionFloor)),
      }),
      phase('critics', {
        minimize: adversaries.critics,
        update: [adversaries.classCritic, adversaries.styleCritic],
        optimizer: ganAdam(o.criticLr),
      }),
      phase('generator', {
        minimize: adversaries.generator,
        update: [trunk, classHead, styleHead],
        optimizer: ganAdam(o.generatorLr),
      }),
    ],
    views: {
      sample: apply(
        decoder,
        concat(sample('stylePrior', stylePrior), sample<'label'>('classPrior', classPrior)),
      ),
      encode: encoded.z,
      classify: encoded.y,
      prior: sample('stylePrior', stylePrior),
      reconstruct: apply(decoder, concat(encoded.z, encoded.y)),
    },
  };
};
