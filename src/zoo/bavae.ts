/**
 * `bavae` — the Biadversarial Variational Autoencoder (Fickinger 2018), seed
 * `004_6c152712db9430e4.txt`.
 *
 * A VAE without Gaussian assumptions: both ELBO terms are replaced by f-GAN games (Nowozin et
 * al.) between the implicit encoder / decoder and two critics on joint (x, z) inputs. With
 * q_φ(z | x) the encoder's distribution, p(z) = N(0, I) the prior and p_θ(x | z) the decoder's:
 *
 * - posterior critic D_φ(x, z), reverse KL (seed eq. 6, 8, 9):
 *
 *       V_post = E_{x, z ~ q(z|x)}[1 − D_φ(x, z)] − E_{x, z ~ p(z)}[exp(−D_φ(x, z))],
 *       D*_φ = log(p(z) / q(z|x)),   V_post(D*) = E_x KL(q(z|x) ‖ p(z));
 *
 * - decoder critic D_θφ(x, z), forward KL (seed eq. 14, 16, 17):
 *
 *       V_dec = E_{x, z ~ q(z|x)}[D_θφ(x, z)] − E_{z ~ q, x̃ ~ p_θ(x|z)}[exp(D_θφ(x̃, z) − 1)],
 *       D*_θφ = 1 + log(p_data / p_θ),   V_dec(D*) = KL(p_data ‖ p_θ) on the joint;
 *
 * - the whole game (seed eq. 19): min over encoder and decoder, max over both critics, of
 *   V_dec + V_post.
 *
 * In the language both are `fganGame`s (fake = the side the encoder / decoder moves):
 * `reverseKL` with real (x, z_p), fake (x, z_q); `forwardKL` with real (x, z_q), fake (x̃, z_q).
 * One iteration:
 *
 * 1. critics — both critics minimize −V_post − V_dec (each critic view is −V);
 * 2. autoencoder — encoder and decoder minimize V_post + V_dec (each generator view is the whole
 *    V: the encoder's codes appear on *both* sides of the decoder game, and eq. 18 minimizes its
 *    value over φ as well as θ).
 *
 * Choices where the seed is silent (it gives no architecture, sampler or schedule):
 * - Implicit distributions, as the paper drops Gaussian assumptions: the encoder is the AAE
 *   paper's universal approximator posterior z = E_φ(x, η), η ~ N(0, I) (`encoderNoise` dims),
 *   and the decoder likewise x̃ = G_θ(z, ε), ε ~ N(0, I) (`decoderNoise` dims), ending in a
 *   sigmoid (pixels in [0, 1]). Both read their noise concatenated to their input.
 * - Critics read (x, z) concatenated, as the seed's D : X × Z → ℝ; their output is the raw D
 *   (no output activation: the KL f-GAN's T is unbounded).
 * - Widths: encoder, decoder and critics have two hidden ReLU layers of 512 (`hidden`,
 *   `criticHidden`); an 8-D code (`latent`); 8-D noises; batch 100 (the VAE paper's M).
 * - Optimizer: Adam at 2e-4 with β₁ = 0.5 for both players (the usual GAN setting), one critic
 *   step per iteration (`criticSteps`).
 *
 * Slips in the seed, and what we implement:
 * - Eq. 13 writes KL(p̂_data(x) ‖ p_θ(x|z)) under E_{z ~ q}, but p̂_data(x) does not depend on z:
 *   what eq. 14 actually measures (its expectations are over pairs) is the KL between the joint
 *   data pairs p̂(x) q(z|x) and the model pairs q(z) p_θ(x|z), i.e. E_{q(z)} KL(q(x|z) ‖ p_θ(x|z)).
 *   That is what the decoder critic sees here.
 * - Eq. 13 also drops a φ-dependent term (the entropy of q(x|z) is constant in θ, not in φ); as
 *   eq. 18/19 state, we minimize the game value over both φ and θ.
 * - Eq. 7 and 15 write "+" before the exp terms inside the integrals; the objectives of eq. 6 and
 *   14, which we implement, have "−".
 *
 * Views: `sample` = G(z_p, ε); `encode` = E(x, η); `prior` = z_p ~ N(0, I);
 * `reconstruct` = G(E(x, η), ε).
 *
 * @module saddle/zoo/bavae
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  apply,
  concat,
  critic,
  fganGame,
  gaussian,
  input,
  mlp,
  mnist,
  model,
  net,
  noise,
  phase,
  sample,
  sigmoid,
  sum,
} from '../dsl/index.js';
import { Beta, PositiveInt, PositiveNumber, Widths } from './codecs.js';
import type { ZooEntry } from './entry.js';
import { pixels } from './data.js';

/**
 * The options of `bavae`, as an io-ts codec (and, under the same name, their type). Command-line
 * overrides (`--set criticSteps=5`) and JSON option files are decoded with it, so a bad value is an
 * error naming the option instead of a model that fails later.
 *
 * @example
 * BavaeOptions.is({ ...bavaeDefaults, criticSteps: 5 }); // true
 * resolveOptions(bavae, ['criticSteps=5']); // Right: the defaults with these overrides
 */
