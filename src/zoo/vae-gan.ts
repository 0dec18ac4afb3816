/**
 * `vae-gan` — VAE/GAN (Larsen, Sønderby, Larochelle & Winther 2016, "Autoencoding beyond pixels
 * using a learned similarity metric"), as described in seed `002_77d4568f7e2a18c4.txt` §2.3
 * (its "additional algorithm").
 *
 * A VAE whose reconstruction is measured in the feature space of a GAN discriminator instead of
 * pixel space, and whose decoder doubles as the GAN generator. With `Dis_l(x)` the discriminator's
 * activations after its l-th hidden layer (`features(discriminator, x, ·)`), x̃ = Dec(z),
 * z ~ q(z|x) (reparameterized), and x_p = Dec(z_p), z_p ~ N(0, I):
 *
 *     L_prior  = KL(q(z|x) ‖ N(0, I))
 *     L_llike  = −log N(Dis_l(x) | Dis_l(x̃), I) = ½ ‖Dis_l(x) − Dis_l(x̃)‖² + const
 *     L_GAN    = log Dis(x) + log(1 − Dis(x̃)) + log(1 − Dis(x_p))
 *
 * One iteration (the seed's Algorithm 1):
 *
 * 1. encoder       — Enc minimizes L_prior + L_llike
 * 2. decoder       — Dec minimizes γ·L_llike plus the GAN's generator view on both fake sets x̃, x_p
 * 3. discriminator — Dis maximizes L_GAN (minimizes the game's critic view), scoring x against
 *                    the two fake sets x̃ and x_p
 *
 * Choices where the seed is ambiguous or wrong:
 * - Signs. The seed (like Larsen et al.'s Algorithm 1) writes θ_Dis ← θ_Dis − ∇L_GAN: with
 *   L_GAN as defined (Dis(x) the probability that x is real), that would *minimize*
 *   log Dis(x) + … and train the discriminator to call real images fake. The discriminator
 *   maximizes L_GAN; the decoder's "− L_GAN" is likewise read as the generator's side of the game.
 *   Both are `ganGame` views, so the signs are the language's, checked by the compiler.
 * - Generator form: the literal −L_GAN is the minimax form log(1 − Dis(·)), which saturates while
 *   the discriminator wins; we default to the non-saturating −log Dis(·) (`form`), as the AAE
 *   entry does.
 * - Schedule: Larsen et al. compute all three gradients at the same parameter values and then
 *   apply them, so the three phases form one `simultaneous(...)` group (`steps: "simultaneous"`,
 *   the default); `steps: "sequential"` lets each phase see its predecessors' updates instead.
 * - Error signals stay where the paper routes them: L_GAN never reaches the encoder, and L_llike
 *   never trains the discriminator (it is in no phase that updates it), though its gradient flows
 *   *through* the discriminator's features to the encoder and decoder.
 * - L_llike is the Gaussian negative log-likelihood in feature space: ½ × squared error summed
 *   over the features, batch mean.
 * - Architecture: the paper's nets are convolutional for 64 × 64 faces; for flat MNIST we use
 *   MLPs of two `hidden`-wide ReLU layers (encoder → [μ | log σ²] of `latent` dims, decoder ending
 *   in a sigmoid, discriminator ending in one logit). `featureLayer` picks the discriminator's hidden
 *   layer whose post-ReLU activations are Dis_l (default 2, the last one, as the paper takes a deep
 *   layer).
 * - The paper trains with RMSProp at 3·10⁻⁴ and batch 64 (our defaults); it leaves γ to tune and
 *   the seed gives no value: we default to γ = 1 (`gamma`). Latent width 8 follows the seed's
 *   MNIST experiments.
 *
 * Views: `sample` = Dec(z_p); `encode` = μ(x); `prior` = z_p; `reconstruct` = Dec(μ(x)).
 *
 * @module saddle/zoo/vae-gan
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import {
  apply,
  critic,
  features,
  gaussian,
  gaussianCode,
  ganGame,
  input,
  klGaussian,
  mlp,
  mnist,
  model,
  net,
  phase,
  reconstruction,
  rmsprop,
  sample,
  scale,
  sigmoid,
  simultaneous,
  slice,
  sum,
} from '../dsl/index.js';
import { GanFormOption, PositiveInt, PositiveNumber } from './codecs.js';
import { pixels } from './data.js';
import type { ZooEntry } from './entry.js';

/**
 * The options of `vae-gan`, as an io-ts codec (and, under the same name, their type). Command-line
 * overrides (`--set steps=sequential`) and JSON option files are decoded with it, so a bad value is
 * an error naming the option instead of a model that fails later.
 *
 * @example
 * VaeGanOptions.is({ ...vaeGanDefaults, steps: 'sequential' }); // true
 * resolveOptions(vaeGan, ['steps=sequential']); // Right: the defaults with these overrides
 */
