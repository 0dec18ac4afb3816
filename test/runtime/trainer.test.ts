import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ring } from '../../src/data/synthetic.js';
import { createTrainer, type LossRecord, type Trainer } from '../../src/runtime/trainer.js';
import {
  apply,
  dense,
  input,
  model,
  net,
  phase,
  reconstruction,
  seq,
  sgd,
  simultaneous,
} from '../../src/dsl/index.js';
import { compileOrThrow, tinyAaeWithState } from './models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = ring(256, { seed: 3 });

const run = async (trainer: Trainer, steps: number): Promise<LossRecord[]> => {
  const out: LossRecord[] = [];
  for (let i = 0; i < steps; i++) trainer.step();
  out.push(...(await trainer.readLosses()));
  return out;
};

describe('trainer', () => {
  it('runs the schedule and reports one loss per phase per iteration', async () => {
    const trainer = createTrainer({ plan: compileOrThrow(tinyAaeWithState()), data, batchSize: 32, seed: 1 });
    const records = await run(trainer, 5);
    expect(records.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5]);
    for (const r of records) expect(Object.keys(r.losses)).toEqual(['reconstruction', 'critic', 'generator']);
    expect(trainer.iteration).toBe(5);
    expect(trainer.stepsPerEpoch).toBe(8);
    trainer.dispose();
  });

  it('same seed → identical losses; another seed → different losses', async () => {
    const plan = compileOrThrow(tinyAaeWithState());
    const losses = async (seed: number): Promise<LossRecord[]> => {
      const t = createTrainer({ plan, data, batchSize: 32, seed });
      const r = await run(t, 10);
      t.dispose();
      return r;
    };
    const a = await losses(7);
    const b = await losses(7);
    const c = await losses(8);
    expect(b).toEqual(a);
    expect(c[0]?.losses).not.toEqual(a[0]?.losses);
  });

  it('keeps the tensor count flat across 100 steps', async () => {
    const trainer = createTrainer({ plan: compileOrThrow(tinyAaeWithState()), data, batchSize: 32, seed: 2 });
    await run(trainer, 3); // optimizer slots are created on the first steps
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      trainer.step();
      if (i % 10 === 9) await trainer.readLosses();
    }
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});

describe('batches', () => {
  /** Two phases minimizing the same loss with a negligible step, the second `repeat` times. */
  const twin = (repeat: number) =>
    compileOrThrow(
      model('twin', {
        data: { x: [2], classes: 8 },
        nets: [net('ae', seq(dense(2)))],
        schedule: [
          phase('a', {
            minimize: reconstruction(input(), apply(net('ae', []), input()), 'mse'),
            update: ['ae'],
            optimizer: sgd(1e-12),
          }),
          phase('b', {
            minimize: reconstruction(input(), apply(net('ae', []), input()), 'mse'),
            update: ['ae'],
            optimizer: sgd(1e-12),
            repeat,
          }),
        ],
      }),
    );

  it('every phase reading a stream sees the iteration batch', async () => {
    const trainer = createTrainer({ plan: twin(1), data, batchSize: 16, seed: 3 });
    const records = await run(trainer, 5);
    for (const r of records) expect(r.losses['b']).toBe(r.losses['a']);
    expect(trainer.progress().streams['train']?.position).toBe(5 * 16);
    trainer.dispose();
  });

  it('a repeated phase takes fresh batches for its extra steps', async () => {
    const trainer = createTrainer({ plan: twin(3), data, batchSize: 16, seed: 3 });
    const records = await run(trainer, 2);
    for (const r of records) expect(r.losses['b']).not.toBe(r.losses['a']);
    // Per iteration: one batch for the iteration, two more for b's extra repeats.
    expect(trainer.progress().streams['train']?.position).toBe(2 * 3 * 16);
    trainer.dispose();
  });
});

describe('views', () => {
  it('evaluate in inference mode: dropout off, fixed seeds reproduce draws, rows as asked', () => {
    const trainer = createTrainer({ plan: compileOrThrow(tinyAaeWithState()), data, batchSize: 32, seed: 2 });
    const input = { x: data.x.subarray(0, 20), rows: 10 };
    const a = trainer.evalView('encode', input);
    const b = trainer.evalView('encode', input);
    expect(a.shape).toEqual([10, 2]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const s1 = trainer.evalView('sample', undefined, 7, { seed: 5 });
    const s2 = trainer.evalView('sample', undefined, 7, { seed: 5 });
    const s3 = trainer.evalView('sample', undefined, 7);
    expect(s1.shape).toEqual([7, 2]);
    expect(Array.from(s1.dataSync())).toEqual(Array.from(s2.dataSync()));
    expect(Array.from(s3.dataSync())).not.toEqual(Array.from(s1.dataSync()));
    tf.dispose([a, b, s1, s2, s3]);
    trainer.dispose();
  });

  it('explain what is missing: a view the model lacks, a view that needs input', () => {
    const trainer = createTrainer({ plan: compileOrThrow(tinyAaeWithState()), data, batchSize: 32, seed: 2 });
    expect(() => trainer.evalView('classify')).toThrow(
      "model 'tiny-aae' has no 'classify' view (it offers: sample, encode, prior, reconstruct)",
    );
    expect(() => trainer.evalView('encode')).toThrow(
      "view 'encode' reads the input batch, but none was given",
    );
    trainer.dispose();
  });

  it('rejects data of the wrong shape, naming both shapes', () => {
    const plan = compileOrThrow(tinyAaeWithState());
    const wide = ring(10, { seed: 1 });
    expect(() =>
      createTrainer({ plan: { ...plan, data: { x: [3], classes: 8 } }, data: wide, batchSize: 4, seed: 1 }),
    ).toThrow("model 'tiny-aae' expects examples of shape [3], but dataset 'ring(8)' has [2]");
  });
});

describe('simultaneous groups', () => {
  /** Two phases on one loss: `first` moves f, `second` moves g; sequential or simultaneous. */
  const pair = (together: boolean) => {
    const loss = reconstruction(input(), apply(net('g', []), apply(net('f', []), input())), 'mse');
    const first = phase('first', { minimize: loss, update: ['f'], optimizer: sgd(0.1) });
    const second = phase('second', { minimize: loss, update: ['g'], optimizer: sgd(0.1) });
    return compileOrThrow(
      model('pair', {
        data: { x: [2], classes: 8 },
        nets: [net('f', seq(dense(3))), net('g', seq(dense(2)))],
        schedule: together ? [simultaneous(first, second)] : [first, second],
      }),
    );
  };

  it('take every gradient before applying any (sequential phases see their predecessor’s step)', async () => {
    const together = createTrainer({ plan: pair(true), data, batchSize: 16, seed: 3 });
    const inTurn = createTrainer({ plan: pair(false), data, batchSize: 16, seed: 3 });
    const [t] = await run(together, 1);
    const [s] = await run(inTurn, 1);
    expect(t?.losses['second']).toBe(t?.losses['first']);
    expect(s?.losses['first']).toBe(t?.losses['first']);
    expect(s?.losses['second']).toBeLessThan(s?.losses['first'] ?? Number.NaN);
    together.dispose();
    inTurn.dispose();
  });
});
