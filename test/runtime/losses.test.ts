import * as tf from '@tensorflow/tfjs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { logitsBehind, sigmoidKeepingLogits } from '../../src/runtime/logits.js';
import * as loss from '../../src/runtime/losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (t: tf.Tensor): number => {
  const v = t.dataSync()[0] ?? Number.NaN;
  t.dispose();
  return v;
};

const softplus = (x: number): number => Math.log1p(Math.exp(x));

describe('reconstruction losses', () => {
  it('bce is the Bernoulli NLL summed over features, averaged over rows', () => {
    const target = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const output = tf.tensor2d([
      [0.9, 0.2],
      [0.5, 0.25],
    ]);
    const expected = (-(Math.log(0.9) + Math.log(0.8)) - (Math.log(0.5) + Math.log(0.25))) / 2;
    expect(value(loss.bce(target, output))).toBeCloseTo(expected, 5);
  });

  it('bce clips saturated probabilities instead of returning Infinity', () => {
    const v = value(loss.bce(tf.tensor2d([[1]]), tf.tensor2d([[0]])));
    expect(v).toBeCloseTo(-Math.log(1e-7), 2);
  });

  it('bce of a sigmoid output is computed from its logits: exact value, gradient p − x even when saturated', () => {
    // one confidently wrong pixel of each kind (ink at logit −30, none at logit +30) and two ordinary ones
    const target = tf.tensor2d([[1, 0, 0.3, 1]]);
    const logits = tf.tensor2d([[-30, 30, 0.4, 2]]);
    const sigmoid = (l: number): number => 1 / (1 + Math.exp(-l));
    const exact = [1, 0, 0.3, 1].reduce(
      (s, x, i) => s + softplus([-30, 30, 0.4, 2][i] ?? 0) - x * ([-30, 30, 0.4, 2][i] ?? 0),
      0,
    );
    expect(value(loss.bce(target, sigmoidKeepingLogits(logits)))).toBeCloseTo(exact, 4);
    // the clipped form caps both wrong pixels at −log(1e-7) ≈ 16.1 nats
    expect(value(loss.bce(target, tf.sigmoid(logits)))).toBeLessThan(exact - 20);

    const viaLogits = tf
      .grad((l: tf.Tensor) => loss.bce(target, sigmoidKeepingLogits(l)))(logits)
      .arraySync() as number[][];
    const viaClip = tf
      .grad((l: tf.Tensor) => loss.bce(target, tf.sigmoid(l)))(logits)
      .arraySync() as number[][];
    [1, 0, 0.3, 1].forEach((x, i) =>
      expect(viaLogits[0]?.[i]).toBeCloseTo(sigmoid([-30, 30, 0.4, 2][i] ?? 0) - x, 5),
    );
    // what the clip did: the two saturated pixels had no gradient at all, the others the same one
    expect(viaClip[0]?.slice(0, 2)).toEqual([0, 0]);
    expect(viaClip[0]?.[2]).toBeCloseTo(viaLogits[0]?.[2] ?? Number.NaN, 5);
  });

  it('logits are forgotten once disposed, and the clipped form is used instead', () => {
    const logits = tf.tensor2d([[-30]]);
    const p = sigmoidKeepingLogits(logits);
    expect(logitsBehind(p)).toBe(logits);
    logits.dispose();
    expect(logitsBehind(p)).toBeUndefined();
    expect(value(loss.bce(tf.tensor2d([[1]]), p))).toBeCloseTo(-Math.log(1e-7), 2);
  });

  it('mse sums squared error over features and averages over rows', () => {
    const v = value(
      loss.mse(
        tf.tensor2d([
          [1, 2],
          [0, 0],
        ]),
        tf.tensor2d([
          [0, 0],
          [3, 0],
        ]),
      ),
    );
    expect(v).toBeCloseTo((1 + 4 + 9) / 2, 5);
  });
});

