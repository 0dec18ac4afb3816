/**
 * `ds-aae`: the plan is the paper's algorithm, the random-feature adversary is the RBF kernel's
 * random Fourier feature map (its kernel estimate converges at ~1/√D), the penalized witness game
 * reaches its closed-form optimum (α* = mean-embedding difference / λ, value MMD²_rff / 2λ), and a
 * tiny DS-AAE brings its codes closer to the prior than the same autoencoder without the game.
 */
import { fc, test } from '@fast-check/vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, explain } from '../../src/compile/index.js';
import { planPhases } from '../../src/compile/plan.js';
import { lowerNet } from '../../src/compile/shapes.js';
import { exampleWidth, type Dataset } from '../../src/data/dataset.js';
import { tinyDigits } from '../../src/data/synthetic.js';
import type { DataDecl, Model, Phase, ViewName } from '../../src/dsl/ast.js';
import { dense, net, randomFeatures, seq } from '../../src/dsl/index.js';
import { createDraws } from '../../src/runtime/draws.js';
import { l2, witnessCritic, witnessGenerator } from '../../src/runtime/losses.js';
import { buildLayersModel, exportable, ExportError, exportNets } from '../../src/runtime/export.js';
import { compileNet, createVariables } from '../../src/runtime/nets.js';
import { createTrainer, type LossRecord, type Trainer } from '../../src/runtime/trainer.js';
import { buildDsAae, dsAae, dsAaeDefaults } from '../../src/zoo/ds-aae.js';
import { planOf as compiled } from '../compile/fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// -------------------------------------------------------------------------------------------------
// the plan
// -------------------------------------------------------------------------------------------------

describe('ds-aae plan', () => {
  it('compiles with the paper defaults; the adversary is frozen features plus a trained α', () => {
    const plan = compiled(dsAae.build(dsAae.defaults));
    expect(plan.model).toBe('ds-aae');
    const adversary = plan.nets.find((n) => n.name === 'adversary');
    expect(adversary?.layers.map((l) => l.op)).toEqual(['randomFeatures', 'dense']);
    expect(adversary?.params.map((p) => [p.name, p.shape, p.trainable])).toEqual([
      ['adversary/0/frequencies', [6, 512], false],
      ['adversary/1/kernel', [1024, 1], true],
    ]);
    expect(adversary?.params[0]?.init).toEqual({ kind: 'randomNormal', std: 1, seed: 1 });
    expect(explain(plan)).toContain('randomFeatures 1024 (σ 1, seed 1)');
  });

  it('phases follow the paper: reconstruction, adversary, regularization', () => {
    const m = dsAae.build(dsAae.defaults);
    const phases = m.schedule.filter((s): s is Phase => s.kind === 'phase');
    expect(phases.map((p) => [p.name, p.update])).toEqual([
      ['reconstruction', ['encoder', 'decoder']],
      ['adversary', ['adversary']],
      ['regularization', ['encoder']],
    ]);
    const plan = compiled(m);
    const [, adversary, regularization] = planPhases(plan);
    // Only α moves in the adversary's phase: the frequencies are frozen.
    expect(adversary?.params).toEqual(['adversary/1/kernel']);
    const ops = (p: typeof adversary) => p?.program.instrs.map((i) => i.op.kind);
    expect(ops(adversary)).toEqual(expect.arrayContaining(['witnessCritic', 'l2', 'scale', 'sum']));
    expect(ops(regularization)).toContain('witnessGenerator');
    expect(ops(regularization)).not.toContain('l2');
    expect(adversary?.terms.map((t) => t.label)).toEqual(['loss', 'witness critic', '1 × l2 of adversary']);
  });

  it('rejects an odd feature count with a path into the adversary', () => {
    const r = compile(buildDsAae({ ...dsAaeDefaults, features: 1024 }));
    expect(E.isRight(r)).toBe(true);
    expect(E.isLeft(dsAae.options.decode({ ...dsAaeDefaults, features: 7 }))).toBe(true);
    const m = buildDsAae(dsAaeDefaults);
    const odd: Model = {
      ...m,
      nets: m.nets.map((n) =>
        n.name === 'adversary' ? { ...n, layers: [randomFeatures(7), dense(1, { bias: false })] } : n,
      ),
    };
    const errors = compile(odd);
    expect(E.isLeft(errors) && errors.left.map((e) => e.path)).toEqual(['nets[2].layers[0].features']);
  });
});

