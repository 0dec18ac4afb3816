import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classificationError, clusteringError, clusterLabels } from '../../src/eval/clustering.js';
import { softOneHot, useCpu } from './helpers.js';

beforeAll(useCpu);

const labels = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 0];
const perm = [3, 0, 4, 1, 2]; // class c goes to cluster perm[c]

describe('clusterLabels / clusteringError', () => {
  it('is 0 for a perfect assignment', async () => {
    const probs = softOneHot(labels, 5, 0.9);
    const y = Int32Array.from(labels);
    const named = await clusterLabels(probs, y);
    expect([...named]).toEqual([0, 1, 2, 3, 4]);
    expect(await clusteringError(probs, y, named)).toBe(0);
  });

  it('recovers a permutation of the clusters, so a permuted assignment is still 0', async () => {
    const probs = softOneHot(
      labels.map((c) => perm[c] ?? 0),
      5,
      0.8,
    );
    const y = Int32Array.from(labels);
    const named = await clusterLabels(probs, y);
    expect([...named]).toEqual([1, 3, 4, 0, 2]); // the inverse permutation
    expect(await clusteringError(probs, y, named)).toBe(0);
  });

  it('gives a cluster the label of the training example it is most confident about', async () => {
    // Cluster 0 holds classes 0 and 1; its most confident training example is of class 1. Cluster 1
    // holds class 2. So every test example of class 0 is counted wrong.
    const train = tf.tensor2d([
      [0.7, 0.3], // class 0
      [0.95, 0.05], // class 1: the most confident for cluster 0
      [0.1, 0.9], // class 2
    ]);
    const named = await clusterLabels(train, Int32Array.from([0, 1, 2]));
    expect([...named]).toEqual([1, 2]);
    const test = softOneHot([0, 0, 0, 1, 1], 2, 0.9); // clusters of 5 test examples
    const testLabels = Int32Array.from([0, 1, 1, 2, 2]); // first example is class 0 → wrong
    expect(await clusteringError(test, testLabels, named)).toBeCloseTo(1 / 5, 7);
  });

  it('handles more clusters than classes', async () => {
    const train = softOneHot([0, 1, 2, 3], 4, 0.9);
    const named = await clusterLabels(train, Int32Array.from([0, 0, 1, 1]));
    expect([...named]).toEqual([0, 0, 1, 1]);
    expect(await clusteringError(softOneHot([1, 2, 3], 4), Int32Array.from([0, 1, 0]), named)).toBeCloseTo(
      1 / 3,
      7,
    );
  });

  it('names the mismatch when labels and rows disagree', async () => {
    await expect(clusterLabels(softOneHot([0, 1], 2), Int32Array.from([0]))).rejects.toThrow(
      /2 rows of q\(y\|x\) but 1 labels/,
    );
    await expect(
      clusteringError(softOneHot([0], 2), Int32Array.from([0]), Int32Array.from([0, 1, 2])),
    ).rejects.toThrow(/2 clusters but 3 cluster labels/);
  });
});

describe('classificationError', () => {
  it('is 0 for perfect predictions', async () => {
    expect(await classificationError(softOneHot(labels, 5, 0.6), Int32Array.from(labels))).toBe(0);
  });

  it('of a permuted assignment is the fraction of classes the permutation moves', async () => {
    const moved = labels.filter((c) => perm[c] !== c).length / labels.length;
    const probs = softOneHot(
      labels.map((c) => perm[c] ?? 0),
      5,
    );
    expect(await classificationError(probs, Int32Array.from(labels))).toBeCloseTo(moved, 7);
    // Swapping only classes 0 and 1: 4 + 2 of the 12 examples are wrong.
    const swap = softOneHot(
      labels.map((c) => (c === 0 ? 1 : c === 1 ? 0 : c)),
      5,
    );
    expect(await classificationError(swap, Int32Array.from(labels))).toBeCloseTo(6 / 12, 7);
  });
});
