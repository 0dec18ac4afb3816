/**
 * `lp-aae` — Learning Priors for Adversarial Autoencoders (Wang, Ko & Peng 2018), as written in
 * seed `002_77d4568f7e2a18c4.txt` §2.2 (Algorithm 1, without conditional variables; the
 * conditional variant is `lp-aae-conditional`).
 *
 * An AAE whose prior is learned: a code generator CG maps simple noise z ~ N(0, I) to codes
 * z_c = CG(z), a code discriminator D_C tells the encoder's codes from CG's, and an image
 * discriminator D_I tells real images from decoded prior codes and reconstructions, so the prior
 * is pulled toward what the encoder produces *and* toward codes that decode to realistic images.
 * Reconstruction is measured in D_I's feature space F (`reconstruction: "features"`, default) or
 * in pixels (`"pixels"`, Bernoulli NLL):
 *
 *     L^C_GAN = log D_C(enc(x)) + log(1 − D_C(z_c))                 (the code game)
 *     L_rec   = ‖F(x) − F(dec(enc(x)))‖², summed over features, batch mean
 *     L^I_GAN = log D_I(x) + log(1 − D_I(dec(z_c))) + log(1 − D_I(dec(enc(x))))   (the image game)
 *
 * One iteration, the seed's two phases in order:
 *
 * AAE phase —
 * 1. codeCritic     — D_C maximizes L^C_GAN (minimizes the code game's critic view)
 * 2. autoencoder    — encoder + decoder minimize λ·L_rec − L^C_GAN (only the encoder sees −L^C)
 * 3. codeGenerator  — CG minimizes the code game's generator view (its codes approach enc(x))
 *
 * prior improvement phase —
 * 4. imageCritic    — D_I maximizes L^I_GAN (critic view; two fake sets, dec(z_c) and dec(enc(x)))
 * 5. prior          — decoder + CG minimize the image game's generator view on both fake sets
 *
 * Choices where the seed is ambiguous or wrong:
 * - The pseudo-code never updates θ_CG, although the code generator is the point of the method.
 *   We make CG D_C's opponent: the code game is written with the encoder's codes as "real" and
 *   CG's codes as "fake", so CG minimizes its generator view and moves its codes toward the
 *   aggregated posterior (step 3); and CG joins the decoder against D_I in the prior improvement
 *   phase (step 5), so prior codes also move toward codes that decode to realistic images.
 * - Signs: the seed writes θ_DC ← θ_DC − ∇L^C_GAN and θ_DI ← θ_DI − ∇L^I_GAN, which would minimize
 *   the log-likelihood of the right labels; both critics maximize their L_GAN here (the games'
 *   critic views). The encoder's "−L^C_GAN" is kept literally (`scale(−1, critic view)`): it pushes
 *   enc(x) toward what D_C takes for CG's codes — the minimax form, since the encoder is the game's
 *   "real" side and the language's non-saturating generator view moves the fake side only. The
 *   decoder's "−L^I_GAN" is the generator view (non-saturating by default, `form`).
 * - λ: the seed puts λ on the decoder's L_rec but not the encoder's. We weight L_rec by λ for both
 *   (one `autoencoder` phase minimizing λ·L_rec − L^C_GAN), so λ trades reconstruction against the
 *   code game as in the AAE paper.
 * - L_rec: the seed writes an unsquared norm (1/N)‖F(x) − F(x_rec)‖₂; we use the squared error
 *   (summed over features, batch mean), the Gaussian log-likelihood the feature-space metric
 *   stands for, whose gradient does not blow up near a perfect reconstruction.
 * - F is D_I's activations after its `featureLayer`-th hidden ReLU layer (default 2, the last).
 *   L_rec moves the encoder and decoder *through* D_I's features but never trains D_I.
 * - Schedule: the seed computes each phase's losses once and then updates every player of that
 *   phase, so each phase is one `simultaneous(...)` group (`steps: "simultaneous"`, default);
 *   `steps: "sequential"` runs the five steps one after another instead.
 * - Architecture and rates are not in the seed: MLPs of two `hidden`-wide ReLU layers for every
 *   net (the AAE paper's MNIST nets are 1000 wide), latent width 8 (the seed's MNIST setting), CG
 *   reading `noise`-dimensional N(0, I) noise, Adam at 2·10⁻⁴ with β₁ = 0.5 for every phase (the
 *   usual GAN setting), batch 100 as in the AAE paper.
 *
 * Views: `sample` = dec(CG(z)); `prior` = CG(z), the learned prior; `encode` = enc(x);
 * `reconstruct` = dec(enc(x)).
 *
 * @module saddle/zoo/lp-aae
 */
