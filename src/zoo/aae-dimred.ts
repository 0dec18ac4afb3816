/**
 * `aae-dimred` — dimensionality reduction with an adversarial autoencoder (Makhzani et al. 2015,
 * §7), seed `001_bea2244ca425a6ad.txt` §7.
 *
 * The clustering architecture, read out as an n-dimensional representation: the encoder gives a
 * cluster assignment y (softmax over `clusters`) and an n-dimensional style z; a bias-free linear
 * map W_c (`clusterHeads`, n × clusters) turns y into its *cluster head*, and the representation is
 *
 *     code = W_c · y + z        (n-dimensional; n = 2 for visualization)
 *
 * which the decoder reconstructs x from. Adversaries impose Cat(clusters) on y and N(0, σ²I) on z
 * (σ = `styleStd`), so codes are tight clouds around learned heads.
 *
 * One iteration:
 *
 * 1. reconstruction — encoder, both heads, cluster heads W_c and decoder minimize
 *                     −log p(x | W_c y + z);
 * 2. critics        — both critics minimize −E log D(prior draw) − E log(1 − D(code)), on y
 *                     against Cat(clusters) and on z against N(0, σ²I);
 * 3. generator      — the encoder and both heads minimize −E log D_y(y) − E log D_z(z).
 *
 * What the paper leaves open, and what we chose:
 * - y is the soft q(y|x) (the class adversary drives it towards one-hot), so W_c y is a convex
 *   mix of heads during training and one head at convergence.
 * - W_c is learned in the reconstruction phase only: the adversarial losses do not reach it
 *   (they read y and z before W_c is applied).
 * - The paper adds a penalty on the Euclidean distance between every two cluster heads (a hinge
 *   that pushes heads further apart than a threshold η). It is a function of W_c's weights
 *   alone, and the language has no loss on parameters nor a hinge, so it is LEFT OUT; without it
 *   heads separate only as far as reconstruction needs, and `styleStd` sets the cloud width
 *   they must clear.
 * - Widths, optimizers and batch size as in `aae` (1000-unit ReLU layers, Adam, batch 100);
 *   20 clusters and σ = 1 by default (the seed gives neither).
 *
 * Views: `encode` = the n-D representation W_c y + z (what the paper plots); `classify` = q(y|x);
 * `prior` = W_c y' + z' for prior draws y', z' (the distribution codes are pushed towards);
 * `sample` = decoder of that draw; `reconstruct` = decoder(code).
 *
 * @module saddle/zoo/aae-dimred
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  add,
  apply,
  categorical,
  dense,
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

/**
 * The options of `aae-dimred`, as an io-ts codec (and, under the same name, their type).
 * Command-line overrides (`--set n=3`) and JSON option files are decoded with it, so a bad value is
 * an error naming the option instead of a model that fails later.
 *
 * @example
 * AaeDimredOptions.is({ ...aaeDimredDefaults, n: 3 }); // true
 * resolveOptions(aaeDimred, ['n=3']); // Right: the defaults with these overrides
 */
export const AaeDimredOptions = t.type(
  {
    n: PositiveInt,
    clusters: PositiveInt,
    styleStd: PositiveNumber,
    hidden: PositiveInt,
    form: GanFormOption,
    reconstructionLr: PositiveNumber,
    criticLr: PositiveNumber,
    generatorLr: PositiveNumber,
    beta1: Beta,
  },
  'AaeDimredOptions',
);
export type AaeDimredOptions = t.TypeOf<typeof AaeDimredOptions>;

/**
 * The paper's settings for `aae-dimred`: what `saddle train aae-dimred` builds when no option is
 * set (the module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildAaeDimred({ ...aaeDimredDefaults, n: 3 });
 */
export const aaeDimredDefaults: AaeDimredOptions = {
  n: 2,
  clusters: 20,
  styleStd: 1,
  hidden: 1000,
  form: 'nonSaturating',
  reconstructionLr: 2e-4,
  criticLr: 2e-4,
  generatorLr: 2e-4,
  beta1: 0.5,
};

/**
 * Build the dimensionality-reduction AAE: code = W_c y + z, adversaries on y and z.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildAaeDimred(aaeDimredDefaults));
 * compile(buildAaeDimred(aaeDimredDefaults, { x: [81], classes: 10 }));
 */
export const buildAaeDimred = (o: AaeDimredOptions, data: DataDecl = mnist): Model => {
  const encoder = categoricalEncoder({ hidden: o.hidden, classes: o.clusters, style: o.n });
  const clusterHeads = net<'label', 'code'>('clusterHeads', [dense(o.n, { bias: false })]);
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([o.hidden, o.hidden, pixels(data)], { output: sigmoid }),
  );

  const x = input();
  const encoded = encoder.encode(x);
  const code = add(apply(clusterHeads, encoded.y), encoded.z);
  const classPrior = categorical(o.clusters);
  const stylePrior = gaussian(o.n, { std: o.styleStd });
  const adversaries = twoAdversaries(encoded, {
    hidden: o.hidden,
    classPrior,
    stylePrior,
    form: o.form,
    criticNoise: 0,
  });
  const priorCode = add(
    apply(clusterHeads, sample<'label'>('classPrior', classPrior)),
    sample('stylePrior', stylePrior),
  );
  const { trunk, classHead, styleHead } = encoder;
  const ganAdam = (lr: number) => adam(lr, { beta1: o.beta1 });

  return model('aae-dimred', {
    data,
    nets: [
      trunk,
      classHead,
      styleHead,
      clusterHeads,
      decoder,
      adversaries.classCritic,
      adversaries.styleCritic,
    ],
    schedule: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, code), 'bce'),
        update: [trunk, classHead, styleHead, clusterHeads, decoder],
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
      sample: apply(decoder, priorCode),
      encode: code,
      classify: encoded.y,
      prior: priorCode,
      reconstruct: apply(decoder, code),
    },
  });
};

/**
 * The `aae-dimred` zoo entry — dimensionality reduction with an AAE (§7): the code is a learned
 * cluster head W_c·y plus a Gaussian style z. `saddle train aae-dimred`, `zoo['aae-dimred']` and
 * this value are the same entry.
 *
 * @example
 * import { aaeDimred } from 'saddle/zoo/aae-dimred';
 * const plan = compile(aaeDimred.build({ ...aaeDimred.defaults, n: 3 }));
 */
export const aaeDimred: ZooEntry<AaeDimredOptions> = {
  id: 'aae-dimred',
  paper: 'Makhzani et al. 2015, Adversarial Autoencoders, §7',
  seed: '001_bea2244ca425a6ad.txt',
  summary: 'dimensionality reduction: code = learned cluster head W_c·y + Gaussian style z, both adversarial',
  options: AaeDimredOptions,
  defaults: aaeDimredDefaults,
  batchSize: 100,
  build: buildAaeDimred,
};
