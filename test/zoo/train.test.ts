/**
 * Every zoo entry trains: a few hundred tiny steps on the 8 × 8 tiny-digits stand-in for MNIST
 * (each builder takes the dataset's declaration; `aae`, which is fixed to MNIST's 784 pixels,
 * trains on 28 × 28 tiny digits for fewer steps) with finite losses, plus the behaviour its
 * paper is about — MMD-AE's codes approach the prior, the clustering head becomes confident, the
 * labeled cross-entropy of the semi-supervised AAE falls, the VAE's bound falls.
 *
 * Small option values (hidden 16, latent 2), fixed seeds, the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { exampleWidth, type Dataset } from '../../src/data/dataset.js';
import { tinyDigits } from '../../src/data/synthetic.js';
import type { DataDecl, Model, ViewName } from '../../src/dsl/ast.js';
import { createTrainer, type LossRecord, type Trainer } from '../../src/runtime/trainer.js';
import { aae } from '../../src/zoo/aae.js';
import { aaeClusteringDefaults, buildAaeClustering } from '../../src/zoo/aae-clustering.js';
import { aaeDimredDefaults, buildAaeDimred } from '../../src/zoo/aae-dimred.js';
import { aaeSemisupervisedDefaults, buildAaeSemisupervised } from '../../src/zoo/aae-semisupervised.js';
import { aaeSupervisedDefaults, buildAaeSupervised } from '../../src/zoo/aae-supervised.js';
import { buildMmdAe, mmdAeDefaults } from '../../src/zoo/mmd-ae.js';
import { buildVae, vaeDefaults } from '../../src/zoo/vae.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** An MNIST stand-in small enough to train in a second: 8 × 8 seven-segment digits, 10 classes. */
const digits: Dataset = tinyDigits(300, { seed: 7, side: 8 });
const tiny: DataDecl = { x: digits.shape, classes: digits.classes };
const width = exampleWidth(digits.shape);
const probe = { x: digits.x.slice(0, 200 * width), labels: digits.labels?.slice(0, 200), rows: 200 };

