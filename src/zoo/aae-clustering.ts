/**
 * `aae-clustering` — unsupervised clustering with an adversarial autoencoder (Makhzani et al.
 * 2015, §6), seed `001_bea2244ca425a6ad.txt` §6.
 *
 * The semi-supervised architecture (`aae-semisupervised`) with two differences the paper names:
 * there is no labeled phase, and the class head q(y|x) is a softmax over `clusters` categories
 * chosen by the user (the paper reports 16 and 30 on MNIST). The class adversary makes the
 * aggregated q(y) match the uniform Cat(y), so the head must spread examples over all clusters
 * with confident (near one-hot) assignments; the style adversary makes q(z) match N(0, I), so z
 * carries what the cluster does not.
 *
 * One iteration:
 *
 * 1. reconstruction — encoder, both heads, decoder minimize −log p(x | y, z), (y, z) = q(x);
 * 2. critics        — both critics minimize −E log D(prior draw) − E log(1 − D(code)), on y
 *                     against y' ~ Cat(clusters) and on z against z' ~ N(0, I);
 * 3. generator      — the encoder and both heads minimize −E log D_y(y) − E log D_z(z).
 *
 * Choices (the seed gives no hyper-parameters for §6): 1000-unit ReLU layers, batch 100, and
 * Adam 2e-4 (β₁ 0.5 on the adversarial phases); a 10-dimensional style code (`latent`); 16
 * clusters by default; and Gaussian instance noise of std 0.3 on both critics' inputs
 * (`criticNoise`), which the paper does not have. Why the noise: without it the cluster head
 * collapses — after one epoch every test image lands in the same one of the 16 clusters (seeds 1
 * and 2) — because every q(y|x) starts near uniform, so the class critic pushes them all towards
 * the same vertex. With the noise three clusters are in use after one epoch and four to seven after
 * two or three (clustering error 73–81% → 67–74%), ten and 50.8% after ten (seed 1;
 * docs/reproduction.md). Public reimplementations use the same 0.3. It slows the collapse; it
 * does not solve it. The
 * `classify` view is the cluster assignment probabilities q(y|x); cluster → label accuracy
 * (the paper's error rate) is an evaluation, not part of the model.
 *
 * @module saddle/zoo/aae-clustering
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import { mnist, model } from '../dsl/index.js';
import { categoricalAae } from './categorical.js';
import {
  Beta,
  GanFormOption,
  NonNegativeInt,
  NonNegativeNumber,
  RateFloor,
  PositiveInt,
  PositiveNumber,
} from './codecs.js';
import type { ZooEntry } from './entry.js';

/**
 * The options of `aae-clustering`, as an io-ts codec (and, under the same name, their type).
 * Command-line overrides (`--set clusters=30`) and JSON option files are decoded with it, so a bad
 * value is an error naming the option instead of a model that fails later.
 *
 * @example
 * AaeClusteringOptions.is({ ...aaeClusteringDefaults, clusters: 30 }); // true
 * resolveOptions(aaeClustering, ['clusters=30']); // Right: the defaults with these overrides
 */
export const AaeClusteringOptions = t.type(
  {
    clusters: PositiveInt,
    latent: PositiveInt,
    hidden: PositiveInt,
    form: GanFormOption,
    reconstructionLr: PositiveNumber,
    criticLr: PositiveNumber,
    generatorLr: PositiveNumber,
    beta1: Beta,
    annealIterations: NonNegativeInt,
    reconstructionFloor: RateFloor,
    adversarialFloor: RateFloor,
    criticNoise: NonNegativeNumber,
  },
  'AaeClusteringOptions',
);
export type AaeClusteringOptions = t.TypeOf<typeof AaeClusteringOptions>;

/**
 * The paper's settings for `aae-clustering`: what `saddle train aae-clustering` builds when no
 * option is set (the module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildAaeClustering({ ...aaeClusteringDefaults, clusters: 30 });
 */
export const aaeClusteringDefaults: AaeClusteringOptions = {
  clusters: 16,
  latent: 10,
  hidden: 1000,
  form: 'nonSaturating',
  reconstructionLr: 2e-4,
  criticLr: 2e-4,
  generatorLr: 2e-4,
  beta1: 0.5,
  annealIterations: 0,
  reconstructionFloor: 1,
  adversarialFloor: 1,
  criticNoise: 0.3,
};

/**
 * Build the clustering AAE: the §5 model without its labeled phase, over `clusters` categories.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildAaeClustering(aaeClusteringDefaults));
 * compile(buildAaeClustering(aaeClusteringDefaults, { x: [81], classes: 10 }));
 */
export const buildAaeClustering = (o: AaeClusteringOptions, data: DataDecl = mnist): Model => {
  const aae = categoricalAae(o, o.clusters, data);
  return model('aae-clustering', { data, nets: aae.nets, schedule: aae.phases, views: aae.views });
};

/**
 * The `aae-clustering` zoo entry — unsupervised clustering with an AAE (§6): a Cat(k) cluster head
 * and a Gaussian style code, both adversarial. `saddle train aae-clustering`,
 * `zoo['aae-clustering']` and this value are the same entry.
 *
 * @example
 * import { aaeClustering } from 'saddle/zoo/aae-clustering';
 * const plan = compile(aaeClustering.build({ ...aaeClustering.defaults, clusters: 30 }));
 */
export const aaeClustering: ZooEntry<AaeClusteringOptions> = {
  id: 'aae-clustering',
  paper: 'Makhzani et al. 2015, Adversarial Autoencoders, §6',
  seed: '001_bea2244ca425a6ad.txt',
  summary: 'unsupervised clustering: a Cat(k) cluster head and a Gaussian style code, both adversarial',
  options: AaeClusteringOptions,
  defaults: aaeClusteringDefaults,
  batchSize: 100,
  build: buildAaeClustering,
};
