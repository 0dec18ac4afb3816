/**
 * Learning-rate schedules and gradient clipping: the curve itself, the rate each tfjs optimizer
 * actually applies, clipping by global norm, and their effect inside a trainer (including a
 * resumed one, which must continue the same curve).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, explain } from '../../src/compile/index.js';
import { ring } from '../../src/data/synthetic.js';
import type { Optimizer } from '../../src/dsl/ast.js';
import { decodeModel, encodeModel } from '../../src/dsl/codec.js';
import {
  adam,
  cosineDecay,
  exponentialDecay,
  learningRateFactor,
  rmsprop,
  sgd,
  stepDecay,
} from '../../src/dsl/index.js';
import { restoreTrainer, saveCheckpoint } from '../../src/runtime/checkpoint.js';
import { applyClipped, createOptimizer, scheduleRate } from '../../src/runtime/optimizers.js';
import { createTrainer, type Trainer } from '../../src/runtime/trainer.js';
import { compileOrThrow, tinyAae } from './models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('learningRateFactor', () => {
  it('step: factor^⌊t / every⌋', () => {
    const s = stepDecay({ every: 100, factor: 0.1 });
    expect(learningRateFactor(s, 0)).toBe(1);
    expect(learningRateFactor(s, 99)).toBe(1);
    expect(learningRateFactor(s, 100)).toBeCloseTo(0.1, 12);
    expect(learningRateFactor(s, 250)).toBeCloseTo(0.01, 12);
  });

  it('exponential: factor^(t / every), held at the floor', () => {
    const s = exponentialDecay({ every: 600, factor: 0.5, floor: 0.1 });
    expect(learningRateFactor(s, 0)).toBe(1);
    expect(learningRateFactor(s, 300)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(learningRateFactor(s, 1200)).toBeCloseTo(0.25, 12);
    expect(learningRateFactor(s, 60000)).toBe(0.1);
  });

  it('cosine: 1 at the start, the midpoint halfway, the floor at the end and after', () => {
    const s = cosineDecay({ iterations: 1000, floor: 0.2 });
    expect(learningRateFactor(s, 0)).toBe(1);
    expect(learningRateFactor(s, 500)).toBeCloseTo(0.6, 12);
    expect(learningRateFactor(s, 1000)).toBeCloseTo(0.2, 12);
    expect(learningRateFactor(s, 5000)).toBeCloseTo(0.2, 12);
  });

  it('no schedule: 1 at every iteration', () => {
    expect(learningRateFactor(undefined, 123456)).toBe(1);
  });
});

/** One update of f(θ) = ½‖θ‖² (gradient θ) from θ = `start`; returns θ afterwards. */
const oneUpdate = (spec: Optimizer, t: number, start: number[], clipNorm?: number): number[] => {
  const optimizer = createOptimizer(spec);
  const theta = tf.variable(tf.tensor1d(start));
  scheduleRate(optimizer, spec, t);
  const loss = (): tf.Scalar => tf.mul(0.5, tf.sum(tf.square(theta)));
  if (clipNorm === undefined) optimizer.minimize(loss, false, [theta]);
  else applyClipped(optimizer, optimizer.computeGradients(loss, [theta]), clipNorm).dispose();
  const out = Array.from(theta.dataSync());
  theta.dispose();
  optimizer.dispose();
  return out;
};

describe('the rate each optimizer applies', () => {
  const schedule = stepDecay({ every: 10, factor: 0.5 });

  it('sgd and momentum read the scheduled rate (their kept scalar is refreshed)', () => {
    // θ₁ = θ₀ − lr·θ₀: at t = 20 the rate is 0.4 · 0.25 = 0.1, so θ₁ = 0.9 θ₀.
    for (const spec of [
      sgd(0.4, { lrSchedule: schedule }),
      sgd(0.4, { momentum: 0.9, lrSchedule: schedule }),
    ]) {
      const [a, b] = oneUpdate(spec, 20, [1, -2]);
      expect(a).toBeCloseTo(0.9, 6);
      expect(b).toBeCloseTo(-1.8, 6);
    }
  });

  it("adam's first step moves each coordinate by the scheduled rate", () => {
    // Adam's bias-corrected first step is lr · g / (|g| + ε) ≈ lr · sign(g).
    const [a, b] = oneUpdate(adam(0.4, { lrSchedule: schedule }), 20, [1, -2]);
    expect(a).toBeCloseTo(0.9, 5);
    expect(b).toBeCloseTo(-1.9, 5);
  });

  it('rmsprop reads the scheduled rate', () => {
    const unscheduled = oneUpdate(rmsprop(0.1), 0, [1, -2]);
    const scheduled = oneUpdate(rmsprop(0.4, { lrSchedule: schedule }), 20, [1, -2]);
    expect(scheduled[0]).toBeCloseTo(unscheduled[0] as number, 6);
    expect(scheduled[1]).toBeCloseTo(unscheduled[1] as number, 6);
  });
});

describe('clipping by global norm', () => {
  it('rescales a gradient longer than the bound to that length, keeping its direction', () => {
    // ∇ = θ₀ = (3, −4), norm 5; clipped to 1 → (0.6, −0.8); plain SGD at rate 1.
    const [a, b] = oneUpdate(sgd(1), 0, [3, -4], 1);
    expect(a).toBeCloseTo(3 - 0.6, 5);
    expect(b).toBeCloseTo(-4 + 0.8, 5);
  });

  it('leaves a shorter gradient unchanged', () => {
    const [a, b] = oneUpdate(sgd(0.5), 0, [3, -4], 100);
    expect(a).toBeCloseTo(1.5, 6);
    expect(b).toBeCloseTo(-2, 6);
  });
});

