/**
 * `lp-aae` and `lp-aae-conditional`: compile with their defaults and variations, run the seed's
 * Algorithm 1 (AAE phase: D_C, encoder + decoder, CG; prior improvement phase: D_I, decoder + CG
 * [+ Q]) with the signs the compiler checks, and train on tiny digits: finite losses, and the
 * code generator's output distribution — the learned prior — moves (its moments change), following
 * the encoder's codes; in the conditional variant Q learns to read s off generated images.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { planPhases } from '../../src/compile/plan.js';
import { exampleWidth } from '../../src/data/dataset.js';
import { tinyDigits } from '../../src/data/synthetic.js';
import type { Model, Phase } from '../../src/dsl/ast.js';
import { createTrainer, type Trainer } from '../../src/runtime/trainer.js';
import {
  buildLpAaeConditional,
  lpAaeConditional,
  lpAaeConditionalDefaults,
} from '../../src/zoo/lp-aae-conditional.js';
import { buildLpAae, lpAae, lpAaeDefaults } from '../../src/zoo/lp-aae.js';
import { planOf } from '../compile/fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const phases = (m: Model): readonly Phase[] =>
  m.schedule.flatMap((s) => (s.kind === 'phase' ? [s] : s.phases));

describe('lp-aae compiles', () => {
  it('with its defaults and every variation of reconstruction, schedule and form', () => {
    expect(planOf(lpAae.build(lpAae.defaults)).model).toBe('lp-aae');
    expect(planOf(lpAaeConditional.build(lpAaeConditional.defaults)).model).toBe('lp-aae-conditional');
    for (const reconstruction of ['features', 'pixels'] as const)
      for (const steps of ['simultaneous', 'sequential'] as const) {
        planOf(buildLpAae({ ...lpAaeDefaults, reconstruction, steps, form: 'minimax', featureLayer: 1 }));
        planOf(buildLpAaeConditional({ ...lpAaeConditionalDefaults, reconstruction, steps, classes: 3 }));
      }
  });
});

describe('lp-aae follows Algorithm 1 of the seed', () => {
  it('AAE phase (D_C, encoder + decoder, CG), then prior improvement (D_I, decoder + CG), each a simultaneous group', () => {
    const m = lpAae.build(lpAae.defaults);
    expect(m.schedule.map((s) => (s.kind === 'simultaneous' ? s.phases.length : 0))).toEqual([3, 2]);
    expect(phases(m).map((p) => [p.name, p.update])).toEqual([
      ['codeCritic', ['codeCritic']],
      ['autoencoder', ['encoder', 'decoder']],
      ['codeGenerator', ['codeGenerator']],
      ['imageCritic', ['imageCritic']],
      ['prior', ['decoder', 'codeGenerator']],
    ]);
    expect(phases(lpAaeConditional.build(lpAaeConditional.defaults)).map((p) => [p.name, p.update])).toEqual([
      ['codeCritic', ['codeCritic']],
      ['autoencoder', ['encoder', 'decoder']],
      ['codeGenerator', ['codeGenerator']],
      ['imageCritic', ['imageCritic']],
      ['prior', ['decoder', 'codeGenerator', 'q']],
    ]);
    expect(phases(buildLpAae({ ...lpAaeDefaults, steps: 'sequential' })).length).toBe(5);
  });

  it('reconstructs in D_I feature space (or pixels), and the games have the checked signs', () => {
    const plan = planOf(lpAae.build(lpAae.defaults));
    const byName = new Map(planPhases(plan).map((p) => [p.name, p.program.instrs.map((i) => i.op)]));
    const autoencoder = byName.get('autoencoder') ?? [];
    expect(autoencoder.filter((o) => o.kind === 'features')).toEqual([
      expect.objectContaining({ net: 'imageCritic', layers: 2 }),
      expect.objectContaining({ net: 'imageCritic', layers: 2 }),
    ]);
    // The encoder's −L^C is the code critic's loss negated; CG minimizes the generator view.
    expect(autoencoder.find((o) => o.kind === 'scale' && o.by === -1)).toBeDefined();
    expect(autoencoder.some((o) => o.kind === 'ganCritic')).toBe(true);
    expect((byName.get('codeGenerator') ?? []).some((o) => o.kind === 'ganGenerator')).toBe(true);
    // The image game scores x against two fake sets: dec(CG(z)) and dec(enc(x)).
    expect((byName.get('imageCritic') ?? []).find((o) => o.kind === 'ganCritic')).toMatchObject({
      fake: [expect.any(Number), expect.any(Number)],
    });
    const pixels = planPhases(planOf(buildLpAae({ ...lpAaeDefaults, reconstruction: 'pixels' })));
    const rec = pixels.find((p) => p.name === 'autoencoder')?.program.instrs.map((i) => i.op) ?? [];
    expect(rec.some((o) => o.kind === 'features')).toBe(false);
    expect(rec.find((o) => o.kind === 'reconstruction')).toMatchObject({ metric: 'bce' });
  });

  it('the conditional prior phase maximizes the MI bound with H(s) = log k from the declared Cat(k)', () => {
    const plan = planOf(buildLpAaeConditional({ ...lpAaeConditionalDefaults, classes: 4, miWeight: 0.5 }));
    const prior = planPhases(plan).find((p) => p.name === 'prior');
    const ops = prior?.program.instrs.map((i) => i.op) ?? [];
    const mi = ops.find((o) => o.kind === 'mutualInformation');
    expect(mi?.kind === 'mutualInformation' && mi.entropy).toBeCloseTo(Math.log(4), 12);
    expect(ops.some((o) => o.kind === 'scale' && o.by === 0.5)).toBe(true);
    expect(prior?.terms.map((t) => t.label)).toEqual(['loss', 'gan generator', '0.5 × negative mi bound']);
  });
});

// -------------------------------------------------------------------------------------------------
// training
// -------------------------------------------------------------------------------------------------

const digits = tinyDigits(300, { seed: 7, side: 8 });
const tiny = { x: digits.shape, classes: digits.classes };
const width = exampleWidth(digits.shape);
const probe = { x: digits.x.slice(0, 200 * width), rows: 200 };
const small = { hidden: 16, latent: 2, noise: 2 };

const download = async (t: tf.Tensor): Promise<number[][]> => {
  const values = (await t.array()) as number[][];
  t.dispose();
  return values;
};

/** Per-coordinate mean and variance of rows. */
const moments = (rows: number[][]): { mean: number[]; variance: number[] } => {
  const d = rows[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + (r[j] ?? 0), 0) / rows.length);
  const variance = Array.from(
    { length: d },
    (_, j) => rows.reduce((a, r) => a + ((r[j] ?? 0) - (mean[j] ?? 0)) ** 2, 0) / rows.length,
  );
  return { mean, variance };
};

