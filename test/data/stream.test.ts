import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { classHistogram, createDataset, DataError, type Dataset } from '../../src/data/dataset.js';
import {
  createStream,
  restoreStream,
  type Batch,
  type BatchStream,
  type StreamOptions,
  type StreamState,
} from '../../src/data/stream.js';

/** Example i is the row [i, i + 0.5, -i] with label i mod classes: batches reveal their origins. */
const numbered = (size: number, classes = 10): Dataset =>
  createDataset({
    name: 'numbered',
    x: Float32Array.from({ length: 3 * size }, (_, k) => {
      const i = Math.floor(k / 3);
      return k % 3 === 0 ? i : k % 3 === 1 ? i + 0.5 : -i;
    }),
    shape: [3],
    labels: Int32Array.from({ length: size }, (_, i) => i % classes),
    classes,
  });

const origins = (b: Batch): number[] => Array.from({ length: b.rows }, (_, r) => b.x[3 * r] ?? -1);

const take = (s: BatchStream, n: number): Batch[] => Array.from({ length: n }, () => s.next());

const options = (over: Partial<StreamOptions> = {}): StreamOptions => ({
  name: 'train',
  batchSize: 8,
  seed: 1,
  labels: 'all',
  ...over,
});

describe('createStream', () => {
  test.prop([fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 70 }), fc.integer()])(
    'serves every example at most once per epoch, all but size mod batch of them, rows intact',
    (size, batchSize, seed) => {
      const d = numbered(size);
      const s = createStream(d, options({ batchSize, seed }));
      const rows = Math.min(batchSize, size);
      expect(s.rows).toBe(rows);
      expect(s.stepsPerEpoch).toBe(Math.floor(size / rows));
      for (let epoch = 0; epoch < 3; epoch++) {
        expect(s.epoch).toBe(epoch);
        const seen = take(s, s.stepsPerEpoch).flatMap((b) => {
          expect(b.rows).toBe(rows);
          expect(b.x.length).toBe(rows * 3);
          origins(b).forEach((i, r) => {
            expect(b.x[3 * r + 1]).toBe(i + 0.5);
            expect(b.x[3 * r + 2]).toBe(-i);
            expect(b.labels?.[r]).toBe(i % 10);
          });
          return origins(b);
        });
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe(s.stepsPerEpoch * rows);
        expect(seen.every((i) => Number.isInteger(i) && i >= 0 && i < size)).toBe(true);
      }
      expect(s.epoch).toBe(3);
      expect(s.position).toBe(0);
    },
  );

  it('serves every example exactly once per epoch when the batch divides the set', () => {
    const s = createStream(numbered(40), options({ batchSize: 10 }));
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = take(s, 4).flatMap(origins);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
  });

  it('reshuffles every epoch', () => {
    const s = createStream(numbered(50), options({ batchSize: 50 }));
    const epochs = take(s, 3).map((b) => origins(b).join(','));
    expect(new Set(epochs).size).toBe(3);
    expect(epochs[0]).not.toBe(Array.from({ length: 50 }, (_, i) => i).join(','));
  });

  it('gives the whole shuffled set each batch when the set is smaller than the batch', () => {
    const s = createStream(numbered(30), options({ batchSize: 100 }));
    expect(s.rows).toBe(30);
    expect(s.stepsPerEpoch).toBe(1);
    const [a, b] = take(s, 2);
    for (const batch of [a, b]) {
      expect(batch?.rows).toBe(30);
      expect([...origins(batch as Batch)].sort((p, q) => p - q)).toEqual(
        Array.from({ length: 30 }, (_, i) => i),
      );
    }
    expect(origins(a as Batch)).not.toEqual(origins(b as Batch));
    expect(s.epoch).toBe(2);
  });

  test.prop([fc.integer(), fc.integer({ min: 1, max: 20 })])(
    'is deterministic in the seed',
    (seed, batchSize) => {
      const d = numbered(37);
      const a = take(createStream(d, options({ seed, batchSize })), 7).map(origins);
      const b = take(createStream(d, options({ seed, batchSize })), 7).map(origins);
      expect(a).toEqual(b);
    },
  );

  it('differs between seeds and between stream names', () => {
    const d = numbered(100);
    const first = (o: Partial<StreamOptions>): number[] => origins(createStream(d, options(o)).next());
    expect(first({ seed: 1 })).not.toEqual(first({ seed: 2 }));
    expect(first({ name: 'a' })).not.toEqual(first({ name: 'b' }));
  });

  it("hides labels for labels: 'none'", () => {
    const b = createStream(numbered(20), options({ labels: 'none' })).next();
    expect(b.labels).toBeNull();
    expect(b.rows).toBe(8);
  });

  it('rejects bad options, naming the stream', () => {
    const d = numbered(20);
    expect(() => createStream(d, options({ batchSize: 0 }))).toThrow(
      "stream 'train': batchSize must be a positive integer, got 0",
    );
    expect(() => createStream(d, options({ seed: 0.5 }))).toThrow(
      "stream 'train': seed must be an integer, got 0.5",
    );
    expect(() => createStream(d, options({ labels: { count: 15 } }))).toThrow(
      "stream 'train': labeled subset of 'numbered': count must be a positive multiple of its 10 classes (balanced per class), got 15",
    );
    expect(() => createStream(d, options({ labels: { count: 30 } }))).toThrow(
      /need 3 examples of class 0, it has 2/,
    );
    expect(() => createStream(numbered(0), options())).toThrow("stream 'train': dataset 'numbered' is empty");
  });
});