// -------------------------------------------------------------------------------------------------
// random Fourier features
// -------------------------------------------------------------------------------------------------

/** The runtime's forward function of a random-feature map with `features` outputs on width `d`. */
const featureMap = (d: number, features: number, sigma: number, seed: number) => {
  const lowered = lowerNet(net('zeta', seq(randomFeatures(features, { sigma, seed }))), 'nets[0]', [d]);
  if (!lowered.ok) throw new Error('randomFeatures did not lower');
  const variables = createVariables([lowered.net], () => 0.5);
  const forward = compileNet(lowered.net, variables);
  const context = { training: false, updateStatistics: false, draws: createDraws(0) };
  return {
    apply: (rows: number[][]): number[][] =>
      tf.tidy(() => forward(tf.tensor2d(rows), context).arraySync() as number[][]),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
};

const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, ai, i) => s + ai * (b[i] ?? 0), 0);
const rbf = (a: readonly number[], b: readonly number[], sigma: number): number =>
  Math.exp(-a.reduce((s, ai, i) => s + (ai - (b[i] ?? 0)) ** 2, 0) / (2 * sigma * sigma));

/** Root-mean-square error of ζ(x)·ζ(y) against the RBF kernel over the pairs. */
/** Independent draws of the feature map each RMSE averages over (see below). */
const FEATURE_DRAWS = 8;

/**
 * RMSE of ζ(x)·ζ(y) against the RBF kernel over the pairs AND over `FEATURE_DRAWS` independent
 * feature maps (seeds `seed`, `seed + 1`, ...). Averaging over draws of W is what makes this an
 * estimate of the estimator's error: over pairs alone, a generator that repeats one pair (fast-check
 * shrinks to exactly that) leaves a single random error, and a ratio of two such errors is noise.
 */
const kernelRmse = (
  pairs: readonly (readonly [number[], number[]])[],
  d: number,
  D: number,
  sigma: number,
  seed: number,
) => {
  let sum = 0;
  let zx: number[][] = [];
  for (let draw = 0; draw < FEATURE_DRAWS; draw++) {
    const zeta = featureMap(d, D, sigma, seed + draw);
    const fx = zeta.apply(pairs.map(([x]) => x));
    const fy = zeta.apply(pairs.map(([, y]) => y));
    zeta.dispose();
    pairs.forEach((pair, i) => {
      sum += (dot(fx[i] ?? [], fy[i] ?? []) - rbf(pair[0], pair[1], sigma)) ** 2;
    });
    if (draw === 0) zx = fx;
  }
  return { rmse: Math.sqrt(sum / (pairs.length * FEATURE_DRAWS)), zx };
};

