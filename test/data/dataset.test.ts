import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  classHistogram,
  createDataset,
  DataError,
  labeledSubset,
  subset,
  type Dataset,
} from '../../src/data/dataset.js';
import { createRng } from '../../src/data/rng.js';

/** Example i has features [i, -i] and label i mod classes: every row tells where it came from. */
const numbered = (size: number, classes: number): Dataset =>
  createDataset({
    name: 'numbered',
    x: Float32Array.from({ length: 2 * size }, (_, k) => (k % 2 === 0 ? k / 2 : -(k - 1) / 2)),
    shape: [2],
    labels: Int32Array.from({ length: size }, (_, i) => i % classes),
    classes,
  });

describe('createDataset', () => {
  it('checks that x, shape and labels agree, naming the dataset', () => {
    const base = { name: 'd', x: new Float32Array(6), shape: [3], labels: new Int32Array(2), classes: 2 };
    expect(createDataset(base).size).toBe(2);
    expect(() => createDataset({ ...base, x: new Float32Array(5) })).toThrow(
      "dataset 'd': 2 labels of examples of shape [3] need 6 values, x has 5",
    );
    expect(() => createDataset({ ...base, labels: new Int32Array([0, 2]) })).toThrow(
      "dataset 'd': label 1 is 2, outside [0, 2)",
    );
    expect(() => createDataset({ ...base, shape: [0] })).toThrow(DataError);
    expect(() => createDataset({ ...base, classes: 0 })).toThrow(/classes must be a positive integer/);
  });

  it('takes unlabelled data: the size comes from x, every example is class 0 of 1', () => {
    const points = createDataset({ name: 'p', x: new Float32Array(12), shape: [3] });
    expect({ size: points.size, classes: points.classes, labels: Array.from(points.labels) }).toEqual({
      size: 4,
      classes: 1,
      labels: [0, 0, 0, 0],
    });
    expect(() => createDataset({ name: 'p', x: new Float32Array(10), shape: [3] })).toThrow(
      "dataset 'p': x has 10 values, not a whole number of examples of shape [3] (3 values each)",
    );
  });
});

describe('subset', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 40 })])(
    'copies the examples at the indices, in order',
    (indices) => {
      const d = numbered(30, 3);
      const s = subset(d, indices);
      expect(s.size).toBe(indices.length);
      indices.forEach((i, r) => {
        expect(s.x[2 * r]).toBe(i);
        expect(s.x[2 * r + 1]).toBe(-i);
        expect(s.labels[r]).toBe(i % 3);
      });
      if (s.x.length > 0) expect(s.x.buffer).not.toBe(d.x.buffer);
    },
  );

  it('rejects an index out of range, naming its position', () => {
    expect(() => subset(numbered(5, 1), [0, 5])).toThrow(
      "subset of 'numbered': index 1 is 5, outside [0, 5)",
    );
  });
});

describe('labeledSubset', () => {
  test.prop([fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer()])(
    'takes count/classes distinct examples of every class, stable for a seed',
    (classes, perClass, seed) => {
      const d = numbered(60, classes);
      const count = classes * perClass;
      const a = labeledSubset(d, count, createRng(seed));
      const b = labeledSubset(d, count, createRng(seed));
      expect(a.size).toBe(count);
      expect(classHistogram(a)).toEqual(new Array<number>(classes).fill(perClass));
      expect([...a.x]).toEqual([...b.x]);
      const origins = Array.from({ length: a.size }, (_, r) => a.x[2 * r] ?? -1);
      expect(new Set(origins).size).toBe(count);
      // Rows keep their label: example i has label i mod classes.
      origins.forEach((i, r) => expect(a.labels[r]).toBe(i % classes));
      // Original order is kept.
      expect(origins).toEqual([...origins].sort((p, q) => p - q));
    },
  );

  it('depends on the seed', () => {
    const d = numbered(1000, 10);
    const a = labeledSubset(d, 20, createRng(1));
    const b = labeledSubset(d, 20, createRng(2));
    expect([...a.x]).not.toEqual([...b.x]);
  });

  it('rejects a count that is not a multiple of the classes, or a class too small', () => {
    const d = numbered(25, 10); // classes 0–4 have 3 examples, 5–9 have 2
    expect(() => labeledSubset(d, 15, createRng(1))).toThrow(
      "labeled subset of 'numbered': count must be a positive multiple of its 10 classes (balanced per class), got 15",
    );
    expect(() => labeledSubset(d, 0, createRng(1))).toThrow(DataError);
    expect(() => labeledSubset(d, 30, createRng(1))).toThrow(
      "labeled subset of 'numbered': 30 labels need 3 examples of class 5, it has 2",
    );
    expect(labeledSubset(d, 20, createRng(1)).size).toBe(20);
  });
});