describe('labelled streams', () => {
  it('draw from a balanced labelled subset that is stable for a seed', () => {
    const d = numbered(1000);
    const s = createStream(d, options({ labels: { count: 100 }, batchSize: 100, seed: 3 }));
    expect(s.dataset.size).toBe(100);
    expect(classHistogram(s.dataset)).toEqual(new Array<number>(10).fill(10));
    const batch = s.next();
    expect(batch.rows).toBe(100);
    const chosen = [...origins(batch)].sort((a, b) => a - b);
    // Every epoch is the same 100 examples, reshuffled.
    expect([...origins(s.next())].sort((a, b) => a - b)).toEqual(chosen);
    const counts = new Array<number>(10).fill(0);
    for (const l of batch.labels ?? []) counts[l] = (counts[l] ?? 0) + 1;
    expect(counts).toEqual(new Array<number>(10).fill(10));
    // Same seed (even under another stream name or batch size): the same labelled examples.
    const again = createStream(
      d,
      options({ labels: { count: 100 }, batchSize: 25, seed: 3, name: 'labeled' }),
    );
    expect(
      take(again, 4)
        .flatMap(origins)
        .sort((a, b) => a - b),
    ).toEqual(chosen);
    // Another seed: other examples.
    const other = createStream(d, options({ labels: { count: 100 }, batchSize: 100, seed: 4 }));
    expect([...origins(other.next())].sort((a, b) => a - b)).not.toEqual(chosen);
  });
});

describe('state and restoreStream', () => {
  test.prop([
    fc.integer({ min: 1, max: 50 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer(),
    fc.integer({ min: 0, max: 30 }),
    fc.constantFrom<StreamOptions['labels']>('none', 'all', { count: 10 }),
  ])('restore continues identically, through a JSON round trip', (size, batchSize, seed, steps, labels) => {
    const d = numbered(size + 10);
    const o = options({ batchSize, seed, labels });
    const s = createStream(d, o);
    take(s, steps);
    const saved = JSON.parse(JSON.stringify(s.state())) as StreamState;
    expect(saved).toEqual({ seed, epoch: s.epoch, position: s.position });
    const resumed = restoreStream(d, o, saved);
    expect(resumed.epoch).toBe(s.epoch);
    expect(resumed.position).toBe(s.position);
    const expected = take(s, 10);
    const actual = take(resumed, 10);
    expect(actual.map(origins)).toEqual(expected.map(origins));
    expect(actual.map((b) => b.labels && [...b.labels])).toEqual(
      expected.map((b) => b.labels && [...b.labels]),
    );
  });

  it('keeps its state small: seed, epoch and position only', () => {
    const s = createStream(numbered(60_000, 10), options({ batchSize: 100 }));
    take(s, 601);
    expect(s.state()).toEqual({ seed: 1, epoch: 1, position: 100 });
  });

  it('rejects a state from another seed or an impossible position, naming the stream', () => {
    const d = numbered(20);
    const o = options({ batchSize: 8 });
    expect(() => restoreStream(d, o, { seed: 2, epoch: 0, position: 0 })).toThrow(
      "stream 'train': saved state was written with seed 2, but this run's seed is 1",
    );
    expect(() => restoreStream(d, o, { seed: 1, epoch: 0, position: 4 })).toThrow(
      "stream 'train': saved position 4 is not the start of a batch for 20 examples in batches of 8 (labels 'all')",
    );
    expect(() => restoreStream(d, o, { seed: 1, epoch: 0, position: 16 })).toThrow(DataError);
    expect(() => restoreStream(d, o, { seed: 1, epoch: -1, position: 0 })).toThrow(
      "stream 'train': saved epoch must be a non-negative integer, got -1",
    );
    expect(restoreStream(d, o, { seed: 1, epoch: 5, position: 8 }).position).toBe(8);
  });
});