describe('random Fourier features approach the RBF kernel', () => {
  // Pairs at distance ≥ 0.3 per coordinate, where the estimate has a non-vanishing variance (at
  // x = y the [cos, sin] map is exact, and a ratio of two float-noise errors means nothing).
  const arbCoordinate = fc.double({ min: -2, max: 2, noNaN: true });
  const arbOffset = fc
    .tuple(fc.double({ min: 0.3, max: 1.5, noNaN: true }), fc.boolean())
    .map(([size, negative]) => (negative ? -size : size));
  const arbPairs = fc.integer({ min: 1, max: 6 }).chain((d) =>
    fc.record({
      d: fc.constant(d),
      sigma: fc.double({ min: 0.5, max: 2, noNaN: true }),
      seed: fc.nat({ max: 2 ** 30 }),
      pairs: fc.array(
        fc
          .tuple(
            fc.array(arbCoordinate, { minLength: d, maxLength: d }),
            fc.array(arbOffset, { minLength: d, maxLength: d }),
          )
          .map(([x, offset]) => [x, x.map((v, i) => v + (offset[i] ?? 0))] as [number[], number[]]),
        { minLength: 48, maxLength: 48 },
      ),
    }),
  );

  test.prop([arbPairs], { numRuns: 8 })(
    'the error of ζ(x)·ζ(y) is within ~√(2/D) and shrinks ~1/√D from D = 64 to D = 4096',
    ({ d, sigma, seed, pairs }) => {
      const small = kernelRmse(pairs, d, 64, sigma, seed);
      const large = kernelRmse(pairs, d, 4096, sigma, seed);
      // Per pair the variance is at most 1/m for m = D/2 frequencies: RMSE ≤ √(2/D) in expectation.
      expect(small.rmse).toBeLessThan(2.5 * Math.sqrt(2 / 64));
      expect(large.rmse).toBeLessThan(2.5 * Math.sqrt(2 / 4096));
      // 64× the features: about 8× less error (allow 3×, the estimate of an RMSE is itself noisy).
      expect(large.rmse).toBeLessThan(small.rmse / 3);
      // The [cos, sin] map is exact on the diagonal: ζ(x)·ζ(x) = 1 = k(x, x).
      for (const z of large.zx) expect(dot(z, z)).toBeCloseTo(1, 4);
    },
  );

  it('is a fixed function of its seed: same seed, same features; another seed, other features', () => {
    const x = [[0.3, -1.2]];
    const [a, b, c] = [featureMap(2, 8, 1, 5), featureMap(2, 8, 1, 5), featureMap(2, 8, 1, 6)];
    expect(a.apply(x)).toEqual(b.apply(x));
    expect(a.apply(x)).not.toEqual(c.apply(x));
    [a, b, c].forEach((f) => f.dispose());
  });
});

// -------------------------------------------------------------------------------------------------
// the penalized witness game
// -------------------------------------------------------------------------------------------------

describe('the penalized witness game', () => {
  it('critic and generator views are negatives: V = E f(real) − E f(fake)', () => {
    const real = tf.tensor2d([[1], [3]]);
    const fake = tf.tensor2d([[0.5], [-0.5], [1.5]]);
    expect(witnessGenerator(real, fake).arraySync()).toBeCloseTo(2 - 0.5, 6);
    expect(witnessCritic(real, fake).arraySync()).toBeCloseTo(0.5 - 2, 6);
    expect(l2([tf.tensor1d([1, 2]), tf.tensor2d([[3]])]).arraySync()).toBeCloseTo(0.5 * 14, 6);
    tf.dispose([real, fake]);
  });

  test.prop(
    [
      fc.record({
        seed: fc.nat(),
        lambda: fc.double({ min: 0.2, max: 2, noNaN: true }),
        shift: fc.double({ min: 0.3, max: 2, noNaN: true }),
      }),
    ],
    { numRuns: 4 },
  )(
    'gradient ascent on α reaches α* = (μ_P − μ_Q)/λ and the value MMD²_rff / (2λ)',
    ({ seed, lambda, shift }) => {
      const D = 64;
      const draws = createDraws(seed);
      const rows = (n: number, offset: number) =>
        Array.from({ length: n }, () => [draws.normal() + offset, draws.normal()]);
      const zeta = featureMap(2, D, 1, seed);
      const [p, q] = [zeta.apply(rows(40, 0)), zeta.apply(rows(40, shift))];
      zeta.dispose();
      const mean = (m: number[][]) =>
        Array.from({ length: D }, (_, j) => m.reduce((s, r) => s + (r[j] ?? 0), 0) / m.length);
      const difference = mean(p).map((v, j) => v - (mean(q)[j] ?? 0));
      const mmd2 = dot(difference, difference);

      const [zp, zq] = [tf.tensor2d(p), tf.tensor2d(q)];
      const alpha = tf.variable(tf.zeros([D, 1]));
      const optimizer = tf.train.sgd(0.5 / (1 + lambda));
      const loss = (): tf.Scalar =>
        tf.add(
          witnessCritic(tf.matMul(zp, alpha), tf.matMul(zq, alpha)),
          tf.mul(lambda, l2([alpha])),
        ) as tf.Scalar;
      for (let i = 0; i < 300; i++) optimizer.minimize(loss);
      const value = -tf.tidy(() => loss().arraySync());
      const learned = (alpha.arraySync() as number[][]).map((r) => r[0] ?? 0);
      tf.dispose([zp, zq, alpha]);
      optimizer.dispose();

      expect(value).toBeCloseTo(mmd2 / (2 * lambda), 4);
      learned.forEach((a, j) => expect(a).toBeCloseTo((difference[j] ?? 0) / lambda, 3));
    },
  );
});

