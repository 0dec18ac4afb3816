/**
 * The building block of the hand-written baselines: a dense MLP as a hand-written tfjs user would
 * write it — Glorot-uniform kernels, zero biases, `tf.fused.matMul` with bias and activation — and
 * the losses those baselines need, written the same way saddle's runtime computes them (so both
 * sides do the same arithmetic and only the surrounding machinery differs).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** One dense layer's variables. */
export interface Dense {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

export interface Mlp {
  readonly layers: readonly Dense[];
  /** `relu` between layers, `output` after the last one. */
  readonly output: 'linear' | 'sigmoid';
  readonly variables: readonly tf.Variable[];
}

/** Glorot-uniform values in a seeded stream (mulberry32), like a careful user would seed them. */
const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** An MLP of the given widths (`[784, 1000, 1000, 8]`: input width first). */
export const mlp = (
  name: string,
  widths: readonly number[],
  output: 'linear' | 'sigmoid',
  seed: number,
): Mlp => {
  const uniform = seeded(seed);
  const layers: Dense[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const fanIn = widths[i] ?? 1;
    const fanOut = widths[i + 1] ?? 1;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = new Float32Array(fanIn * fanOut).map(() => (2 * uniform() - 1) * limit);
    layers.push({
      kernel: tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true, `${name}/${i}/kernel`),
      bias: tf.variable(tf.zeros([fanOut]), true, `${name}/${i}/bias`),
    });
  }
  return { layers, output, variables: layers.flatMap((l) => [l.kernel, l.bias]) };
};

/** Forward pass: fused dense + ReLU, fused dense + output activation. */
export const forward = (net: Mlp, x: tf.Tensor2D): tf.Tensor2D => {
  let h = x;
  net.layers.forEach((layer, i) => {
    h = tf.fused.matMul({
      a: h,
      b: layer.kernel as tf.Tensor2D,
      bias: layer.bias,
      activation: i + 1 < net.layers.length ? 'relu' : net.output,
    }) as tf.Tensor2D;
  });
  return h;
};

/** Binary cross-entropy summed over pixels, batch mean, probabilities clipped to [1e-7, 1 − 1e-7]. */
export const bce = (target: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar => {
  const p = tf.clipByValue(probs, 1e-7, 1 - 1e-7);
  const ll = tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p))));
  return tf.neg(tf.div(tf.sum(ll), target.shape[0]));
};

/** Standard-normal prior draws generated in JS and uploaded (as saddle does). */
export const gaussianBatch = (rows: number, dim: number, uniform: () => number): tf.Tensor2D => {
  const values = new Float32Array(rows * dim);
  for (let i = 0; i < values.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    values[i] = r * Math.cos(theta);
    if (i + 1 < values.length) values[i + 1] = r * Math.sin(theta);
  }
  return tf.tensor2d(values, [rows, dim]);
};

export { seeded };
