/**
 * `aae-semisupervised` — semi-supervised adversarial autoencoder (Makhzani et al. 2015, §5),
 * seed `001_bea2244ca425a6ad.txt` §5.
 *
 * Generative story: a class y ~ Cat(y) = p(y) and a style z ~ N(z | 0, I) = p(z); the decoder
 * draws x from p(x | y, z). The encoder q(y, z | x) has two outputs: q(y|x), a softmax over the 10
 * MNIST classes, and a linear style code z. Two adversaries regularize it: one makes the
 * aggregated q(y) match Cat(y) (so y carries no style), the other makes q(z) match N(0, I).
 *
 * One iteration, as in the paper's three phases:
 *
 * 1. reconstruction  — encoder, both heads, decoder minimize −log p(x | y, z),
 *                      (y, z) = q(x), on an unlabeled batch;
 * 2. regularization  — (a) `critics`: both critics minimize
 *                      −E log D_y(y') − E log(1 − D_y(y)) − E log D_z(z') − E log(1 − D_z(z)),
 *                      y' ~ Cat(y), z' ~ N(0, I);
 *                      (b) `generator`: the encoder and both heads minimize the generator views
 *                      −E log D_y(y) − E log D_z(z) (non-saturating, as in `aae`);
 * 3. classification  — encoder and class head minimize the cross-entropy −Σ t · log q(y|x) on a
 *                      labeled batch of the `labels`-example labeled stream.
 *
 * Choices where the paper (as the seed reports it) is open:
 * - Encoder layout: a shared two-layer trunk with separate class and style head nets (see
 *   `categorical.ts` for why); the decoder reads concat(z, y), y the *soft* q(y|x) (the class
 *   adversary drives it towards one-hot), as in the paper's Fig. 8.
 * - Regularization is split into a phase updating both critics and a phase updating the encoder,
 *   "first D, then G" as in §3; the two games are independent so one phase per role suffices.
 * - Optimizers: the paper uses SGD with momentum and hand-tuned schedules that the seed does not
 *   give; we use Adam like `aae` (reconstruction, critics and generator 2e-4 — equal rates keep the
 *   code games balanced, see `aae` — with β₁ = 0.5 for the adversarial phases; classification 1e-3),
 *   every rate an option.
 * - Widths: 1000-unit ReLU layers and batch 100, as in `aae`; the style code has 10 dimensions
 *   (`latent`), our default — the seed states none.
 * - `labels`: 100, 1000 or `"all"` in the paper; the labeled stream is a balanced, seeded subset.
 *   Default 100 (the paper's headline setting).
 * - No input noise, no learning-rate schedule: neither is in the seed.
 *
 * Views: `sample` = decoder(z', y') with y' a categorical draw; `encode` = the style code z;
 * `classify` = q(y|x); `prior` = style prior draws; `reconstruct` = decoder(q(x)).
 *
 * @module saddle/zoo/aae-semisupervised
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  crossEntropy,
  label,
  labeledStream,
  mnist,
  model,
  oneHot,
  phase,
  trainStream,
} from '../dsl/index.js';
import { categoricalAae } from './categorical.js';
import {
  Beta,
  GanFormOption,
  NonNegativeInt,
  NonNegativeNumber,
  RateFloor,
  labelCount,
  PositiveInt,
  PositiveNumber,
} from './codecs.js';
import type { ZooEntry } from './entry.js';

/**
 * The options of `aae-semisupervised`, as an io-ts codec (and, under the same name, their type).
 * Command-line overrides (`--set labels=1000`) and JSON option files are decoded with it, so a bad
 * value is an error naming the option instead of a model that fails later.
 *
 * @example
 * AaeSemisupervisedOptions.is({ ...aaeSemisupervisedDefaults, labels: 1000 }); // true
 * resolveOptions(aaeSemisupervised, ['labels=1000']); // Right: the defaults with these overrides
 */
export const AaeSemisupervisedOptions = t.type(
  {
    latent: PositiveInt,
    hidden: PositiveInt,
    labels: labelCount(mnist.classes),
    form: GanFormOption,
    reconstructionLr: PositiveNumber,
    criticLr: PositiveNumber,
    generatorLr: PositiveNumber,
    classificationLr: PositiveNumber,
    beta1: Beta,
    annealIterations: NonNegativeInt,
    reconstructionFloor: RateFloor,
    adversarialFloor: RateFloor,
    criticNoise: NonNegativeNumber,
  },
  'AaeSemisupervisedOptions',
);
export type AaeSemisupervisedOptions = t.TypeOf<typeof AaeSemisupervisedOptions>;

/**
 * The paper's settings for `aae-semisupervised`: what `saddle train aae-semisupervised` builds when
 * no option is set (the module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildAaeSemisupervised({ ...aaeSemisupervisedDefaults, labels: 1000 });
 */
export const aaeSemisupervisedDefaults: AaeSemisupervisedOptions = {
  latent: 10,
  hidden: 1000,
  labels: 100,
  form: 'nonSaturating',
  reconstructionLr: 2e-4,
  criticLr: 2e-4,
  generatorLr: 2e-4,
  classificationLr: 1e-3,
  beta1: 0.5,
  annealIterations: 0,
  reconstructionFloor: 1,
  adversarialFloor: 1,
  criticNoise: 0,
};

/**
 * Build the semi-supervised AAE: reconstruction, two-critic regularization, labeled cross-entropy.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildAaeSemisupervised(aaeSemisupervisedDefaults));
 * compile(buildAaeSemisupervised(aaeSemisupervisedDefaults, { x: [81], classes: 10 }));
 */
export const buildAaeSemisupervised = (o: AaeSemisupervisedOptions, data: DataDecl = mnist): Model => {
  const aae = categoricalAae(o, data.classes, data);
  return model('aae-semisupervised', {
    data,
    nets: aae.nets,
    streams: [
      trainStream,
      o.labels === 'all' ? labeledStream('labeled') : labeledStream('labeled', o.labels),
    ],
    schedule: [
      ...aae.phases,
      phase('classification', {
        minimize: crossEntropy(aae.encoded.y, oneHot(label(), data.classes)),
        update: [aae.encoder.trunk, aae.encoder.classHead],
        optimizer: adam(o.classificationLr),
        data: 'labeled',
      }),
    ],
    views: aae.views,
  });
};

/**
 * The `aae-semisupervised` zoo entry — the semi-supervised AAE (§5): a Cat(y) class head and a
 * Gaussian style code, with a few labels training the class head. `saddle train
 * aae-semisupervised`, `zoo['aae-semisupervised']` and this value are the same entry.
 *
 * @example
 * import { aaeSemisupervised } from 'saddle/zoo/aae-semisupervised';
 * const plan = compile(aaeSemisupervised.build({ ...aaeSemisupervised.defaults, labels: 1000 }));
 */
export const aaeSemisupervised: ZooEntry<AaeSemisupervisedOptions> = {
  id: 'aae-semisupervised',
  paper: 'Makhzani et al. 2015, Adversarial Autoencoders, §5',
  seed: '001_bea2244ca425a6ad.txt',
  summary: 'AAE with a Cat(y) class head and a Gaussian style code; few labels train the class head',
  options: AaeSemisupervisedOptions,
  defaults: aaeSemisupervisedDefaults,
  batchSize: 100,
  build: buildAaeSemisupervised,
};