// -------------------------------------------------------------------------------------------------
// training
// -------------------------------------------------------------------------------------------------

const digits: Dataset = tinyDigits(300, { seed: 7, side: 8 });
const tiny: DataDecl = { x: digits.shape, classes: digits.classes };
const probe = { x: digits.x.slice(0, 200 * exampleWidth(digits.shape)), rows: 200 };

const trainerFor = (model: Model): Trainer =>
  createTrainer({ plan: compiled(model), data: digits, batchSize: 100, seed: 11 });

const view = async (trainer: Trainer, name: ViewName, rows?: number): Promise<number[][]> => {
  const t =
    rows === undefined ? trainer.evalView(name, probe) : trainer.evalView(name, undefined, rows, { seed: 3 });
  const values = (await t.array()) as number[][];
  t.dispose();
  return values;
};

/** Biased squared MMD under exp(−‖a−b‖²/2), by hand (independent of the adversary's features). */
const mmd2 = (a: number[][], b: number[][]): number => {
  const meanK = (u: number[][], v: number[][]) =>
    u.reduce((acc, r) => acc + v.reduce((s, c) => s + rbf(r, c, 1), 0), 0) / (u.length * v.length);
  return meanK(a, a) + meanK(b, b) - 2 * meanK(a, b);
};

describe('ds-aae export', () => {
  it('exports encoder and decoder as model.json; the random-feature adversary is skipped, not an error', async () => {
    const plan = compiled(buildDsAae({ ...dsAaeDefaults, hidden: [8], latent: 2, features: 16 }, tiny));
    expect(plan.nets.map((n) => [n.name, exportable(n)])).toEqual([
      ['encoder', true],
      ['decoder', true],
      ['adversary', false],
    ]);
    const adversary = plan.nets.find((n) => n.name === 'adversary');
    const trainer = createTrainer({ plan, data: digits, batchSize: 20, seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'saddle-ds-aae-'));
    try {
      expect(() => adversary && buildLayersModel(adversary, trainer.variables)).toThrow(ExportError);
      expect(await exportNets(trainer, dir)).toEqual([
        join('encoder', 'model.json'),
        join('decoder', 'model.json'),
      ]);
      expect(existsSync(join(dir, 'adversary'))).toBe(false);
    } finally {
      trainer.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ds-aae trains on tiny digits', () => {
  it('the MMD between codes and prior falls, and only because of the witness game', async () => {
    // A faster adversary than the paper's 1e-3 (so α tracks its optimum within a few steps).
    const model = buildDsAae(
      { ...dsAaeDefaults, hidden: [16, 16], latent: 2, features: 128, adversaryLr: 1e-2 },
      tiny,
    );
    const measure = async (trainer: Trainer) =>
      mmd2(await view(trainer, 'encode'), await view(trainer, 'prior', 200));
    const trainer = trainerFor(model);
    const before = await measure(trainer);
    for (let i = 0; i < 80; i++) trainer.step();
    const records: LossRecord[] = await trainer.readLosses();
    const after = await measure(trainer);
    const alphaNorm = (await trainer.variables.get('adversary/1/kernel')?.norm().array()) as number;
    trainer.dispose();
    // Control: the same autoencoder trained by its reconstruction phase alone.
    const control = trainerFor({
      ...model,
      nets: model.nets.filter((n) => n.name !== 'adversary'),
      schedule: model.schedule.slice(0, 1),
    });
    for (let i = 0; i < 80; i++) control.step();
    const unregularized = await measure(control);
    control.dispose();

    expect(records.every((r) => Object.values(r.losses).every(Number.isFinite))).toBe(true);
    expect(Object.keys(records[0]?.losses ?? {})).toEqual(['reconstruction', 'adversary', 'regularization']);
    expect(after).toBeLessThan(0.5 * before);
    expect(after).toBeLessThan(0.5 * unregularized);
    // The penalty keeps the witness bounded.
    expect(Number.isFinite(alphaNorm) && alphaNorm < 10).toBe(true);
  });
});
