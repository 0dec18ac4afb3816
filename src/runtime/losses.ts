/**
 * Loss functions: the scalar ops of a Program, as differentiable tfjs expressions.
 *
 * Every loss is per-example, summed over features where it has features, and averaged over the
 * batch — so a loss value does not depend on the batch size and matches the paper's per-example
 * negative log-likelihoods. Critic losses take *logits* and use softplus forms, which never take the
 * logarithm of a saturated sigmoid.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { FDivergence, GanForm } from '../dsl/ast.js';
import { logitsBehind } from './logits.js';

/** Probabilities are clipped here before any logarithm, as Keras does. */
export const PROBABILITY_EPSILON = 1e-7;

/** Sum over every axis but the first (the batch axis), then average over the batch. */
const sumFeaturesMeanRows = (x: tf.Tensor): tf.Scalar => {
  const rows = x.shape[0] ?? 1;
  return tf.div(tf.sum(x), rows);
};

/**
 * Bernoulli negative log-likelihood of `target` under probabilities `output` (binary cross-entropy
 * summed over features), batch mean. When `output` is a sigmoid whose logits are known (every net
 * ending in `sigmoid`; see logits.ts) it is computed from them, exactly and with the gradient
 * `p − x` even where the sigmoid saturates; otherwise probabilities are clipped to [ε, 1 − ε].
 */
export const bce = (target: tf.Tensor, output: tf.Tensor): tf.Scalar => {
  const logits = logitsBehind(output);
  if (logits !== undefined) return bceFromLogits(target, logits);
  const p = tf.clipByValue(output, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  const ll = tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p))));
  return tf.neg(sumFeaturesMeanRows(ll));
};

/**
 * `−[x log σ(l) + (1 − x) log(1 − σ(l))] = softplus(l) − x·l`, summed over features, batch mean:
 * never the logarithm of a rounded probability, and tfjs's softplus is stable for any `l` with the
 * exact gradient σ(l).
 */
export const bceFromLogits = (target: tf.Tensor, logits: tf.Tensor): tf.Scalar =>
  sumFeaturesMeanRows(tf.sub(tf.softplus(logits), tf.mul(target, logits)));

/** Squared error summed over features, batch mean. */
export const mse = (target: tf.Tensor, output: tf.Tensor): tf.Scalar =>
  sumFeaturesMeanRows(tf.squaredDifference(target, output));

const meanOf = (x: tf.Tensor): tf.Scalar => tf.mean(x);

/**
 * The critic's loss on logits: `−E log σ(real) − Σ_f E log(1 − σ(f))` for the log-loss forms
 * (`= E softplus(−real) + Σ_f E softplus(f)`), `E (real − 1)² + Σ_f E f²` for least squares.
 */
export const ganCritic = (form: GanForm, real: tf.Tensor, fakes: readonly tf.Tensor[]): tf.Scalar => {
  if (form === 'leastSquares') {
    return tf.addN([meanOf(tf.square(tf.sub(real, 1))), ...fakes.map((f) => meanOf(tf.square(f)))]);
  }
  return tf.addN([meanOf(tf.softplus(tf.neg(real))), ...fakes.map((f) => meanOf(tf.softplus(f)))]);
};

/**
 * The generator's loss on the fake logits, summed over fake sets: minimax `E log(1 − σ(f))`
 * (= `−E softplus(f)`), non-saturating `−E log σ(f)` (= `E softplus(−f)`), least squares
 * `E (f − 1)²`.
 */
export const ganGenerator = (form: GanForm, fakes: readonly tf.Tensor[]): tf.Scalar => {
  const perFake = (f: tf.Tensor): tf.Scalar => {
    switch (form) {
      case 'minimax':
        return tf.neg(meanOf(tf.softplus(f)));
      case 'nonSaturating':
        return meanOf(tf.softplus(tf.neg(f)));
      case 'leastSquares':
        return meanOf(tf.square(tf.sub(f, 1)));
    }
  };
  return fakes.length === 1 ? perFake(fakes[0] as tf.Tensor) : tf.addN(fakes.map(perFake));
};

/**
 * The witness (IPM) game's value on the witness's raw outputs: `V = E f(real) − E f(fake)`
 * (DS-AAE eq. 3). The opponent minimizes it, so this is also its generator view.
 */
export const witnessGenerator = (real: tf.Tensor, fake: tf.Tensor): tf.Scalar =>
  tf.sub(meanOf(real), meanOf(fake));

/** The witness's own loss, `−V = E f(fake) − E f(real)`: minimizing it maximizes the game value. */
export const witnessCritic = (real: tf.Tensor, fake: tf.Tensor): tf.Scalar =>
  tf.sub(meanOf(fake), meanOf(real));