import * as t from 'io-ts';
import type { DataDecl, Loss, Model, Step } from '../dsl/ast.js';
import type { Sym } from '../dsl/index.js';
import {
  adam,
  apply,
  categorical,
  concat,
  critic,
  features,
  gaussian,
  ganGame,
  input,
  mlp,
  mnist,
  model,
  mutualInformation,
  net,
  phase,
  reconstruction,
  sample,
  scale,
  sigmoid,
  simultaneous,
  softmax,
  sum,
} from '../dsl/index.js';
import { Beta, GanFormOption, PositiveInt, PositiveNumber } from './codecs.js';
import { pixels } from './data.js';
import type { ZooEntry } from './entry.js';

/**
 * The options of `lp-aae`, as an io-ts codec (and, under the same name, their type). Command-line
 * overrides (`--set reconstruction=pixels`) and JSON option files are decoded with it, so a bad
 * value is an error naming the option instead of a model that fails later.
 *
 * @example
 * LpAaeOptions.is({ ...lpAaeDefaults, reconstruction: 'pixels' }); // true
 * resolveOptions(lpAae, ['reconstruction=pixels']); // Right: the defaults with these overrides
 */
export const LpAaeOptions = t.type(
  {
    latent: PositiveInt,
    noise: PositiveInt,
    hidden: PositiveInt,
    reconstruction: t.keyof({ features: null, pixels: null }, 'one of "features", "pixels"'),
    featureLayer: PositiveInt,
    lambda: PositiveNumber,
    form: GanFormOption,
    learningRate: PositiveNumber,
    beta1: Beta,
    steps: t.keyof({ simultaneous: null, sequential: null }, 'one of "simultaneous", "sequential"'),
  },
  'LpAaeOptions',
);
export type LpAaeOptions = t.TypeOf<typeof LpAaeOptions>;

/**
 * The paper's settings for `lp-aae`: what `saddle train lp-aae` builds when no option is set (the
 * module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildLpAae({ ...lpAaeDefaults, reconstruction: 'pixels' });
 */
export const lpAaeDefaults: LpAaeOptions = {
  latent: 8,
  noise: 8,
  hidden: 1000,
  reconstruction: 'features',
  featureLayer: 2,
  lambda: 1,
  form: 'nonSaturating',
  learningRate: 2e-4,
  beta1: 0.5,
  steps: 'simultaneous',
};

/**
 * The conditional variant's extras: s ~ Cat(classes) into CG, and the InfoGAN term's weight.
 *
 * @example
 * const conditioning: LpAaeConditioning = { classes: 10, miWeight: 1 };
 * buildLpAaeModel(lpAaeDefaults, conditioning);   // what lp-aae-conditional builds
 */
export interface LpAaeConditioning {
  readonly classes: number;
  readonly miWeight: number;
}

/**
 * Build LP-AAE (Algorithm 1 of the seed). With `conditioning`, CG reads (z, s) with
 * s ~ Cat(classes) uniform, and a net `q` predicting s from dec(CG(z, s)) joins the prior
 * improvement phase, where the decoder, CG and q also minimize `miWeight` × the negated
 * mutual-information bound (the model is then named `lp-aae-conditional`).
 *
 * @example
 * buildLpAaeModel(lpAaeDefaults, null);                          // lp-aae
 * buildLpAaeModel(lpAaeDefaults, { classes: 10, miWeight: 1 });  // lp-aae-conditional
 */
