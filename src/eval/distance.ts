/**
 * Pairwise squared Euclidean distances, the shared kernel of the Parzen window and MMD.
 *
 * Why matrix products: `‖a − b‖² = ‖a‖² − 2 a·b + ‖b‖²` turns an `m × n` table of distances into one
 * matmul plus two broadcasts, which every backend runs as its fastest kernel, instead of an
 * `m × n × d` difference tensor. Cancellation can make the expansion slightly negative for (near)
 * identical rows; it is clamped at 0 so a kernel never sees a negative distance.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/**
 * `[m, n]` squared distances between the rows of `a` (`[m, d]`) and `b` (`[n, d]`).
 * Why a function of its own: both the Parzen window and MMD need exactly this, chunked by their
 * callers to bound memory. Call inside `tf.tidy`; the intermediates are not disposed here.
 */
export const squaredDistances = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D => {
  const aa = tf.sum(tf.square(a), 1, true); // [m, 1]
  const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]); // [1, n]
  const ab = tf.matMul(a, b, false, true); // [m, n]
  return tf.relu(tf.add(tf.sub(aa, tf.mul(2, ab)), bb));
};

/**
 * Row ranges `[start, end)` of at most `size` rows covering `[0, rows)`. Why: every metric that
 * compares two large sets walks one of them in chunks so that an `m × n` table never has to exist.
 */
export const chunks = (rows: number, size: number): readonly (readonly [number, number])[] => {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: (readonly [number, number])[] = [];
  for (let start = 0; start < rows; start += size) out.push([start, Math.min(rows, start + size)]);
  return out;
};
