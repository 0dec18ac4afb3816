/**
 * `vae` — the Gaussian variational autoencoder (Kingma & Welling 2014, "Auto-Encoding
 * Variational Bayes"), the baseline the AAE paper compares against (seed
 * `001_bea2244ca425a6ad.txt` §3-1) and cites as [2] in seed `000_7039dd219df17033.txt`.
 *
 * The encoder outputs [μ(x) | log σ²(x)]; z = μ + σ ⊙ ε, ε ~ N(0, I) (the reparameterization
 * trick); the decoder gives Bernoulli probabilities p(x | z). One phase minimizes the negative
 * evidence lower bound over encoder and decoder together:
 *
 *     L(x) = E_q(z|x)[−log p(x | z)] + KL(q(z|x) ‖ N(0, I)),
 *     KL   = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)     (AEVB appendix B)
 *
 * estimated with one draw of ε per example (L = 1, as the paper's M = 100 batches allow).
 *
 * The paper's MNIST defaults: one hidden layer of 500 tanh units in encoder and decoder
 * (`hidden`, `activation`), a Bernoulli decoder, minibatch M = 100, latent sizes from 3 to 200
 * (we default to 20, a common middle of that range).
 *
 * Choices: the paper optimizes with Adagrad (step size from {0.01, 0.02, 0.1}) and a small weight
 * decay, and initializes weights from N(0, 0.01); the language's optimizers are Adam, SGD and
 * RMSProp, so we default to Adam at 1e-3 (`learningRate`) with the runtime's Glorot init and no
 * weight decay.
 *
 * Views: `sample` = decoder(z ~ N(0, I)); `encode` = μ(x) (the posterior mean, for latent plots);
 * `prior` = N(0, I) draws; `reconstruct` = decoder(μ(x)).
 *
 * @module saddle/zoo/vae
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  apply,
  gaussian,
  gaussianCode,
  input,
  klGaussian,
  mlp,
  mnist,
  model,
  net,
  phase,
  reconstruction,
  relu,
  sample,
  sigmoid,
  slice,
  sum,
  tanh,
} from '../dsl/index.js';
import { PositiveInt, PositiveNumber } from './codecs.js';
import type { ZooEntry } from './entry.js';
import { pixels } from './data.js';

/**
 * The options of `vae`, as an io-ts codec (and, under the same name, their type). Command-line
 * overrides (`--set latent=2`) and JSON option files are decoded with it, so a bad value is an
 * error naming the option instead of a model that fails later.
 *
 * @example
 * VaeOptions.is({ ...vaeDefaults, latent: 2 }); // true
 * resolveOptions(vae, ['latent=2']); // Right: the defaults with these overrides
 */
export const VaeOptions = t.type(
  {
    latent: PositiveInt,
    hidden: PositiveInt,
    activation: t.keyof({ tanh: null, relu: null }, 'one of "tanh", "relu"'),
    learningRate: PositiveNumber,
  },
  'VaeOptions',
);
export type VaeOptions = t.TypeOf<typeof VaeOptions>;

/**
 * The paper's settings for `vae`: what `saddle train vae` builds when no option is set (the module
 * comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildVae({ ...vaeDefaults, latent: 2 });
 */
export const vaeDefaults: VaeOptions = {
  latent: 20,
  hidden: 500,
  activation: 'tanh',
  learningRate: 1e-3,
};

/**
 * Build the VAE: one phase minimizing reconstruction + KL over encoder and decoder.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildVae(vaeDefaults));
 * compile(buildVae(vaeDefaults, { x: [81], classes: 10 }));
 */
export const buildVae = (o: VaeOptions, data: DataDecl = mnist): Model => {
  const hidden = o.activation === 'tanh' ? tanh : relu;
  const encoder = net<'data', 'code'>('encoder', mlp([o.hidden, 2 * o.latent], { hidden }));
  const decoder = net<'code', 'data'>('decoder', mlp([o.hidden, pixels(data)], { hidden, output: sigmoid }));

  const x = input();
  const params = apply(encoder, x);
  const z = gaussianCode('eps', params);
  const mean = slice(params, 0, o.latent);
  const zPrior = sample('prior', gaussian(o.latent));

  return model('vae', {
    data,
    nets: [encoder, decoder],
    schedule: [
      phase('elbo', {
        minimize: sum(reconstruction(x, apply(decoder, z), 'bce'), klGaussian(z)),
        update: [encoder, decoder],
        optimizer: adam(o.learningRate),
      }),
    ],
    views: {
      sample: apply(decoder, zPrior),
      encode: mean,
      prior: zPrior,
      reconstruct: apply(decoder, mean),
    },
  });
};

/**
 * The `vae` zoo entry — the Gaussian VAE baseline: reparameterized encoder, Bernoulli decoder,
 * reconstruction + KL. `saddle train vae`, `zoo['vae']` and this value are the same entry.
 *
 * @example
 * import { vae } from 'saddle/zoo/vae';
 * const plan = compile(vae.build({ ...vae.defaults, latent: 2 }));
 */
export const vae: ZooEntry<VaeOptions> = {
  id: 'vae',
  paper: 'Kingma & Welling 2014, Auto-Encoding Variational Bayes',
  seed: '001_bea2244ca425a6ad.txt (§3-1, VAE summary), 000_7039dd219df17033.txt (ref. [2])',
  summary: 'Gaussian VAE baseline: reparameterized encoder, Bernoulli decoder, reconstruction + KL',
  options: VaeOptions,
  defaults: vaeDefaults,
  batchSize: 100,
  build: buildVae,
};
