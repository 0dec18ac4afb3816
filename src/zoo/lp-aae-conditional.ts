/**
 * `lp-aae-conditional` — the conditional variant of Learning Priors for Adversarial Autoencoders
 * (Wang, Ko & Peng 2018), seed `002_77d4568f7e2a18c4.txt` §2.2 (Algorithm 1 with conditional
 * variables s).
 *
 * Everything `lp-aae` does (see its entry for the two phases, the code and image games, and every
 * choice made there), with a categorical code s ~ Cat(`classes`) (uniform) read by the code
 * generator, z_c = CG(z, s) = CG([z | one-hot s]), and an InfoGAN-style recognition net Q that
 * predicts s from the generated image dec(z_c). The mutual information I(s; dec(z_c)) is
 * maximized through its variational lower bound (Chen et al. 2016, InfoGAN):
 *
 *     I(s; x) ≥ H(s) + E[log Q(s | x)] = H(s) − CE(Q(x), s),   x = dec(CG(z, s)),
 *
 * so s becomes a disentangled, controllable factor of the samples (the paper's "disentangled
 * representations"). H(s) = log `classes` is computed by the compiler from the declared
 * categorical, so the logged term `negative mi bound` = CE − H(s) reads in nats: −log `classes`
 * when Q recovers s exactly, about 0 when it guesses.
 *
 * One iteration: codeCritic, autoencoder, codeGenerator (the AAE phase), then imageCritic and
 * prior, where the decoder, CG and Q minimize the image game's generator view plus
 * `miWeight` × (CE − H(s)).
 *
 * Choices where the seed is ambiguous or wrong:
 * - The seed updates the decoder with −∇(−L^I_GAN + I(s; dec(z_c))) and Q with −∇I(s; dec(z_c)),
 *   i.e. it *minimizes* the mutual information, which would teach Q to ignore s and the decoder to
 *   hide it. InfoGAN maximizes it: both minimize the negated bound here.
 * - CG, which the seed never updates, joins the MI term as well (it is one of the nets s flows
 *   through into the image); Q, the decoder and CG share one phase since their losses differ only by
 *   terms that do not depend on the others.
 * - Q is an MLP with one `hidden`-wide ReLU layer and a softmax over `classes` (InfoGAN shares
 *   Q's body with the discriminator; here it is its own net, so no phase trains D_I through it).
 * - `miWeight` = 1 is InfoGAN's λ for discrete codes.
 *
 * Views: as `lp-aae`, with `sample` = dec(CG(z, s)) for fresh s, and `classify` = Q(x), the class
 * of s Q reads off an image (real digits included).
 *
 * @module saddle/zoo/lp-aae-conditional
 */
import * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import { mnist } from '../dsl/index.js';
import { PositiveInt, PositiveNumber } from './codecs.js';
import type { ZooEntry } from './entry.js';
import { buildLpAaeModel, LpAaeOptions, lpAaeDefaults } from './lp-aae.js';

/**
 * The options of `lp-aae-conditional`, as an io-ts codec (and, under the same name, their type).
 * Command-line overrides (`--set miWeight=0.5`) and JSON option files are decoded with it, so a bad
 * value is an error naming the option instead of a model that fails later.
 *
 * @example
 * LpAaeConditionalOptions.is({ ...lpAaeConditionalDefaults, miWeight: 0.5 }); // true
 * resolveOptions(lpAaeConditional, ['miWeight=0.5']); // Right: the defaults with these overrides
 */
export const LpAaeConditionalOptions = t.intersection(
  [LpAaeOptions, t.type({ classes: PositiveInt, miWeight: PositiveNumber })],
  'LpAaeConditionalOptions',
);
export type LpAaeConditionalOptions = t.TypeOf<typeof LpAaeConditionalOptions>;

/**
 * The paper's settings for `lp-aae-conditional`: what `saddle train lp-aae-conditional` builds when
 * no option is set (the module comment says where saddle departs from the paper and why).
 *
 * @example
 * const m = buildLpAaeConditional({ ...lpAaeConditionalDefaults, miWeight: 0.5 });
 */
export const lpAaeConditionalDefaults: LpAaeConditionalOptions = {
  ...lpAaeDefaults,
  classes: 10,
  miWeight: 1,
};

/**
 * Build the conditional LP-AAE: CG(z, s), s ~ Cat(classes), and the InfoGAN term with Q.
 *
 * @example
 * // the paper's model on MNIST, and the same architecture for 9×9 tinyDigits:
 * compile(buildLpAaeConditional(lpAaeConditionalDefaults));
 * compile(buildLpAaeConditional(lpAaeConditionalDefaults, { x: [81], classes: 10 }));
 */
export const buildLpAaeConditional = (o: LpAaeConditionalOptions, data: DataDecl = mnist): Model =>
  buildLpAaeModel(o, { classes: o.classes, miWeight: o.miWeight }, data);

/**
 * The `lp-aae-conditional` zoo entry — the conditional learned-prior AAE: the code generator also
 * reads a category s, kept recoverable by an InfoGAN term. `saddle train lp-aae-conditional`,
 * `zoo['lp-aae-conditional']` and this value are the same entry.
 *
 * @example
 * import { lpAaeConditional } from 'saddle/zoo/lp-aae-conditional';
 * const plan = compile(lpAaeConditional.build({ ...lpAaeConditional.defaults, miWeight: 0.5 }));
 */
export const lpAaeConditional: ZooEntry<LpAaeConditionalOptions> = {
  id: 'lp-aae-conditional',
  paper: 'Wang, Ko & Peng 2018, Learning Priors for Adversarial Autoencoders (conditional)',
  seed: '002_77d4568f7e2a18c4.txt (§2.2, Algorithm 1 with conditional variables)',
  summary:
    'LP-AAE whose code generator reads a categorical s, kept recoverable from samples by an InfoGAN term',
  options: LpAaeConditionalOptions,
  defaults: lpAaeConditionalDefaults,
  batchSize: 100,
  build: buildLpAaeConditional,
};
