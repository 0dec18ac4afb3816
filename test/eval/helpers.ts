/**
 * Shared fixtures for the evaluation tests: the cpu backend and seeded Gaussian matrices.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/data/rng.js';

/** Switch tfjs to the deterministic cpu backend (call in `beforeAll`). */
export const useCpu = async (): Promise<void> => {
  await tf.setBackend('cpu');
  await tf.ready();
};

/** `rows × width` draws of `mean + std · N(0, 1)` per coordinate, seeded, as a Float32Array. */
export const gaussianRows = (seed: number, rows: number, width: number, std = 1, mean = 0): Float32Array => {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * width }, () => mean + std * rng.normal());
};

/** The same draws as a `[rows, width]` tensor. */
export const gaussianMatrix = (seed: number, rows: number, width: number, std = 1, mean = 0): tf.Tensor2D =>
  tf.tensor2d(gaussianRows(seed, rows, width, std, mean), [rows, width]);

/** One-hot rows of `classes` columns, scaled to `confidence` with the rest spread evenly. */
export const softOneHot = (indices: readonly number[], classes: number, confidence = 1): tf.Tensor2D => {
  const rest = classes > 1 ? (1 - confidence) / (classes - 1) : 0;
  return tf.tensor2d(
    indices.flatMap((k) => Array.from({ length: classes }, (_, c) => (c === k ? confidence : rest))),
    [indices.length, classes],
  );
};