/**
 * The f-GAN value on the critic's raw outputs `D`, with `fake` the side the opponent moves:
 * `reverseKL` is `E_fake[1 − D] − E_real[exp(−D)]` (Biadversarial VAE eq. 6; at its maximum,
 * `D* = log(p_real / p_fake)`, it equals `KL(fake ‖ real)`); `forwardKL` is
 * `E_real[D] − E_fake[exp(D − 1)]` (eq. 14; `D* = 1 + log(p_real / p_fake)`, value
 * `KL(real ‖ fake)`). The opponent minimizes it, so this is also its generator view.
 */
export const fganGenerator = (divergence: FDivergence, real: tf.Tensor, fake: tf.Tensor): tf.Scalar =>
  divergence === 'reverseKL'
    ? tf.sub(meanOf(tf.sub(1, fake)), meanOf(tf.exp(tf.neg(real))))
    : tf.sub(meanOf(real), meanOf(tf.exp(tf.sub(fake, 1))));

/** The f-GAN critic's loss `−V`: minimizing it makes `V` a (lower-bound) estimate of the divergence. */
export const fganCritic = (divergence: FDivergence, real: tf.Tensor, fake: tf.Tensor): tf.Scalar =>
  tf.neg(fganGenerator(divergence, real, fake));

/** `½ Σ θ²` over `params` (weight decay as a loss term); 0 for a net without parameters. */
export const l2 = (params: readonly tf.Tensor[]): tf.Scalar =>
  params.length === 0 ? tf.scalar(0) : tf.mul(tf.addN(params.map((p) => tf.sum(tf.square(p)))), 0.5);

/** Pairwise squared Euclidean distances between the rows of `a` and of `b`, clamped at 0. */
export const squaredDistances = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D => {
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
  const ab = tf.matMul(a, b, false, true);
  return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(ab, 2)));
};

/** Mean over all pairs of the RBF-mixture kernel `Σ_σ exp(−d / (2σ²))` given squared distances. */
const meanKernel = (d: tf.Tensor2D, sigmas: readonly number[]): tf.Scalar =>
  tf.addN(sigmas.map((s) => tf.mean(tf.exp(tf.mul(d, -1 / (2 * s * s))))));

/**
 * Squared MMD between two samples under an RBF mixture, the biased V-statistic
 * `mean K(a,a) + mean K(b,b) − 2 mean K(a,b)`: non-negative and exactly 0 on identical samples.
 */
export const mmd = (a: tf.Tensor, b: tf.Tensor, sigmas: readonly number[]): tf.Scalar => {
  const a2 = tf.reshape(a, [a.shape[0] ?? 1, -1]) as tf.Tensor2D;
  const b2 = tf.reshape(b, [b.shape[0] ?? 1, -1]) as tf.Tensor2D;
  const kaa = meanKernel(squaredDistances(a2, a2), sigmas);
  const kbb = meanKernel(squaredDistances(b2, b2), sigmas);
  const kab = meanKernel(squaredDistances(a2, b2), sigmas);
  return tf.sub(tf.add(kaa, kbb), tf.mul(kab, 2));
};

/** `−Σ target · log probs`, batch mean (probabilities clipped below at ε). */
export const crossEntropy = (probs: tf.Tensor, target: tf.Tensor): tf.Scalar =>
  tf.neg(sumFeaturesMeanRows(tf.mul(target, tf.log(tf.clipByValue(probs, PROBABILITY_EPSILON, 1)))));

/**
 * The negated InfoGAN bound on the mutual information between a categorical code `s` (one-hot rows
 * `code`) and what was generated from it: `CE(q, s) − H(s)`, where `probs` are the predictions
 * `q(s | x)` and `entropy` is `H(s)` of the categorical `s` was drawn from. Since
 * `I(s; x) ≥ H(s) − E[−log q(s | x)]`, minimizing this maximizes the bound; it is `−H(s)` when `q`
 * recovers `s` and about `0` when `q` predicts the prior.
 */
export const negativeMutualInformationBound = (
  probs: tf.Tensor,
  code: tf.Tensor,
  entropy: number,
): tf.Scalar => tf.sub(crossEntropy(probs, code), entropy);

/**
 * KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (σ² + μ² − 1 − log σ²), summed over dimensions, batch mean, from
 * `[μ | log σ²]` parameters.
 */
export const klGaussian = (params: tf.Tensor): tf.Scalar => {
  const half = (params.shape[1] ?? 0) / 2;
  const [mean, logvar] = tf.split(params, [half, half], 1) as [tf.Tensor, tf.Tensor];
  const terms = tf.sub(tf.add(tf.exp(logvar), tf.square(mean)), tf.add(logvar, 1));
  return tf.mul(sumFeaturesMeanRows(terms), 0.5);
};
