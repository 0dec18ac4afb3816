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
 * Adam as in `aae`; a 10-dimensional style code (`latent`); 16 clusters by default. The
 * `classify` view is the cluster assignment probabilities q(y|x); cluster → label accuracy
 * (the paper's error rate) is an evaluation, not part of the model.
 *
 * @module
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  apply,
  categorical,
  concat,
  gaussian,
  input,
  mlp,
  mnist,
  model,
  net,
  phase,
  reconstruction,
  sample,
  sigmoid,
} from '../dsl/index.js';
import { categoricalEncoder, twoAdversaries } from './categorical.js';
import { Beta, GanFormOption, PositiveInt, PositiveNumber } from './codecs.js';
import type { ZooEntry } from './entry.js';
import { pixels } from './data.js';

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
  },
  'AaeClusteringOptions',
);
export type AaeClusteringOptions = t.TypeOf<typeof AaeClusteringOptions>;

export const aaeClusteringDefaults: AaeClusteringOptions = {
  clusters: 16,
  latent: 10,
  hidden: 1000,
  form: 'nonSaturating',
  reconstructionLr: 2e-4,
  criticLr: 2e-4,
  generatorLr: 2e-4,
  beta1: 0.5,
};

/** Build the clustering AAE: reconstruction, then the two-adversary regularization. */
export const buildAaeClustering = (o: AaeClusteringOptions, data: DataDecl = mnist): Model => {
  const encoder = categoricalEncoder({ hidden: o.hidden, classes: o.clusters, style: o.latent });
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([o.hidden, o.hidden, pixels(data)], { output: sigmoid }),
  );

  const x = input();
  const encoded = encoder.encode(x);
  const classPrior = categorical(o.clusters);
  const stylePrior = gaussian(o.latent);
  const adversaries = twoAdversaries(encoded, { hidden: o.hidden, classPrior, stylePrior, form: o.form });
  const { trunk, classHead, styleHead } = encoder;
  const ganAdam = (lr: number) => adam(lr, { beta1: o.beta1 });

  return model('aae-clustering', {
    data,
    nets: [trunk, classHead, styleHead, decoder, adversaries.classCritic, adversaries.styleCritic],
    schedule: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, concat(encoded.z, encoded.y)), 'bce'),
        update: [trunk, classHead, styleHead, decoder],
        optimizer: adam(o.reconstructionLr),
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
  });
};

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