export const BavaeOptions = t.type(
  {
    latent: PositiveInt,
    hidden: Widths,
    criticHidden: Widths,
    encoderNoise: PositiveInt,
    decoderNoise: PositiveInt,
    criticSteps: PositiveInt,
    learningRate: PositiveNumber,
    criticLr: PositiveNumber,
    beta1: Beta,
  },
  'BavaeOptions',
);
export type BavaeOptions = t.TypeOf<typeof BavaeOptions>;

/**
 * The paper's settings for `bavae`: what `saddle train bavae` builds when no option is set (the
 * module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildBavae({ ...bavaeDefaults, criticSteps: 5 });
 */
export const bavaeDefaults: BavaeOptions = {
  latent: 8,
  hidden: [512, 512],
  criticHidden: [512, 512],
  encoderNoise: 8,
  decoderNoise: 8,
  criticSteps: 1,
  learningRate: 2e-4,
  criticLr: 2e-4,
  beta1: 0.5,
};

/**
 * Build the Biadversarial VAE: an implicit encoder and decoder against a reverse-KL posterior
 * critic and a forward-KL decoder critic, both on (x, z) pairs.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildBavae(bavaeDefaults));
 * compile(buildBavae(bavaeDefaults, { x: [81], classes: 10 }));
 */
export const buildBavae = (o: BavaeOptions, data: DataDecl = mnist): Model => {
  const encoder = net<'data', 'code'>('encoder', mlp([...o.hidden, o.latent]));
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([...o.hidden].reverse().concat(pixels(data)), { output: sigmoid }),
  );
  const posteriorCritic = critic<'data'>('posteriorCritic', mlp([...o.criticHidden, 1]));
  const decoderCritic = critic<'data'>('decoderCritic', mlp([...o.criticHidden, 1]));

  const x = input();
  const z = apply(encoder, concat<'data'>(x, noise('eta', o.encoderNoise)));
  const zPrior = sample('prior', gaussian(o.latent));
  const generate = (code: typeof z, site: string) =>
    apply(decoder, concat<'code'>(code, noise(site, o.decoderNoise)));
  const xModel = generate(z, 'epsilon');

  const posterior = fganGame(posteriorCritic, {
    real: concat<'data'>(x, zPrior),
    fake: concat<'data'>(x, z),
    divergence: 'reverseKL',
  });
  const likelihood = fganGame(decoderCritic, {
    real: concat<'data'>(x, z),
    fake: concat<'data'>(xModel, z),
    divergence: 'forwardKL',
  });
  const optimizer = (lr: number) => adam(lr, { beta1: o.beta1 });

  return model('bavae', {
    data,
    nets: [encoder, decoder, posteriorCritic, decoderCritic],
    schedule: [
      phase('critics', {
        minimize: sum(posterior.critic, likelihood.critic),
        update: [posteriorCritic, decoderCritic],
        optimizer: optimizer(o.criticLr),
        repeat: o.criticSteps,
      }),
      phase('autoencoder', {
        minimize: sum(posterior.generator, likelihood.generator),
        update: [encoder, decoder],
        optimizer: optimizer(o.learningRate),
      }),
    ],
    views: {
      sample: generate(zPrior, 'sampleNoise'),
      encode: z,
      prior: zPrior,
      reconstruct: xModel,
    },
  });
};

/**
 * The `bavae` zoo entry — the Biadversarial VAE: implicit encoder and decoder trained against a
 * reverse-KL and a forward-KL critic on (x, z) pairs. `saddle train bavae`, `zoo['bavae']` and this
 * value are the same entry.
 *
 * @example
 * import { bavae } from 'saddle/zoo/bavae';
 * const plan = compile(bavae.build({ ...bavae.defaults, criticSteps: 5 }));
 */
export const bavae: ZooEntry<BavaeOptions> = {
  id: 'bavae',
  paper: 'Fickinger 2018, Biadversarial Variational Autoencoder',
  seed: '004_6c152712db9430e4.txt',
  summary:
    'implicit encoder and decoder trained against a reverse-KL posterior critic and a forward-KL decoder critic on (x, z) pairs',
  options: BavaeOptions,
  defaults: bavaeDefaults,
  batchSize: 100,
  build: buildBavae,
};
