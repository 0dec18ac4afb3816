/**
 * `bavae`: the plan is eq. 19 (both critics maximize, encoder and decoder minimize both game
 * values), the compiler's game sign rule guards the f-GAN games like any other, and a tiny
 * Biadversarial VAE trained by the two games alone (no reconstruction loss) learns a decoder whose
 * samples approach the data and whose reconstructions belong to their own inputs.
 * The critics' optima are tested on discrete distributions in `test/runtime/critic-optima.test.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { planPhases } from '../../src/compile/plan.js';
import { exampleWidth, type Dataset } from '../../src/data/dataset.js';
import { tinyDigits } from '../../src/data/synthetic.js';
import type { DataDecl, Model, Phase } from '../../src/dsl/ast.js';
import { decodeModel, encodeModel } from '../../src/dsl/codec.js';
import { createTrainer, type Trainer } from '../../src/runtime/trainer.js';
import { bavae, bavaeDefaults, buildBavae } from '../../src/zoo/bavae.js';
import { planOf as compiled } from '../compile/fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const phasesOf = (m: Model): Phase[] => m.schedule.filter((s): s is Phase => s.kind === 'phase');

describe('bavae plan', () => {
  it('compiles with its defaults; critics read (x, z) pairs', () => {
    const plan = compiled(bavae.build(bavae.defaults));
    expect(plan.model).toBe('bavae');
    const widths = Object.fromEntries(plan.nets.map((n) => [n.name, [n.inShape, n.outShape]]));
    expect(widths).toEqual({
      encoder: [[784 + 8], [8]],
      decoder: [[8 + 8], [784]],
      posteriorCritic: [[784 + 8], [1]],
      decoderCritic: [[784 + 8], [1]],
    });
  });

  it('phases follow eq. 19: both critics maximize, then encoder and decoder minimize', () => {
    const m = bavae.build(bavae.defaults);
    expect(phasesOf(m).map((p) => [p.name, p.update])).toEqual([
      ['critics', ['posteriorCritic', 'decoderCritic']],
      ['autoencoder', ['encoder', 'decoder']],
    ]);
    const [critics, autoencoder] = planPhases(compiled(m));
    const games = (p: typeof critics) =>
      p?.program.instrs.flatMap((i) =>
        i.op.kind === 'fganCritic' || i.op.kind === 'fganGenerator'
          ? [`${i.op.kind} ${i.op.divergence}`]
          : [],
      );
    expect(games(critics)).toEqual(['fganCritic reverseKL', 'fganCritic forwardKL']);
    expect(games(autoencoder)).toEqual(['fganGenerator reverseKL', 'fganGenerator forwardKL']);
    expect(autoencoder?.terms.map((t) => t.label)).toEqual([
      'loss',
      'fgan generator of posteriorCritic',
      'fgan generator of decoderCritic',
    ]);
  });

  it('round-trips through the JSON codec', () => {
    const m = buildBavae({ ...bavaeDefaults, latent: 3, hidden: [16] });
    expect(decodeModel(JSON.parse(JSON.stringify(encodeModel(m))))).toEqual(E.right(m));
  });

  it('the game sign rule holds for f-GAN games: the classic sign bugs are rejected', () => {
    const m = bavae.build(bavae.defaults);
    const [critics, autoencoder] = phasesOf(m);
    if (critics === undefined || autoencoder === undefined) throw new Error('bavae has two phases');
    const paths = (schedule: Phase[]) => {
      const r = compile({ ...m, schedule });
      return E.isLeft(r) ? r.left.map((e) => e.path) : [];
    };
    // Encoder and decoder also moved by the critics' loss: they would learn to help the critics
    // (one error per net the critic scores: the encoder in both games, the decoder in its own).
    expect(paths([{ ...critics, update: [...critics.update, 'encoder', 'decoder'] }, autoencoder])).toEqual([
      'schedule[0].minimize.terms[0]',
      'schedule[0].minimize.terms[1]',
      'schedule[0].minimize.terms[1]',
    ]);
    // The critics moved by the generator views: they would learn to lose.
    expect(paths([critics, { ...autoencoder, update: ['encoder', 'decoder', 'decoderCritic'] }])).toEqual([
      'schedule[1].minimize.terms[1]',
    ]);
  });
});

// -------------------------------------------------------------------------------------------------
// training
// -------------------------------------------------------------------------------------------------

const digits: Dataset = tinyDigits(300, { seed: 7, side: 8 });
const tiny: DataDecl = { x: digits.shape, classes: digits.classes };
const width = exampleWidth(digits.shape);
const probe = { x: digits.x.slice(0, 200 * width), rows: 200 };
const images = Array.from({ length: 200 }, (_, i) => Array.from(digits.x.slice(i * width, (i + 1) * width)));

const squaredDistance = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, ai, i) => s + (ai - (b[i] ?? 0)) ** 2, 0);

/** Biased squared MMD under exp(−‖a−b‖²/2σ²), by hand. */
const mmd2 = (a: number[][], b: number[][], sigma: number): number => {
  const meanK = (u: number[][], v: number[][]) =>
    u.reduce(
      (acc, r) => acc + v.reduce((s, c) => s + Math.exp(-squaredDistance(r, c) / (2 * sigma ** 2)), 0),
      0,
    ) /
    (u.length * v.length);
  return meanK(a, a) + meanK(b, b) - 2 * meanK(a, b);
};

const viewRows = async (t: tf.Tensor): Promise<number[][]> => {
  const rows = (await t.array()) as number[][];
  t.dispose();
  return rows;
};

/** Sample-to-data MMD, and the reconstruction error against each row's own input and against another row's. */
const measure = async (trainer: Trainer) => {
  const samples = await viewRows(trainer.evalView('sample', undefined, 200, { seed: 4 }));
  const reconstructed = await viewRows(trainer.evalView('reconstruct', probe));
  const error = (shift: number) =>
    reconstructed.reduce((s, r, i) => s + squaredDistance(r, images[(i + shift) % 200] ?? []), 0) / 200;
  return { mmd: mmd2(samples, images, 3), own: error(0), other: error(7) };
};

describe('bavae trains on tiny digits', () => {
  it('with the two games alone, samples approach the data and reconstructions match their inputs', async () => {
    const model = buildBavae(
      {
        ...bavaeDefaults,
        hidden: [32],
        criticHidden: [32],
        latent: 2,
        encoderNoise: 2,
        decoderNoise: 2,
        learningRate: 2e-3,
        criticLr: 2e-3,
      },
      tiny,
    );
    const trainer = createTrainer({ plan: compiled(model), data: digits, batchSize: 50, seed: 11 });
    const before = await measure(trainer);
    for (let i = 0; i < 300; i++) trainer.step();
    const records = await trainer.readLosses();
    const after = await measure(trainer);
    trainer.dispose();

    expect(records.every((r) => Object.values(r.losses).every(Number.isFinite))).toBe(true);
    // The decoder critic's forward KL pulls the model's samples toward the data.
    expect(after.mmd).toBeLessThan(0.6 * before.mmd);
    // On (x, z) pairs it also ties x̃ to the x its code came from: before training a
    // reconstruction is as far from its own input as from another one.
    expect(before.own / before.other).toBeGreaterThan(0.97);
    expect(after.own / after.other).toBeLessThan(0.93);
  });
});