const trainerFor = (model: Model, data: Dataset = digits, batchSize = 50): Trainer => {
  const plan = compile(model);
  if (E.isLeft(plan)) throw new Error(plan.left.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return createTrainer({ plan: plan.right, data, batchSize, seed: 11 });
};

/** Run `steps` iterations and read every loss record. */
const run = async (trainer: Trainer, steps: number): Promise<LossRecord[]> => {
  for (let i = 0; i < steps; i++) trainer.step();
  return trainer.readLosses();
};

/** Mean of one phase's loss over a window of records. */
const mean = (records: readonly LossRecord[], phase: string): number =>
  records.reduce((acc, r) => acc + (r.losses[phase] ?? Number.NaN), 0) / records.length;

const allFinite = (records: readonly LossRecord[]): boolean =>
  records.every((r) => Object.values(r.losses).every((v) => Number.isFinite(v)));

/** Evaluate a view on the probe batch (or `rows` prior draws) and download it. */
const view = async (trainer: Trainer, name: ViewName, rows?: number): Promise<number[][]> => {
  const t =
    rows === undefined
      ? trainer.evalView(name, {
          x: probe.x,
          rows: probe.rows,
          ...(probe.labels ? { labels: probe.labels } : {}),
        })
      : trainer.evalView(name, undefined, rows, { seed: 3 });
  const values = (await t.array()) as number[][];
  t.dispose();
  return values;
};

/** Biased squared MMD under an RBF kernel exp(−‖a−b‖²/2σ²), computed by hand. */
const mmd2 = (a: number[][], b: number[][], sigma = 1): number => {
  const k = (u: number[], v: number[]) =>
    Math.exp(-u.reduce((acc, ui, i) => acc + (ui - (v[i] ?? 0)) ** 2, 0) / (2 * sigma * sigma));
  const meanK = (p: number[][], q: number[][]) =>
    p.reduce((acc, u) => acc + q.reduce((s, v) => s + k(u, v), 0), 0) / (p.length * q.length);
  return meanK(a, a) + meanK(b, b) - 2 * meanK(a, b);
};

const meanMaxProbability = (probs: number[][]): number =>
  probs.reduce((acc, row) => acc + Math.max(...row), 0) / probs.length;

const small = { hidden: 16 };

describe('zoo entries train on tiny digits', () => {
  it('aae: finite losses, reconstruction falls', async () => {
    const trainer = trainerFor(
      aae.build({ ...aae.defaults, ...small, latent: 2 }),
      tinyDigits(100, { seed: 7, side: 28 }),
    );
    const records = await run(trainer, 30);
    trainer.dispose();
    expect(records).toHaveLength(30);
    expect(allFinite(records)).toBe(true);
    expect(mean(records.slice(-10), 'reconstruction')).toBeLessThan(
      mean(records.slice(0, 10), 'reconstruction'),
    );
  });

  it('aae-supervised: finite losses on the labeled stream, reconstruction falls', async () => {
    const trainer = trainerFor(buildAaeSupervised({ ...aaeSupervisedDefaults, ...small, latent: 2 }, tiny));
    const records = await run(trainer, 120);
    const reconstructed = await view(trainer, 'reconstruct');
    const samples = await view(trainer, 'sample', 10);
    trainer.dispose();
    expect(allFinite(records)).toBe(true);
    expect(Object.keys(records[0]?.losses ?? {})).toEqual(['reconstruction', 'critic', 'generator']);
    expect(mean(records.slice(-10), 'reconstruction')).toBeLessThan(
      mean(records.slice(0, 10), 'reconstruction'),
    );
    expect(reconstructed).toHaveLength(200);
    expect(samples.map((r) => r.length)).toEqual(Array.from({ length: 10 }, () => width));
  });

  it('aae-semisupervised: the labeled cross-entropy falls', async () => {
    const trainer = trainerFor(
      buildAaeSemisupervised({ ...aaeSemisupervisedDefaults, ...small, latent: 2, labels: 50 }, tiny),
    );
    const records = await run(trainer, 200);
    trainer.dispose();
    expect(allFinite(records)).toBe(true);
    const before = mean(records.slice(0, 10), 'classification');
    const after = mean(records.slice(-10), 'classification');
    // Starts near log 10 (a uniform guess over ten classes) and must be well below it.
    expect(before).toBeGreaterThan(1.8);
    expect(after).toBeLessThan(0.75 * before);
  });

  it('aae-clustering: cluster assignments become confident', async () => {
    const trainer = trainerFor(
      buildAaeClustering(
        { ...aaeClusteringDefaults, ...small, latent: 2, clusters: 10, generatorLr: 1e-3 },
        tiny,
      ),
    );
    const before = meanMaxProbability(await view(trainer, 'classify'));
    const records = await run(trainer, 200);
    const after = meanMaxProbability(await view(trainer, 'classify'));
    trainer.dispose();
    expect(allFinite(records)).toBe(true);
    expect(before).toBeLessThan(0.3);
    expect(after).toBeGreaterThan(before + 0.2);
  });

  it('aae-dimred: finite losses, reconstruction falls, the code is n-dimensional', async () => {
    const trainer = trainerFor(buildAaeDimred({ ...aaeDimredDefaults, ...small, n: 2, clusters: 10 }, tiny));
    const records = await run(trainer, 120);
    const codes = await view(trainer, 'encode');
    const prior = await view(trainer, 'prior', 50);
    trainer.dispose();
    expect(allFinite(records)).toBe(true);
    expect(mean(records.slice(-10), 'reconstruction')).toBeLessThan(
      mean(records.slice(0, 10), 'reconstruction'),
    );
    expect(codes[0]).toHaveLength(2);
    expect(prior[0]).toHaveLength(2);
  });

  it('mmd-ae: the MMD between codes and prior draws falls, and only because of its MMD phase', async () => {
    const model = buildMmdAe({ ...mmdAeDefaults, hidden: [16, 16], latent: 2 }, tiny);
    const measure = async (trainer: Trainer) =>
      mmd2(await view(trainer, 'encode'), await view(trainer, 'prior', 200));
    const trainer = trainerFor(model, digits, 100);
    const before = await measure(trainer);
    const records = await run(trainer, 60);
    const after = await measure(trainer);
    trainer.dispose();
    // Control: the same autoencoder trained by its reconstruction phase alone.
    const control = trainerFor({ ...model, schedule: model.schedule.slice(0, 1) }, digits, 100);
    await run(control, 60);
    const unregularized = await measure(control);
    control.dispose();
    expect(allFinite(records)).toBe(true);
    expect(after).toBeLessThan(0.5 * before);
    expect(after).toBeLessThan(0.5 * unregularized);
  });

  it('vae: the negative ELBO falls', async () => {
    const trainer = trainerFor(buildVae({ ...vaeDefaults, ...small, latent: 2 }, tiny));
    const records = await run(trainer, 400);
    trainer.dispose();
    expect(allFinite(records)).toBe(true);
    expect(mean(records.slice(-10), 'elbo')).toBeLessThan(0.8 * mean(records.slice(0, 10), 'elbo'));
  });
});