const distance = (a: number[], b: number[]): number => Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)));

const learnedPrior = async (trainer: Trainer) =>
  moments(await download(trainer.evalView('prior', undefined, 200, { seed: 3 })));

describe('lp-aae trains on tiny digits', () => {
  it('finite losses; the learned prior moves (its moments change) toward the encoder codes', async () => {
    const trainer = createTrainer({
      plan: planOf(buildLpAae({ ...lpAaeDefaults, ...small, learningRate: 1e-3 }, tiny)),
      data: digits,
      batchSize: 50,
      seed: 11,
    });
    const before = await learnedPrior(trainer);
    for (let i = 0; i < 100; i++) trainer.step();
    const after = await learnedPrior(trainer);
    const codes = moments(await download(trainer.evalView('encode', probe)));
    const records = await trainer.readLosses();
    trainer.dispose();
    expect(records.every((r) => Object.values(r.losses).every(Number.isFinite))).toBe(true);
    // CG starts near a constant map (small spread); training moves its mean and widens it.
    expect(distance(after.mean, before.mean)).toBeGreaterThan(0.5);
    after.variance.forEach((v, j) => expect(v).toBeGreaterThan(2 * (before.variance[j] ?? 0)));
    // ... to where the aggregated posterior is: closer to the codes than to where CG started.
    expect(distance(after.mean, codes.mean)).toBeLessThan(distance(before.mean, codes.mean));
  });

  it('conditional: finite losses; Q becomes confident about s on generated images', async () => {
    const model = buildLpAaeConditional(
      { ...lpAaeConditionalDefaults, ...small, classes: 3, learningRate: 1e-3 },
      tiny,
    );
    const trainer = createTrainer({ plan: planOf(model), data: digits, batchSize: 50, seed: 11 });
    /** Mean over generated images of Q's largest class probability. */
    const confidence = async () => {
      const images = await download(trainer.evalView('sample', undefined, 200, { seed: 3 }));
      const flat = Float32Array.from(images.flat());
      const probs = await download(trainer.evalView('classify', { x: flat, rows: images.length }));
      return probs.reduce((a, p) => a + Math.max(...p), 0) / probs.length;
    };
    const before = await confidence();
    for (let i = 0; i < 100; i++) trainer.step();
    const after = await confidence();
    const records = await trainer.readLosses();
    trainer.dispose();
    expect(records.every((r) => Object.values(r.losses).every(Number.isFinite))).toBe(true);
    // Chance is 1/3 for three classes; Q reads s off the images once they depend on it.
    expect(before).toBeLessThan(0.5);
    expect(after).toBeGreaterThan(0.55);
    expect(after).toBeGreaterThan(before + 0.1);
  });
});
