/**
 * `mmd-ae` — the MMD autoencoder (Azarafrooz, "Doubly Stochastic Adversarial Autoencoder", the
 * MMD-AAE baseline of its §1–2), seed `000_7039dd219df17033.txt`.
 *
 * An AAE whose adversary is replaced by the closed form of the maximum mean discrepancy
 * (seed eq. 1–2 with δ = δ_MMD): the encoder q_θ is pushed so that the aggregated posterior
 * Q_θ(Z) matches the prior P by minimizing the (biased, V-statistic) squared MMD between a batch
 * of codes and a batch of prior draws under the RBF-mixture kernel
 *
 *     k(a, b) = Σ_σ exp(−‖a − b‖² / (2σ²)),  σ ∈ {2, 5, 10, 20, 40, 80}   (seed §2, after GMMN [5])
 *
 *     MMD²(Z, Y) = mean k(Z, Z') + mean k(Y, Y') − 2 mean k(Z, Y),  Z = enc(x), Y ~ N(0, I).
 *
 * There is no critic, so no minimax: one iteration is
 *
 * 1. reconstruction — encoder + decoder minimize the cross-entropy reconstruction −log p(x | z);
 * 2. regularization — the encoder minimizes MMD²(enc(x), y), y ~ N(0, I).
 *
 * Architecture (seed §2): encoder and decoder have three hidden ReLU layers of 1024, 512 and 216
 * units; the decoder ends in a sigmoid; the only dropout is 20 % on the encoder's input; the code
 * has 4 dimensions (the MMD variant; 6 is the DS-AAE's); batch 1000; Adam at 1e-3 for both phases.
 *
 * Choices where the seed is ambiguous:
 * - "Both have three layers of 1024, 512 and 216": the decoder mirrors the encoder
 *   (216-512-1024), the usual autoencoder layout.
 * - "ReLU for every layer except the last of the decoder": the encoder's code layer is linear,
 *   since a ReLU code could never cover a Gaussian prior's negative half.
 * - With a 4-D N(0, I) prior, typical code distances are ≈ 3, so the wide bandwidths (20–80)
 *   are nearly flat and most of the gradient comes from σ = 2 and 5; we keep the paper's mixture
 *   (`sigmas` is an option).
 *
 * @module saddle/zoo/mmd-ae
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  adam,
  apply,
  gaussian,
  input,
  mlp,
  mmd,
  mnist,
  model,
  net,
  phase,
  reconstruction,
  sample,
  sigmoid,
} from '../dsl/index.js';
import { Bandwidths, DropoutRate, PositiveInt, PositiveNumber, Widths } from './codecs.js';
import type { ZooEntry } from './entry.js';
import { pixels } from './data.js';

/**
 * The options of `mmd-ae`, as an io-ts codec (and, under the same name, their type). Command-line
 * overrides (`--set latent=8`) and JSON option files are decoded with it, so a bad value is an
 * error naming the option instead of a model that fails later.
 *
 * @example
 * MmdAeOptions.is({ ...mmdAeDefaults, latent: 8 }); // true
 * resolveOptions(mmdAe, ['latent=8']); // Right: the defaults with these overrides
 */
export const MmdAeOptions = t.type(
  {
    latent: PositiveInt,
    hidden: Widths,
    inputDropout: DropoutRate,
    sigmas: Bandwidths,
    reconstructionLr: PositiveNumber,
    regularizationLr: PositiveNumber,
  },
  'MmdAeOptions',
);
export type MmdAeOptions = t.TypeOf<typeof MmdAeOptions>;

/**
 * The paper's settings for `mmd-ae`: what `saddle train mmd-ae` builds when no option is set (the
 * module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildMmdAe({ ...mmdAeDefaults, latent: 8 });
 */
export const mmdAeDefaults: MmdAeOptions = {
  latent: 4,
  hidden: [1024, 512, 216],
  inputDropout: 0.2,
  sigmas: [2, 5, 10, 20, 40, 80],
  reconstructionLr: 1e-3,
  regularizationLr: 1e-3,
};

/**
 * Build the MMD-AE: reconstruction, then the encoder minimizing closed-form MMD to the prior.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildMmdAe(mmdAeDefaults));
 * compile(buildMmdAe(mmdAeDefaults, { x: [81], classes: 10 }));
 */
export const buildMmdAe = (o: MmdAeOptions, data: DataDecl = mnist): Model => {
  const encoder = net<'data', 'code'>(
    'encoder',
    mlp([...o.hidden, o.latent], o.inputDropout > 0 ? { inputDropout: o.inputDropout } : {}),
  );
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([...o.hidden].reverse().concat(pixels(data)), { output: sigmoid }),
  );

  const x = input();
  const z = apply(encoder, x);
  const zPrior = sample('prior', gaussian(o.latent));

  return model('mmd-ae', {
    data,
    nets: [encoder, decoder],
    schedule: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, z), 'bce'),
        update: [encoder, decoder],
        optimizer: adam(o.reconstructionLr),
      }),
      phase('regularization', {
        minimize: mmd(z, zPrior, o.sigmas),
        update: [encoder],
        optimizer: adam(o.regularizationLr),
      }),
    ],
    views: {
      sample: apply(decoder, zPrior),
      encode: z,
      prior: zPrior,
      reconstruct: apply(decoder, z),
    },
  });
};

/**
 * The `mmd-ae` zoo entry — the MMD autoencoder (DS-AAE's baseline): codes matched to the prior by
 * closed-form RBF-mixture MMD, no adversary. `saddle train mmd-ae`, `zoo['mmd-ae']` and this value
 * are the same entry.
 *
 * @example
 * import { mmdAe } from 'saddle/zoo/mmd-ae';
 * const plan = compile(mmdAe.build({ ...mmdAe.defaults, latent: 8 }));
 */
export const mmdAe: ZooEntry<MmdAeOptions> = {
  id: 'mmd-ae',
  paper: 'Azarafrooz 2017, Doubly Stochastic Adversarial Autoencoder (MMD-AAE baseline)',
  seed: '000_7039dd219df17033.txt',
  summary: 'autoencoder whose codes are matched to the prior by closed-form RBF-mixture MMD, no adversary',
  options: MmdAeOptions,
  defaults: mmdAeDefaults,
  batchSize: 1000,
  build: buildMmdAe,
};
