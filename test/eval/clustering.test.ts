import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  classificationError,
  clusteringError,
  clusterLabels,
  clusterSizes,
  majorityLabels,
} from '../../src/eval/clustering.js';
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

describe('majorityLabels / clusterSizes', () => {
  it('labels a cluster by its members, where the paper rule follows one outlier', async () => {
    // Cluster 0 holds three 0s and a very confident 1; cluster 1 two 2s; cluster 2 nobody.
    const train = tf.tensor2d([
      [0.7, 0.2, 0.1], // class 0
      [0.8, 0.1, 0.1], // class 0
      [0.6, 0.3, 0.1], // class 0
      [0.99, 0.0, 0.01], // class 1: the most confident for cluster 0
      [0.1, 0.8, 0.1], // class 2
      [0.2, 0.7, 0.1], // class 2
    ]);
    const y = Int32Array.from([0, 0, 0, 1, 2, 2]);
    expect([...(await clusterLabels(train, y))].slice(0, 2)).toEqual([1, 2]);
    expect([...(await majorityLabels(train, y, 3))]).toEqual([0, 2, -1]);
    expect([...(await clusterSizes(train))]).toEqual([4, 2, 0]);
  });

  it('breaks a tie towards the smaller label', async () => {
    const train = softOneHot([0, 0], 1, 0.9);
    expect([...(await majorityLabels(train, Int32Array.from([3, 1]), 4))]).toEqual([1]);
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