describe('GAN losses on logits', () => {
  const real = [0.5, -1];
  const fake = [2, -0.3];
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('the critic loss is −E log σ(real) − E log(1 − σ(fake))', () => {
    const expected = mean(real.map((r) => softplus(-r))) + mean(fake.map((f) => softplus(f)));
    expect(
      value(loss.ganCritic('nonSaturating', tf.tensor2d(real, [2, 1]), [tf.tensor2d(fake, [2, 1])])),
    ).toBeCloseTo(expected, 5);
    expect(
      value(loss.ganCritic('minimax', tf.tensor2d(real, [2, 1]), [tf.tensor2d(fake, [2, 1])])),
    ).toBeCloseTo(expected, 5);
  });

  it('the critic scores every fake set', () => {
    const f2 = [0.1, 0.7];
    const expected = mean(real.map((r) => softplus(-r))) + mean(fake.map(softplus)) + mean(f2.map(softplus));
    const v = value(
      loss.ganCritic('minimax', tf.tensor2d(real, [2, 1]), [
        tf.tensor2d(fake, [2, 1]),
        tf.tensor2d(f2, [2, 1]),
      ]),
    );
    expect(v).toBeCloseTo(expected, 5);
  });

  it('generator forms: minimax E log(1 − σ(f)), non-saturating −E log σ(f), least squares E (f − 1)²', () => {
    const f = (): tf.Tensor => tf.tensor2d(fake, [2, 1]);
    expect(value(loss.ganGenerator('minimax', [f()]))).toBeCloseTo(
      mean(fake.map((x) => Math.log(1 - 1 / (1 + Math.exp(-x))))),
      5,
    );
    expect(value(loss.ganGenerator('nonSaturating', [f()]))).toBeCloseTo(
      mean(fake.map((x) => -Math.log(1 / (1 + Math.exp(-x))))),
      5,
    );
    expect(value(loss.ganGenerator('leastSquares', [f()]))).toBeCloseTo(
      mean(fake.map((x) => (x - 1) ** 2)),
      5,
    );
  });

  it('least-squares critic: E (real − 1)² + E fake²', () => {
    const expected = mean(real.map((r) => (r - 1) ** 2)) + mean(fake.map((x) => x * x));
    expect(
      value(loss.ganCritic('leastSquares', tf.tensor2d(real, [2, 1]), [tf.tensor2d(fake, [2, 1])])),
    ).toBeCloseTo(expected, 5);
  });

  it('is minimized by the optimal critic σ(ℓ) = p/(p+q) on a two-point space', () => {
    // Real draws: A with probability 0.7 (7 of 10), fake draws: A with probability 0.2 (2 of 10).
    const realIdx = tf.tensor1d([0, 0, 0, 0, 0, 0, 0, 1, 1, 1], 'int32');
    const fakeIdx = tf.tensor1d([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 'int32');
    const critic = (logits: tf.Tensor): tf.Scalar =>
      loss.ganCritic('minimax', tf.gather(logits, realIdx), [tf.gather(logits, fakeIdx)]);
    const logit = (p: number, q: number): number => Math.log(p / q);
    const optimum = tf.tensor1d([logit(0.7, 0.2), logit(0.3, 0.8)]);
    const grad = tf.grad(critic)(optimum);
    const g = Array.from(grad.dataSync());
    expect(Math.abs(g[0] ?? 1)).toBeLessThan(1e-6);
    expect(Math.abs(g[1] ?? 1)).toBeLessThan(1e-6);
    const off = tf.grad(critic)(tf.tensor1d([0, 0]));
    expect(Math.abs(off.dataSync()[0] ?? 0)).toBeGreaterThan(0.1);
    tf.dispose([realIdx, fakeIdx, optimum, grad, off]);
  });
});

describe('MMD', () => {
  const points = fc.array(
    fc.tuple(fc.float({ min: -3, max: 3, noNaN: true }), fc.float({ min: -3, max: 3, noNaN: true })),
    {
      minLength: 1,
      maxLength: 12,
    },
  );

  fcTest.prop([points], { numRuns: 30 })('is zero on identical samples', (xs) => {
    const a = tf.tensor2d(xs.map(([u, v]) => [u, v]));
    const v = value(loss.mmd(a, a, [0.5, 1, 2]));
    a.dispose();
    expect(Math.abs(v)).toBeLessThan(1e-5);
  });

  fcTest.prop([points, points], { numRuns: 30 })('is symmetric and non-negative', (xs, ys) => {
    const a = tf.tensor2d(xs.map(([u, v]) => [u, v]));
    const b = tf.tensor2d(ys.map(([u, v]) => [u, v]));
    const ab = value(loss.mmd(a, b, [1]));
    const ba = value(loss.mmd(b, a, [1]));
    tf.dispose([a, b]);
    expect(ab).toBeCloseTo(ba, 5);
    expect(ab).toBeGreaterThan(-1e-5);
  });

  it('matches the hand-computed V-statistic on two 1-point samples', () => {
    // K(a,a) = K(b,b) = 1 per sigma; K(a,b) = exp(−d²/(2σ²)).
    const d2 = 4;
    const sigmas = [1, 2];
    const expected = sigmas.reduce((acc, s) => acc + 2 - 2 * Math.exp(-d2 / (2 * s * s)), 0);
    expect(value(loss.mmd(tf.tensor2d([[0, 0]]), tf.tensor2d([[2, 0]]), sigmas))).toBeCloseTo(expected, 5);
  });
});

describe('classification and KL', () => {
  it('cross-entropy is −Σ target·log probs, batch mean', () => {
    const v = value(
      loss.crossEntropy(
        tf.tensor2d([
          [0.2, 0.8],
          [0.6, 0.4],
        ]),
        tf.tensor2d([
          [0, 1],
          [1, 0],
        ]),
      ),
    );
    expect(v).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 5);
  });

  it('KL of N(μ, σ²) to N(0, 1) from [μ | log σ²]', () => {
    const mu = 0.5;
    const logvar = Math.log(2);
    const expected = 0.5 * (2 + mu * mu - 1 - logvar);
    expect(value(loss.klGaussian(tf.tensor2d([[mu, logvar]])))).toBeCloseTo(expected, 5);
    expect(value(loss.klGaussian(tf.tensor2d([[0, 0, 0, 0]])))).toBeCloseTo(0, 6);
  });
});
