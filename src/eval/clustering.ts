/**
 * Clustering and classification error of a model with a `classify` view q(y|x).
 *
 * Clustering (seed 001 §6, the AAE paper's rule): the k-th output of q(y|x) is a cluster, not a
 * class. Cluster k is given the label of the *training* example it is most confident about — the
 * training x with the largest q(y=k|x) — and every test example is assigned its most probable
 * cluster's label; the error is the fraction of test examples whose assigned label is wrong. The
 * number of clusters may exceed the number of classes (the paper uses 16 and 30).
 *
 * Classification (semi-supervised AAE): the argmax of q(y|x) *is* the class; the error is the
 * fraction of test examples where it differs from the label.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { EvalError, requireMatrix } from './errors.js';

const checkLabels = (what: string, probs: tf.Tensor2D, labels: Int32Array): void => {
  requireMatrix(`${what}: q(y|x)`, probs.shape);
  if (labels.length !== probs.shape[0]) {
    throw new EvalError(`${what}: ${probs.shape[0]} rows of q(y|x) but ${labels.length} labels`);
  }
};

/** The fraction of rows where `predicted` (int32 `[n]`) differs from `labels`. */
const mismatchRate = async (predicted: tf.Tensor1D, labels: Int32Array): Promise<number> => {
  const rate = tf.tidy(() =>
    tf.mean(tf.cast(tf.notEqual(predicted, tf.tensor1d(labels, 'int32')), 'float32')),
  );
  const [value = Number.NaN] = await rate.data();
  rate.dispose();
  return value;
};

/** The index of the largest entry along `axis` (0: per column, 1: per row), read back to JS. */
const argMaxIndices = async (probs: tf.Tensor2D, axis: 0 | 1): Promise<Int32Array> => {
  const indices = tf.argMax(probs, axis);
  try {
    return (await indices.data()) as Int32Array;
  } finally {
    indices.dispose();
  }
};

/**
 * The label of each cluster: for cluster k, the label of the training example with the highest
 * q(y=k|x) (`trainProbs` is `[n, clusters]`). Why the most confident example and not a majority
 * vote: it is the paper's rule, and it uses one label per cluster — the AAE's clustering claim is
 * that this is all the supervision needed.
 *
 * @example
 * const trainProbs = trainer.evalView('classify', { x: train.x, rows: train.size }) as tf.Tensor2D;
 * const labels = await clusterLabels(trainProbs, train.labels);   // one digit per cluster
 */
export const clusterLabels = async (
  trainProbs: tf.Tensor2D,
  trainLabels: Int32Array,
): Promise<Int32Array> => {
  checkLabels('cluster', trainProbs, trainLabels);
  const indices = await argMaxIndices(trainProbs, 0); // [clusters]: index of the training example
  return Int32Array.from(indices, (i) => trainLabels[i] ?? -1);
};

/**
 * How many rows of `probs` (`[n, clusters]`) have each cluster as their most probable one.
 *
 * @example
 * await clusterSizes(testProbs); // Int32Array [612, 0, 1403, …]: an empty cluster is unused
 */
export const clusterSizes = async (probs: tf.Tensor2D): Promise<Int32Array> => {
  requireMatrix('cluster: q(y|x)', probs.shape);
  const indices = await argMaxIndices(probs, 1);
  const sizes = new Int32Array(probs.shape[1]);
  for (const k of indices) sizes[k] = (sizes[k] ?? 0) + 1;
  return sizes;
};

/**
 * The majority label of each cluster: the most common label among the training examples whose most
 * probable cluster it is (ties: the smaller label; a cluster no example chooses: -1). Not the
 * paper's rule (`clusterLabels` is) but the one most clustering papers report, and a diagnostic of
 * it: when the two disagree by much, the paper's single most confident example is an outlier of
 * its cluster, or the clusters are not yet confident.
 *
 * @example
 * const labels = await majorityLabels(trainProbs, train.labels, 10);
 * const error = await clusteringError(testProbs, test.labels, labels);
 */
export const majorityLabels = async (
  trainProbs: tf.Tensor2D,
  trainLabels: Int32Array,
  classes: number,
): Promise<Int32Array> => {
  checkLabels('cluster', trainProbs, trainLabels);
  const indices = await argMaxIndices(trainProbs, 1);
  const clusters = trainProbs.shape[1];
  const counts = new Int32Array(clusters * classes);
  indices.forEach((k, i) => {
    const label = trainLabels[i] ?? -1;
    if (label >= 0 && label < classes) counts[k * classes + label] = (counts[k * classes + label] ?? 0) + 1;
  });
  return Int32Array.from({ length: clusters }, (_, k) => {
    let best = -1;
    let bestCount = 0;
    for (let c = 0; c < classes; c += 1) {
      const n = counts[k * classes + c] ?? 0;
      if (n > bestCount) [best, bestCount] = [c, n];
    }
    return best;
  });
};

/**
 * The fraction of test examples whose most probable cluster carries the wrong label under
 * `labelsOfClusters` (from `clusterLabels`).
 *
 * @example
 * const labels = await clusterLabels(trainProbs, train.labels);
 * const error = await clusteringError(testProbs, test.labels, labels);   // e.g. 0.05 for 5% wrong
 */
export const clusteringError = async (
  testProbs: tf.Tensor2D,
  testLabels: Int32Array,
  labelsOfClusters: Int32Array,
): Promise<number> => {
  checkLabels('cluster', testProbs, testLabels);
  if (labelsOfClusters.length !== testProbs.shape[1]) {
    throw new EvalError(
      `cluster: q(y|x) has ${testProbs.shape[1]} clusters but ${labelsOfClusters.length} cluster labels were given`,
    );
  }
  const assigned = tf.tidy(() => tf.gather(tf.tensor1d(labelsOfClusters, 'int32'), tf.argMax(testProbs, 1)));
  try {
    return await mismatchRate(assigned, testLabels);
  } finally {
    assigned.dispose();
  }
};

/**
 * The fraction of examples where argmax q(y|x) differs from the label.
 *
 * @example
 * const probs = trainer.evalView('classify', { x: test.x, rows: test.size }) as tf.Tensor2D;
 * const error = await classificationError(probs, test.labels);
 */
export const classificationError = async (probs: tf.Tensor2D, labels: Int32Array): Promise<number> => {
  checkLabels('classify', probs, labels);
  const predicted = tf.argMax(probs, 1) as tf.Tensor1D;
  try {
    return await mismatchRate(predicted, labels);
  } finally {
    predicted.dispose();
  }
};
