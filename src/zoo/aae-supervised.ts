/**
 * `aae-supervised` — supervised adversarial autoencoder: disentangling content and style
 * (Makhzani et al. 2015, §4), seed `001_bea2244ca425a6ad.txt` §4.
 *
 * The `aae` with the label handed to the decoder: the decoder reads concat(z, onehot(t)), so the
 * class need not be stored in z and the adversary (z against N(0, I)) leaves z to carry only
 * style. Sampling with a fixed z and varying label redraws one handwriting style as every digit.
 *
 * One iteration, on a labeled batch (every phase reads the stream `labeled`, all labels):
 *
 * 1. reconstruction — encoder + decoder minimize −log p(x | z, t), z = enc(x), t the label;
 * 2. critic         — D minimizes −E log D(z') − E log(1 − D(z)), z' ~ N(0, I);
 * 3. generator      — encoder minimizes −λ E log D(z) (non-saturating, as in `aae`).
 *
 * Choices where the paper (as the seed reports it) is open:
 * - Defaults the seed review does not give: a 15-dimensional code (`latent`, the size the paper
 *   reports for its MNIST content/style figure), 1000-unit ReLU layers and batch 100 as in `aae`.
 * - Optimizers as in `aae` (Adam 2e-4 for every phase, β₁ = 0.5 for the adversarial ones; see there why).
 * - The encoder does not read the label (only the decoder does, as in the paper's Fig. 6).
 * - `reconstruct` reads the batch's labels like training does; `sample` pairs each prior draw
 *   with a uniformly drawn class (site `class`).
 *
 * @module saddle/zoo/aae-supervised
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  apply,
  categorical,
  concat,
  critic,
  ganGame,
  gaussian,
  input,
  label,
  labeledStream,
  mlp,
  mnist,
  model,
  net,
  oneHot,
  phase,
  reconstruction,
  sample,
  scale,
  sigmoid,
} from '../dsl/index.js';
import { Beta, GanFormOption, PositiveInt, PositiveNumber } from './codecs.js';
import type { ZooEntry } from './entry.js';
import { pixels } from './data.js';

/**
 * The options of `aae-supervised`, as an io-ts codec (and, under the same name, their type).
 * Command-line overrides (`--set latent=2`) and JSON option files are decoded with it, so a bad
 * value is an error naming the option instead of a model that fails later.
 *
 * @example
 * AaeSupervisedOptions.is({ ...aaeSupervisedDefaults, latent: 2 }); // true
 * resolveOptions(aaeSupervised, ['latent=2']); // Right: the defaults with these overrides
 */
export const AaeSupervisedOptions = t.type(
  {
    latent: PositiveInt,
    hidden: PositiveInt,
    lambda: PositiveNumber,
    form: GanFormOption,
    reconstructionLr: PositiveNumber,
    criticLr: PositiveNumber,
    generatorLr: PositiveNumber,
    beta1: Beta,
  },
  'AaeSupervisedOptions',
);
export type AaeSupervisedOptions = t.TypeOf<typeof AaeSupervisedOptions>;

/**
 * The paper's settings for `aae-supervised`: what `saddle train aae-supervised` builds when no
 * option is set (the module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildAaeSupervised({ ...aaeSupervisedDefaults, latent: 2 });
 */
export const aaeSupervisedDefaults: AaeSupervisedOptions = {
  latent: 15,
  hidden: 1000,
  lambda: 1,
  form: 'nonSaturating',
  reconstructionLr: 2e-4,
  criticLr: 2e-4,
  generatorLr: 2e-4,
  beta1: 0.5,
};

/**
 * Build the supervised AAE: label one-hot into the decoder, adversary on the style code.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildAaeSupervised(aaeSupervisedDefaults));
 * compile(buildAaeSupervised(aaeSupervisedDefaults, { x: [81], classes: 10 }));
 */
export const buildAaeSupervised = (o: AaeSupervisedOptions, data: DataDecl = mnist): Model => {
  const classes = data.classes;
  const encoder = net<'data', 'code'>('encoder', mlp([o.hidden, o.hidden, o.latent]));
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([o.hidden, o.hidden, pixels(data)], { output: sigmoid }),
  );
  const discriminator = critic<'code'>('discriminator', mlp([o.hidden, o.hidden, 1]));

  const x = input();
  const z = apply(encoder, x);
  const prior = gaussian(o.latent);
  const zPrior = sample('prior', prior);
  const gan = ganGame(discriminator, { real: zPrior, fake: z, form: o.form });
  const labeled = 'labeled';

  return model('aae-supervised', {
    data,
    nets: [encoder, decoder, discriminator],
    streams: [labeledStream(labeled)],
    schedule: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, concat(z, oneHot(label(), classes))), 'bce'),
        update: [encoder, decoder],
        optimizer: adam(o.reconstructionLr),
        data: labeled,
      }),
      phase('critic', {
        minimize: gan.critic,
        update: [discriminator],
        optimizer: adam(o.criticLr, { beta1: o.beta1 }),
        data: labeled,
      }),
      phase('generator', {
        minimize: scale(o.lambda, gan.generator),
        update: [encoder],
        optimizer: adam(o.generatorLr, { beta1: o.beta1 }),
        data: labeled,
      }),
    ],
    views: {
      sample: apply(decoder, concat(zPrior, sample<'label'>('class', categorical(classes)))),
      encode: z,
      prior: zPrior,
      reconstruct: apply(decoder, concat(z, oneHot(label(), classes))),
    },
  });
};

/**
 * The `aae-supervised` zoo entry — the supervised AAE (§4): the label goes to the decoder, so the
 * adversarially regularized code carries only style. `saddle train aae-supervised`,
 * `zoo['aae-supervised']` and this value are the same entry.
 *
 * @example
 * import { aaeSupervised } from 'saddle/zoo/aae-supervised';
 * const plan = compile(aaeSupervised.build({ ...aaeSupervised.defaults, latent: 2 }));
 */
export const aaeSupervised: ZooEntry<AaeSupervisedOptions> = {
  id: 'aae-supervised',
  paper: 'Makhzani et al. 2015, Adversarial Autoencoders, §4',
  seed: '001_bea2244ca425a6ad.txt',
  summary: 'label one-hot into the decoder, so the adversarially regularized code carries only style',
  options: AaeSupervisedOptions,
  defaults: aaeSupervisedDefaults,
  batchSize: 100,
  build: buildAaeSupervised,
};
