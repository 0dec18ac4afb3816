/**
 * `vae-gan`: compiles with its defaults and variations, runs the seed's three updates (encoder,
 * decoder, discriminator; one simultaneous group by default) with the reconstruction measured in
 * the discriminator's hidden features, and trains on tiny digits: finite losses, the discriminator
 * learns to tell real images from *both* fake sets (reconstructions and prior samples), and the
 * decoder's prior samples move toward the data (their MMD to real images falls).
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { planPhases } from '../../src/compile/plan.js';
import { exampleWidth } from '../../src/data/dataset.js';
import { tinyDigits } from '../../src/data/synthetic.js';
import type { Model, Phase } from '../../src/dsl/ast.js';
import { createTrainer, type LossRecord, type Trainer } from '../../src/runtime/trainer.js';
import { buildVaeGan, vaeGan, vaeGanDefaults } from '../../src/zoo/vae-gan.js';
import { planOf } from '../compile/fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const phases = (m: Model): readonly Phase[] =>
  m.schedule.flatMap((s) => (s.kind === 'phase' ? [s] : s.phases));

describe('vae-gan compiles', () => {
  it('with its defaults, sequentially, and with every feature layer of its critic', () => {
    planOf(vaeGan.build(vaeGan.defaults));
    planOf(buildVaeGan({ ...vaeGanDefaults, steps: 'sequential' }));
    planOf(buildVaeGan({ ...vaeGanDefaults, featureLayer: 1, form: 'minimax' }));
  });

  it('refuses a feature layer the critic does not have, at the features node', () => {
    const r = compile(buildVaeGan({ ...vaeGanDefaults, featureLayer: 3 }));
    expect(E.isLeft(r) && r.left.map((e) => e.message).join('\n')).toMatch(
      /features of net 'discriminator' must take a whole number of its layers from 1 to 5, got 6/,
    );
  });
});

describe('vae-gan follows the seed (Algorithm 1 of §2.3)', () => {
  it('encoder, decoder, discriminator: one simultaneous group by default, each moving one net', () => {
    const m = vaeGan.build(vaeGan.defaults);
    expect(m.schedule.map((s) => s.kind)).toEqual(['simultaneous']);
    expect(phases(m).map((p) => [p.name, p.update])).toEqual([
      ['encoder', ['encoder']],
      ['decoder', ['decoder']],
      ['discriminator', ['discriminator']],
    ]);
    const sequential = buildVaeGan({ ...vaeGanDefaults, steps: 'sequential' });
    expect(sequential.schedule.map((s) => s.kind)).toEqual(['phase', 'phase', 'phase']);
  });

  it('the encoder and decoder read the critic features Dis_l of x and of Dec(z); GAN terms stay off the encoder', () => {
    const plan = planOf(vaeGan.build(vaeGan.defaults));
    const [encoder, decoder, discriminator] = planPhases(plan);
    const ops = (p: typeof encoder) => p?.program.instrs.map((i) => i.op) ?? [];
    // Dis_2 is the second hidden ReLU layer: four declared layers, two lowered (fused) layers.
    for (const p of [encoder, decoder])
      expect(ops(p).filter((o) => o.kind === 'features')).toEqual([
        expect.objectContaining({ net: 'discriminator', layers: 2 }),
        expect.objectContaining({ net: 'discriminator', layers: 2 }),
      ]);
    expect(ops(encoder).some((o) => o.kind === 'ganGenerator' || o.kind === 'ganCritic')).toBe(false);
    expect(ops(encoder).some((o) => o.kind === 'klGaussian')).toBe(true);
    // The decoder is the generator on both fake sets; the discriminator scores x against both.
    expect(ops(decoder).find((o) => o.kind === 'ganGenerator')).toMatchObject({
      fake: [expect.any(Number), expect.any(Number)],
    });
    expect(ops(discriminator).find((o) => o.kind === 'ganCritic')).toMatchObject({
      fake: [expect.any(Number), expect.any(Number)],
    });
    expect(ops(discriminator).some((o) => o.kind === 'features')).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------------
// training
// -------------------------------------------------------------------------------------------------

const digits = tinyDigits(300, { seed: 7, side: 8 });
const width = exampleWidth(digits.shape);
const real = Array.from({ length: 200 }, (_, i) => Array.from(digits.x.slice(i * width, (i + 1) * width)));

/** Biased squared MMD under exp(−‖a−b‖²/2σ²), by hand (σ = 3 suits 64 pixels in [0, 1]). */
const mmd2 = (a: number[][], b: number[][], sigma = 3): number => {
  const k = (u: number[], v: number[]) =>
    Math.exp(-u.reduce((acc, ui, i) => acc + (ui - (v[i] ?? 0)) ** 2, 0) / (2 * sigma * sigma));
  const meanK = (p: number[][], q: number[][]) =>
    p.reduce((acc, u) => acc + q.reduce((s, v) => s + k(u, v), 0), 0) / (p.length * q.length);
  return meanK(a, a) + meanK(b, b) - 2 * meanK(a, b);
};

const samples = async (trainer: Trainer): Promise<number[][]> => {
  const t = trainer.evalView('sample', undefined, 200, { seed: 3 });
  const values = (await t.array()) as number[][];
  t.dispose();
  return values;
};

const mean = (records: readonly LossRecord[], phase: string): number =>
  records.reduce((acc, r) => acc + (r.losses[phase] ?? Number.NaN), 0) / records.length;

describe('vae-gan trains on tiny digits', () => {
  it('finite losses; the discriminator separates x from x̃ and x_p; samples approach the data', async () => {
    const model = buildVaeGan(
      { ...vaeGanDefaults, hidden: 32, latent: 2, learningRate: 1e-3 },
      { x: digits.shape, classes: digits.classes },
    );
    const trainer = createTrainer({ plan: planOf(model), data: digits, batchSize: 50, seed: 11 });
    const before = mmd2(await samples(trainer), real);
    for (let i = 0; i < 100; i++) trainer.step();
    const after = mmd2(await samples(trainer), real);
    const records = await trainer.readLosses();
    trainer.dispose();
    expect(records.every((r) => Object.values(r.losses).every(Number.isFinite))).toBe(true);
    expect(Object.keys(records[0]?.losses ?? {})).toEqual(['encoder', 'decoder', 'discriminator']);
    // Three log-loss terms start near 3·log 2 ≈ 2.08 (an undecided critic).
    const first = records[0]?.losses['discriminator'] ?? Number.NaN;
    expect(first).toBeGreaterThan(1.9);
    expect(mean(records.slice(-10), 'discriminator')).toBeLessThan(0.75 * first);
    expect(after).toBeLessThan(0.8 * before);
  });
});