describe('in a trainer', () => {
  const data = ring(96, { seed: 3 });
  const configWith = (optimizer: Optimizer): Parameters<typeof createTrainer>[0] => ({
    plan: compileOrThrow(tinyAae({ reconstructionOptimizer: optimizer })),
    data,
    batchSize: 16,
    seed: 5,
  });
  const decoderWeights = (trainer: Trainer): Float32Array[] =>
    [...trainer.variables.entries()]
      .filter(([name]) => name.startsWith('decoder'))
      .map(([, v]) => v.dataSync().slice() as Float32Array);
  const change = (a: Float32Array[], b: Float32Array[]): number =>
    a.reduce((m, w, i) => Math.max(m, ...w.map((x, j) => Math.abs(x - (b[i] as Float32Array)[j]!))), 0);

  it('a step schedule that drops the rate to ~0 after 4 iterations freezes the nets only that phase moves', async () => {
    // Only the reconstruction phase updates the decoder.
    const trainer = createTrainer(
      configWith(adam(1e-2, { lrSchedule: stepDecay({ every: 4, factor: 1e-9 }) })),
    );
    const at0 = decoderWeights(trainer);
    for (let i = 0; i < 4; i++) trainer.step();
    const at4 = decoderWeights(trainer);
    for (let i = 0; i < 4; i++) trainer.step();
    const at8 = decoderWeights(trainer);
    await trainer.readLosses();
    trainer.dispose();
    expect(change(at0, at4)).toBeGreaterThan(1e-3);
    expect(change(at4, at8)).toBeLessThan(1e-8);
  });

  it('a resumed trainer continues the same curve (the rate depends on the iteration only)', async () => {
    const config = configWith(
      sgd(0.05, { momentum: 0.5, lrSchedule: cosineDecay({ iterations: 10 }), clipNorm: 1 }),
    );
    const straight = createTrainer(config);
    for (let i = 0; i < 12; i++) straight.step();
    const expected = await straight.readLosses();
    const first = createTrainer(config);
    for (let i = 0; i < 6; i++) first.step();
    const before = await first.readLosses();
    const dir = mkdtempSync(join(tmpdir(), 'saddle-schedule-'));
    await saveCheckpoint(dir, first);
    first.dispose();
    const resumed = await restoreTrainer(dir, config);
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < 6; i++) resumed.step();
    const after = await resumed.readLosses();
    straight.dispose();
    resumed.dispose();
    expect([...before, ...after]).toEqual(expected);
  });

  it('clipping keeps the tensor count flat across steps', async () => {
    const trainer = createTrainer(configWith(adam(1e-2, { clipNorm: 0.5 })));
    trainer.step();
    await trainer.readLosses();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) trainer.step();
    await trainer.readLosses();
    expect(tf.memory().numTensors).toBe(count);
    trainer.dispose();
  });
});

describe('in the language', () => {
  const withOptimizer = (optimizer: Optimizer) => tinyAae({ reconstructionOptimizer: optimizer });

  it('a schedule and a clip norm survive encode → decode', () => {
    const m = withOptimizer(
      adam(1e-3, { lrSchedule: exponentialDecay({ every: 600, factor: 0.5, floor: 0.05 }), clipNorm: 5 }),
    );
    const back = decodeModel(JSON.parse(JSON.stringify(encodeModel(m))));
    expect(back).toEqual(E.right(m));
  });

  it('explain prints them beside the optimizer', () => {
    const plan = compile(
      withOptimizer(
        sgd(0.01, { momentum: 0.9, lrSchedule: stepDecay({ every: 30000, factor: 0.1 }), clipNorm: 10 }),
      ),
    );
    if (E.isLeft(plan)) throw new Error('expected a plan');
    expect(explain(plan.right)).toContain(
      'sgd(lr 0.01, momentum 0.9); lr × 0.1 every 30000 iterations; gradients clipped to norm 10',
    );
  });

  it('out-of-range schedules and clip norms are compile errors at their paths', () => {
    const bad = compile(
      withOptimizer(adam(1e-3, { lrSchedule: cosineDecay({ iterations: 0, floor: 1.5 }), clipNorm: -1 })),
    );
    if (E.isRight(bad)) throw new Error('expected errors');
    const paths = bad.left.map((e) => `${e.path}: ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/optimizer\.clipNorm: clipNorm \(a gradient norm\) must be > 0/),
        expect.stringMatching(
          /optimizer\.lrSchedule\.iterations: cosine decay iterations must be a positive integer/,
        ),
        expect.stringMatching(/optimizer\.lrSchedule\.floor: cosine decay floor .* must be in \[0, 1\]/),
      ]),
    );
  });

  it('a spec with a malformed schedule is a decode error naming its path', () => {
    const spec = JSON.parse(JSON.stringify(encodeModel(withOptimizer(adam(1e-3))))) as {
      schedule: { optimizer: Record<string, unknown> }[];
    };
    (spec.schedule[0] as { optimizer: Record<string, unknown> }).optimizer['lrSchedule'] = { kind: 'linear' };
    const decoded = decodeModel(spec);
    if (E.isRight(decoded)) throw new Error('expected a decode error');
    expect(decoded.left.map((e) => e.path)).toContain('schedule[0].optimizer.lrSchedule.kind');
  });
});