export const buildLpAaeModel = (
  o: LpAaeOptions,
  conditioning: LpAaeConditioning | null,
  data: DataDecl = mnist,
): Model => {
  const encoder = net<'data', 'code'>('encoder', mlp([o.hidden, o.hidden, o.latent]));
  const decoder = net<'code', 'data'>(
    'decoder',
    mlp([o.hidden, o.hidden, pixels(data)], { output: sigmoid }),
  );
  const codeGenerator = net<'code', 'code'>('codeGenerator', mlp([o.hidden, o.hidden, o.latent]));
  const codeCritic = critic<'code'>('codeCritic', mlp([o.hidden, o.hidden, 1]));
  const imageCritic = critic<'data'>('imageCritic', mlp([o.hidden, o.hidden, 1]));
  const q =
    conditioning === null
      ? null
      : net<'data', 'label'>('q', mlp([o.hidden, conditioning.classes], { output: softmax }));

  const x = input();
  const z = sample('z', gaussian(o.noise));
  const s = conditioning === null ? null : sample<'label'>('s', categorical(conditioning.classes));
  const zc = apply(codeGenerator, s === null ? z : concat(z, s));
  const encoded = apply(encoder, x);
  const reconstructed = apply(decoder, encoded);
  const generated = apply(decoder, zc);

  // Each hidden layer of the MLP is two declared layers (dense, relu): F ends after 2·featureLayer.
  const cut = 2 * o.featureLayer;
  const rec: Loss =
    o.reconstruction === 'features'
      ? reconstruction(features(imageCritic, x, cut), features(imageCritic, reconstructed, cut), 'mse')
      : reconstruction(x, reconstructed, 'bce');
  const codeGame = ganGame(codeCritic, { real: encoded, fake: zc, form: o.form });
  const imageGame = ganGame(imageCritic, { real: x, fake: [generated, reconstructed], form: o.form });
  const info: Loss | null =
    q === null || s === null || conditioning === null
      ? null
      : scale(conditioning.miWeight, mutualInformation(apply(q, generated), s));

  const optimizer = adam(o.learningRate, { beta1: o.beta1 });
  const aaePhase = [
    phase('codeCritic', { minimize: codeGame.critic, update: [codeCritic], optimizer }),
    phase('autoencoder', {
      minimize: sum(scale(o.lambda, rec), scale(-1, codeGame.critic)),
      update: [encoder, decoder],
      optimizer,
    }),
    phase('codeGenerator', { minimize: codeGame.generator, update: [codeGenerator], optimizer }),
  ];
  const priorPhase = [
    phase('imageCritic', { minimize: imageGame.critic, update: [imageCritic], optimizer }),
    phase('prior', {
      minimize: info === null ? imageGame.generator : sum(imageGame.generator, info),
      update: q === null ? [decoder, codeGenerator] : [decoder, codeGenerator, q],
      optimizer,
    }),
  ];
  const schedule: Step[] =
    o.steps === 'simultaneous'
      ? [simultaneous(...aaePhase), simultaneous(...priorPhase)]
      : [...aaePhase, ...priorPhase];

  const classify: { classify?: Sym } = q === null ? {} : { classify: apply(q, x) };
  return model(conditioning === null ? 'lp-aae' : 'lp-aae-conditional', {
    data,
    nets: [encoder, decoder, codeGenerator, codeCritic, imageCritic, ...(q === null ? [] : [q])],
    schedule,
    views: { sample: generated, prior: zc, encode: encoded, reconstruct: reconstructed, ...classify },
  });
};

/**
 * Build the unconditional LP-AAE.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildLpAae(lpAaeDefaults));
 * compile(buildLpAae(lpAaeDefaults, { x: [81], classes: 10 }));
 */
export const buildLpAae = (o: LpAaeOptions, data: DataDecl = mnist): Model => buildLpAaeModel(o, null, data);

/**
 * The `lp-aae` zoo entry — the AAE with a learned prior: a code generator trained against a code
 * and an image discriminator. `saddle train lp-aae`, `zoo['lp-aae']` and this value are the same
 * entry.
 *
 * @example
 * import { lpAae } from 'saddle/zoo/lp-aae';
 * const plan = compile(lpAae.build({ ...lpAae.defaults, reconstruction: 'pixels' }));
 */
export const lpAae: ZooEntry<LpAaeOptions> = {
  id: 'lp-aae',
  paper: 'Wang, Ko & Peng 2018, Learning Priors for Adversarial Autoencoders',
  seed: '002_77d4568f7e2a18c4.txt (§2.2, Algorithm 1)',
  summary: 'AAE with a learned prior: a code generator trained against a code and an image discriminator',
  options: LpAaeOptions,
  defaults: lpAaeDefaults,
  batchSize: 100,
  build: buildLpAae,
};
