/**
 * The critics' losses reach their stated optima on small discrete distributions.
 *
 * For two distributions p, q over K atoms, a critic is a free value d_i per atom; the runtime's
 * loss functions are evaluated on "samples" listing each atom in proportion to its probability
 * (so a batch mean is exactly an expectation), and Adam optimizes d. At the optimum:
 *
 * - GAN critic (`ganCritic`): σ(d*) = p/(p + q), value E_p log σ(d) + E_q log(1 − σ(d)) = 2·JSD − log 4;
 * - reverse-KL f-critic (`fganCritic('reverseKL', real ~ p, fake ~ q)`, Biadversarial VAE eq. 6):
 *   d* = log(p/q), value KL(q ‖ p) (eq. 8, 9);
 * - forward-KL f-critic (`fganCritic('forwardKL', real ~ p, fake ~ q)`, eq. 14): d* = 1 + log(p/q),
 *   value KL(p ‖ q) (eq. 16, 17).
 *
 * The value is minus the critic's loss, and equals the generator view (`fganGenerator`) there.
 */
import { fc, test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect } from 'vitest';
import { fganCritic, fganGenerator, ganCritic } from '../../src/runtime/losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A distribution over K atoms with rational probabilities counts/total (every atom has mass). */
interface Discrete {
  readonly counts: readonly number[];
  readonly probs: readonly number[];
  /** Atom indices, each repeated `counts[i]` times: the batch whose mean is the expectation. */
  readonly rows: readonly number[];
}

const discrete = (counts: readonly number[]): Discrete => {
  const total = counts.reduce((a, c) => a + c, 0);
  return {
    counts,
    probs: counts.map((c) => c / total),
    rows: counts.flatMap((c, i) => Array.from({ length: c }, () => i)),
  };
};

/** Two distributions on the same 2–5 atoms. */
const arbPair = fc
  .integer({ min: 2, max: 5 })
  .chain((k) =>
    fc.tuple(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: k, maxLength: k }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: k, maxLength: k }),
    ),
  )
  .map(([a, b]) => [discrete(a), discrete(b)] as const);

/**
 * Minimize `loss(realLogits, fakeLogits)` over one free value per atom (Adam, from 0) and return
 * the optimal values and the loss there.
 */
const optimizeCritic = (
  p: Discrete,
  q: Discrete,
  loss: (real: tf.Tensor, fake: tf.Tensor) => tf.Scalar,
): { readonly d: number[]; readonly loss: number } => {
  const d = tf.variable(tf.zeros([p.probs.length]));
  const real = tf.tensor1d([...p.rows], 'int32');
  const fake = tf.tensor1d([...q.rows], 'int32');
  const objective = (): tf.Scalar => loss(tf.gather(d, real), tf.gather(d, fake));
  const optimizer = tf.train.adam(0.1);
  for (let i = 0; i < 400; i++) optimizer.minimize(objective);
  const result = { d: d.arraySync() as number[], loss: tf.tidy(() => objective().arraySync()) };
  optimizer.dispose();
  tf.dispose([d, real, fake]);
  return result;
};

const kl = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, ai, i) => s + ai * Math.log(ai / (b[i] ?? 1)), 0);

describe('critics reach their optima on discrete distributions', () => {
  test.prop([arbPair], { numRuns: 4 })('GAN critic: σ(d*) = p/(p+q), value 2·JSD − log 4', ([p, q]) => {
    const { d, loss } = optimizeCritic(p, q, (real, fake) => ganCritic('minimax', real, [fake]));
    d.forEach((di, i) => {
      const [pi, qi] = [p.probs[i] ?? 0, q.probs[i] ?? 0];
      expect(1 / (1 + Math.exp(-di))).toBeCloseTo(pi / (pi + qi), 2);
    });
    const m = p.probs.map((pi, i) => (pi + (q.probs[i] ?? 0)) / 2);
    const jsd = (kl(p.probs, m) + kl(q.probs, m)) / 2;
    expect(-loss).toBeCloseTo(2 * jsd - Math.log(4), 3);
  });

  test.prop([arbPair], { numRuns: 4 })(
    'reverse-KL f-critic (eq. 6): d* = log(p/q), value KL(q ‖ p)',
    ([p, q]) => {
      const { d, loss } = optimizeCritic(p, q, (real, fake) => fganCritic('reverseKL', real, fake));
      d.forEach((di, i) => expect(di).toBeCloseTo(Math.log((p.probs[i] ?? 0) / (q.probs[i] ?? 1)), 2));
      expect(-loss).toBeCloseTo(kl(q.probs, p.probs), 3);
    },
  );

  test.prop([arbPair], { numRuns: 4 })(
    'forward-KL f-critic (eq. 14): d* = 1 + log(p/q), value KL(p ‖ q)',
    ([p, q]) => {
      const { d, loss } = optimizeCritic(p, q, (real, fake) => fganCritic('forwardKL', real, fake));
      d.forEach((di, i) => expect(di).toBeCloseTo(1 + Math.log((p.probs[i] ?? 0) / (q.probs[i] ?? 1)), 2));
      expect(-loss).toBeCloseTo(kl(p.probs, q.probs), 3);
    },
  );

  test.prop([arbPair, fc.constantFrom('reverseKL' as const, 'forwardKL' as const)], { numRuns: 10 })(
    'the generator view is minus the critic view, and no critic beats the divergence',
    ([p, q], divergence) => {
      const values = tf.tidy(() => {
        const d = tf.randomNormal([p.probs.length], 0, 2, 'float32', 1);
        const real = tf.gather(d, tf.tensor1d([...p.rows], 'int32'));
        const fake = tf.gather(d, tf.tensor1d([...q.rows], 'int32'));
        return [
          fganGenerator(divergence, real, fake).arraySync(),
          fganCritic(divergence, real, fake).arraySync(),
        ];
      });
      const [generator = Number.NaN, criticLoss = Number.NaN] = values;
      expect(generator).toBeCloseTo(-criticLoss, 5);
      const divergenceValue = divergence === 'reverseKL' ? kl(q.probs, p.probs) : kl(p.probs, q.probs);
      // The variational value is a lower bound: any critic's value is at most the KL.
      expect(generator).toBeLessThanOrEqual(divergenceValue + 1e-5);
    },
  );
});
