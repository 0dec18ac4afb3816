/**
 * Shared test helpers for the backend tests: a naive float64 reference for batched matrix products
 * (independent of tfjs and of saddle's geometry module), seeded test data, a fast-check arbitrary
 * over product cases, and a relative-error comparison.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';

export type Activation = 'linear' | 'relu';

/** One batched product case: `act(op(A) · op(B) + bias)`. */
export interface ProductCase {
  readonly aShape: number[];
  readonly bShape: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** `null`, `[n]` or `[1, n]`. */
  readonly biasShape: number[] | null;
  readonly activation: Activation;
  readonly seed: number;
}

/** Deterministic values in [-1, 1) from a seed (an LCG; enough for test data). */
export const seededValues = (count: number, seed: number): Float32Array => {
  const out = new Float32Array(count);
  let s = (seed >>> 0) + 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
};

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Row-major strides. */
const strides = (shape: readonly number[]): number[] => {
  const out = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = (out[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return out;
};

/**
 * The product computed the slow, obvious way: for every output element, walk the broadcast batch
 * index into each operand and sum in float64.
 */
export const referenceProduct = (
  c: ProductCase,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
): { shape: number[]; values: Float64Array } => {
  const ar = c.aShape.length;
  const br = c.bShape.length;
  const m = c.transposeA ? c.aShape[ar - 1]! : c.aShape[ar - 2]!;
  const k = c.transposeA ? c.aShape[ar - 2]! : c.aShape[ar - 1]!;
  const n = c.transposeB ? c.bShape[br - 2]! : c.bShape[br - 1]!;
  const aBatch = c.aShape.slice(0, -2);
  const bBatch = c.bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (s: number[]): number[] => [...Array.from({ length: rank - s.length }, () => 1), ...s];
  const pa = pad(aBatch);
  const pb = pad(bBatch);
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const sa = strides(pa);
  const sb = strides(pb);
  const out = new Float64Array(size(batch) * m * n);
  const at = batch.map(() => 0);
  for (let bi = 0; bi < size(batch); bi++) {
    let ai = 0;
    let bj = 0;
    at.forEach((x, d) => {
      ai += (pa[d] === 1 ? 0 : x) * sa[d]!;
      bj += (pb[d] === 1 ? 0 : x) * sb[d]!;
    });
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let l = 0; l < k; l++) {
          const av = c.transposeA ? a[ai * m * k + l * m + i]! : a[ai * m * k + i * k + l]!;
          const bv = c.transposeB ? b[bj * k * n + j * k + l]! : b[bj * k * n + l * n + j]!;
          sum += av * bv;
        }
        if (bias !== null) sum += bias[j]!;
        out[bi * m * n + i * n + j] = c.activation === 'relu' ? Math.max(0, sum) : sum;
      }
    }
    for (let d = rank - 1; d >= 0; d--) {
      at[d]! += 1;
      if (at[d]! < batch[d]!) break;
      at[d] = 0;
    }
  }
  return { shape: [...batch, m, n], values: out };
};

/** Largest `|x − y| / max(1, |y|)` (relative error with an absolute floor near zero). */
export const maxRelativeError = (actual: ArrayLike<number>, expected: ArrayLike<number>): number => {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e)));
  }
  return worst;
};

/**
 * Product cases: m, n, k in 1..7, transposes, batch dimensions of rank 0–2 that broadcast against
 * each other (including the `[2,1]` vs `[3]` kind the stock kernels get wrong), bias, activation.
 * `broadcast: false` keeps batch shapes equal or absent on one side; `sameBatch` keeps them equal.
 */
export const productCases = (options: {
  broadcast: boolean;
  maxBatchRank?: number;
  /** Both operands have the same batch shape (what tfjs's matMul gradients support). */
  sameBatch?: boolean;
}): fc.Arbitrary<ProductCase> => {
  const dim = fc.integer({ min: 1, max: 7 });
  const batchDim = fc.integer({ min: 1, max: 3 });
  const maxRank = options.maxBatchRank ?? 2;
  const batches = fc.array(batchDim, { minLength: 0, maxLength: maxRank }).chain((full) =>
    options.broadcast
      ? fc
          .tuple(
            fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
            fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
            fc.integer({ min: 0, max: full.length }),
            fc.integer({ min: 0, max: full.length }),
          )
          .map(([onesA, onesB, dropA, dropB]) => ({
            a: full.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA),
            b: full.map((d, i) => (onesB[i] && !onesA[i] ? 1 : d)).slice(dropB),
          }))
      : fc.boolean().map((bIs2d) => ({ a: full, b: bIs2d && options.sameBatch !== true ? [] : full })),
  );
  return fc
    .record({
      m: dim,
      n: dim,
      k: dim,
      batches,
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      bias: fc.constantFrom<'none' | 'vector' | 'row'>('none', 'vector', 'row'),
      activation: fc.constantFrom<Activation>('linear', 'relu'),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .map((r) => ({
      aShape: [...r.batches.a, ...(r.transposeA ? [r.k, r.m] : [r.m, r.k])],
      bShape: [...r.batches.b, ...(r.transposeB ? [r.n, r.k] : [r.k, r.n])],
      transposeA: r.transposeA,
      transposeB: r.transposeB,
      biasShape: r.bias === 'none' ? null : r.bias === 'vector' ? [r.n] : [1, r.n],
      activation: r.activation,
      seed: r.seed,
    }));
};

/** Operand values of a case (seeded). */
export const caseValues = (
  c: ProductCase,
): { a: Float32Array; b: Float32Array; bias: Float32Array | null } => ({
  a: seededValues(size(c.aShape), c.seed),
  b: seededValues(size(c.bShape), c.seed + 1),
  bias: c.biasShape === null ? null : seededValues(size(c.biasShape), c.seed + 2),
});

/** Gradients of `sum(fused(a, b, bias) ⊙ w)` (w a fixed ramp) with respect to a, b and bias, as flat arrays. */
export const fusedGradients = (c: ProductCase): Float32Array[] => {
  const { a, b, bias } = caseValues(c);
  return tf.tidy(() => {
    const inputs = [tf.tensor(a, c.aShape), tf.tensor(b, c.bShape)];
    if (bias !== null && c.biasShape !== null) inputs.push(tf.tensor(bias, c.biasShape));
    const f = (...xs: tf.Tensor[]): tf.Scalar => {
      const [x, y, z] = xs as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const out = tf.fused.matMul({
        a: x,
        b: y,
        transposeA: c.transposeA,
        transposeB: c.transposeB,
        ...(z !== undefined ? { bias: z } : {}),
        activation: c.activation,
      });
      return tf.sum(tf.mul(out, tf.linspace(-1, 1, out.size).reshape(out.shape)));
    };
    return tf
      .grads(f)(inputs)
      .map((g) => g.dataSync() as Float32Array);
  });
};

/** Run `f` on the cpu backend (the reference), then come back to wasm. */
export const onCpu = async <T>(f: () => T): Promise<T> => {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
};