export const VaeGanOptions = t.type(
  {
    latent: PositiveInt,
    hidden: PositiveInt,
    featureLayer: PositiveInt,
    gamma: PositiveNumber,
    form: GanFormOption,
    learningRate: PositiveNumber,
    steps: t.keyof({ simultaneous: null, sequential: null }, 'one of "simultaneous", "sequential"'),
  },
  'VaeGanOptions',
);
export type VaeGanOptions = t.TypeOf<typeof VaeGanOptions>;

/**
 * The paper's settings for `vae-gan`: what `saddle train vae-gan` builds when no option is set (the
 * module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildVaeGan({ ...vaeGanDefaults, steps: 'sequential' });
 */
export const vaeGanDefaults: VaeGanOptions = {
  latent: 8,
  hidden: 512,
  featureLayer: 2,
  gamma: 1,
  form: 'nonSaturating',
  learningRate: 3e-4,
  steps: 'simultaneous',
};

/**
 * Build VAE/GAN: encoder, decoder and discriminator phases (one simultaneous group by default),
 * with the reconstruction measured in the discriminator's `featureLayer`-th hidden layer.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildVaeGan(vaeGanDefaults));
 * compile(buildVaeGan(vaeGanDefaults, { x: [81], classes: 10 }));
 */
export const buildVaeGan = (o: VaeGanOptions, data: DataDecl = mnist): Model => {
  const encoder = net<'data', 'code'>('encoder', mlp([o.hidden, o.hidden, 2 * o.latent]));
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([o.hidden, o.hidden, pixels(data)], { output: sigmoid }),
  );
  const discriminator = critic<'data'>('discriminator', mlp([o.hidden, o.hidden, 1]));

  const x = input();
  const params = apply(encoder, x);
  const z = gaussianCode('eps', params);
  const reconstructed = apply(decoder, z);
  const zPrior = sample('prior', gaussian(o.latent));
  const generated = apply(decoder, zPrior);

  // Each hidden layer of the MLP is two declared layers (dense, relu): Dis_l ends after 2·l.
  const cut = 2 * o.featureLayer;
  const llike = scale(
    0.5,
    reconstruction(features(discriminator, x, cut), features(discriminator, reconstructed, cut), 'mse'),
  );
  const gan = ganGame(discriminator, { real: x, fake: [reconstructed, generated], form: o.form });

  const phases = [
    phase('encoder', {
      minimize: sum(klGaussian(z), llike),
      update: [encoder],
      optimizer: rmsprop(o.learningRate),
    }),
    phase('decoder', {
      minimize: sum(scale(o.gamma, llike), gan.generator),
      update: [decoder],
      optimizer: rmsprop(o.learningRate),
    }),
    phase('discriminator', {
      minimize: gan.critic,
      update: [discriminator],
      optimizer: rmsprop(o.learningRate),
    }),
  ];

  return model('vae-gan', {
    data,
    nets: [encoder, decoder, discriminator],
    schedule: o.steps === 'simultaneous' ? [simultaneous(...phases)] : phases,
    views: {
      sample: generated,
      encode: slice(params, 0, o.latent),
      prior: zPrior,
      reconstruct: apply(decoder, slice(params, 0, o.latent)),
    },
  });
};

/**
 * The `vae-gan` zoo entry — VAE/GAN: a VAE whose reconstruction is measured in a GAN
 * discriminator's hidden layer. `saddle train vae-gan`, `zoo['vae-gan']` and this value are the
 * same entry.
 *
 * @example
 * import { vaeGan } from 'saddle/zoo/vae-gan';
 * const plan = compile(vaeGan.build({ ...vaeGan.defaults, steps: 'sequential' }));
 */
export const vaeGan: ZooEntry<VaeGanOptions> = {
  id: 'vae-gan',
  paper: 'Larsen et al. 2016, Autoencoding beyond pixels using a learned similarity metric',
  seed: '002_77d4568f7e2a18c4.txt (§2.3, additional algorithm)',
  summary:
    "VAE whose reconstruction is measured in a GAN discriminator's features; the decoder is the generator",
  options: VaeGanOptions,
  defaults: vaeGanDefaults,
  batchSize: 64,
  build: buildVaeGan,
};
