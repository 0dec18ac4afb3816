/**
 * Datasets as plain typed arrays, and the two ways of taking part of one.
 *
 * Why plain arrays: `src/data` never touches tensors; the runtime uploads batches. A dataset is a
 * row-major `Float32Array` of `size` examples, each of `shape` (flattened width = product of shape),
 * with one class index per example. Datasets are values: nothing here mutates one, and consumers
 * must not either (splits may share memory with a cached parent, see `loadMnist`).
 *
 * @example
 * const d = createDataset({ name: 'toy', x: new Float32Array([0, 1, 2, 3]), shape: [2], labels: new Int32Array([0, 1]), classes: 2 });
 * const first = subset(d, [0]);                        // one example, copied
 * const balanced = labeledSubset(d, 2, createRng(1));  // one example per class
 */

import type { Rng } from './rng.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * A labelled set of examples, stored row-major: example `i` is `x[i·width, (i+1)·width)`.
 *
 * @example
 * const d: Dataset = createDataset({ name: 'xor', x: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), shape: [2],
 *   labels: new Int32Array([0, 1, 1, 0]), classes: 2 });
 * d.size; // 4
 */
export interface Dataset {
  readonly name: string;
  readonly x: Float32Array;
  /** Shape of one example, e.g. `[784]` for flattened MNIST or `[2]` for a 2-D toy set. */
  readonly shape: readonly number[];
  /** One class index in `[0, classes)` per example. */
  readonly labels: Int32Array;
  readonly classes: number;
  readonly size: number;
}

/**
 * The usual three-way split; `validation` is absent when none was held out.
 *
 * @example
 * const { train, validation, test }: Splits = await loadMnist({ validation: 10_000 });
 */
export interface Splits {
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test: Dataset;
}

/**
 * A mistake in data a user supplied or asked for (wrong counts, corrupt files, bad options). The CLI
 * prints its message without a stack trace; every message names the dataset, file or stream at fault.
 *
 * @example
 * try { ring(0, { seed: 1 }); } catch (e) { if (e instanceof DataError) console.error(e.message); }
 * // ring: n must be a positive integer, got 0
 */
export class DataError extends Error {
  override readonly name: string = 'DataError';
}

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * Number of floats in one example: the product of its shape.
 *
 * @example
 * exampleWidth([28, 28, 1]);   // 784
 */
export const exampleWidth = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * A dataset from its parts, after checking they agree (x holds `labels.length` whole examples, every
 * label is a valid class). Every constructor in `src/data` goes through here so a malformed dataset
 * fails where it is made, not batches later inside a training step.
 *
 * Unlabelled data — what most generative models train on — omits `labels`: the size then comes from
 * `x` (which must hold whole examples), every example gets class 0, and `classes` defaults to 1.
 * Only streams declared with labels ever read them.
 *
 * @example
 * const toy = createDataset({ name: 'toy', x: new Float32Array([0, 1, 2, 3]), shape: [2],
 *   labels: new Int32Array([0, 1]), classes: 2 });
 * const points = createDataset({ name: 'points', x: myFloats, shape: [2] }); // no labels
 */
export const createDataset = (parts: {
  readonly name: string;
  readonly x: Float32Array;
  readonly shape: readonly number[];
  readonly labels?: Int32Array;
  readonly classes?: number;
}): Dataset => {
  const { name, x, shape, classes = 1 } = parts;
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new DataError(`dataset '${name}': shape must be positive integers, got [${shape.join(', ')}]`);
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new DataError(`dataset '${name}': classes must be a positive integer, got ${classes}`);
  }
  const width = exampleWidth(shape);
  if (parts.labels === undefined && x.length % width !== 0) {
    throw new DataError(
      `dataset '${name}': x has ${x.length} values, not a whole number of examples of shape [${shape.join(', ')}] (${width} values each)`,
    );
  }
  const labels = parts.labels ?? new Int32Array(x.length / width);
  const size = labels.length;
  if (x.length !== size * width) {
    throw new DataError(
      `dataset '${name}': ${size} labels of examples of shape [${shape.join(', ')}] need ${size * width} values, x has ${x.length}`,
    );
  }
  for (let i = 0; i < size; i++) {
    const y = labels[i] ?? -1;
    if (y < 0 || y >= classes) {
      throw new DataError(`dataset '${name}': label ${i} is ${y}, outside [0, ${classes})`);
    }
  }
  return { name, x, shape: [...shape], labels, classes, size };
};

// -------------------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------------------

/**
 * The examples at `indices`, in that order, copied into a new dataset (duplicates allowed). Copying
 * keeps the result independent of the parent, which may be a shared, cached buffer.
 *
 * @example
 * const firstHundred = subset(train, Array.from({ length: 100 }, (_, i) => i), 'train/100');
 */
export const subset = (dataset: Dataset, indices: ArrayLike<number>, name?: string): Dataset => {
  const width = exampleWidth(dataset.shape);
  const x = new Float32Array(indices.length * width);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] ?? -1;
    if (!Number.isInteger(i) || i < 0 || i >= dataset.size) {
      throw new DataError(`subset of '${dataset.name}': index ${r} is ${i}, outside [0, ${dataset.size})`);
    }
    x.set(dataset.x.subarray(i * width, (i + 1) * width), r * width);
    labels[r] = dataset.labels[i] ?? 0;
  }
  return {
    name: name ?? `${dataset.name}/subset`,
    x,
    shape: dataset.shape,
    labels,
    classes: dataset.classes,
    size: indices.length,
  };
};

/**
 * A class-balanced labelled subset: `count / classes` examples of every class, chosen with `rng`
 * (which advances), returned in their original order. This is the semi-supervised setting of the
 * AAE paper (100 or 1000 labels of MNIST). Balanced, because with only 10 labels per class an
 * unlucky draw of 6 and 14 would change the experiment, not just its noise.
 * Errors: `count` not a positive multiple of `classes`, or some class has fewer examples than needed.
 *
 * @example
 * const labeled = labeledSubset(train, 100, createRng(0));   // 10 examples of each digit
 */
export const labeledSubset = (dataset: Dataset, count: number, rng: Rng): Dataset => {
  const { classes } = dataset;
  if (!Number.isInteger(count) || count <= 0 || count % classes !== 0) {
    throw new DataError(
      `labeled subset of '${dataset.name}': count must be a positive multiple of its ${classes} classes (balanced per class), got ${count}`,
    );
  }
  const perClass = count / classes;
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < dataset.size; i++) byClass[dataset.labels[i] ?? 0]?.push(i);
  const chosen: number[] = [];
  byClass.forEach((members, c) => {
    if (members.length < perClass) {
      throw new DataError(
        `labeled subset of '${dataset.name}': ${count} labels need ${perClass} examples of class ${c}, it has ${members.length}`,
      );
    }
    chosen.push(...rng.shuffle(members).slice(0, perClass));
  });
  chosen.sort((a, b) => a - b);
  return subset(dataset, chosen, `${dataset.name}/labeled(${count})`);
};

// -------------------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------------------

/**
 * How many examples of each class a dataset holds; for summaries and balance checks.
 *
 * @example
 * classHistogram(ring(800, { seed: 1 }));   // [100, 100, 100, 100, 100, 100, 100, 100]
 */
export const classHistogram = (dataset: Dataset): number[] => {
  const counts = new Array<number>(dataset.classes).fill(0);
  for (let i = 0; i < dataset.size; i++) {
    const y = dataset.labels[i] ?? 0;
    counts[y] = (counts[y] ?? 0) + 1;
  }
  return counts;
};
