/**
 * The geometry of a batched matrix product `op(A) · op(B)`: sizes, output shape, and which matrix of
 * each operand every output matrix reads under NumPy broadcasting of the batch dimensions.
 *
 * Both saddle's wasm kernel fixes and the native kernel pack need exactly this, and it is where
 * batched products go wrong (the stock kernels index batches modulo each operand's batch count,
 * which is right only when one operand has a single matrix or both have the same batch shape), so
 * it lives in one pure, separately tested place.
 *
 * @module
 */

export interface MatMulGeometry {
  /** Rows of `op(A)` and of the output. */
  readonly m: number;
  /** Columns of `op(B)` and of the output. */
  readonly n: number;
  /** The shared inner dimension. */
  readonly k: number;
  /** Broadcast batch dimensions of the output. */
  readonly batchShape: readonly number[];
  /** `[...batchShape, m, n]`. */
  readonly outShape: readonly number[];
  /** For output matrix `i` (row-major over `batchShape`), the index of the A matrix it reads. */
  readonly aIndex: readonly number[];
  /** For output matrix `i`, the index of the B matrix it reads. */
  readonly bIndex: readonly number[];
  /** True when batch `i` of the output reads batch `i % count` of each operand (what stock kernels do). */
  readonly moduloIndexingIsRight: boolean;
}

const product = (xs: readonly number[]): number => xs.reduce((p, x) => p * x, 1);

/** NumPy broadcast of two shapes, or an error naming both. */
export const broadcastShapes = (a: readonly number[], b: readonly number[]): number[] => {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`saddle: batch shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
};

/** Row-major index into `shape` of the multi-index `at` (aligned at the right, size-1 dims read 0). */
const broadcastIndex = (shape: readonly number[], at: readonly number[]): number => {
  let index = 0;
  const offset = at.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] ?? 1;
    index = index * d + (d === 1 ? 0 : (at[offset + i] ?? 0));
  }
  return index;
};

/**
 * Geometry of `matMul(a, b, transposeA, transposeB)` for operand shapes of rank ≥ 2. Throws (with
 * both shapes in the message) when inner dimensions differ or batch shapes do not broadcast.
 */
export const matMulGeometry = (
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry => {
  if (aShape.length < 2 || bShape.length < 2) {
    throw new Error(
      `saddle: matMul needs operands of rank ≥ 2, got [${aShape.join(', ')}] and [${bShape.join(', ')}]`,
    );
  }
  const ar = aShape.length;
  const br = bShape.length;
  const m = (transposeA ? aShape[ar - 1] : aShape[ar - 2]) ?? 0;
  const kA = (transposeA ? aShape[ar - 2] : aShape[ar - 1]) ?? 0;
  const kB = (transposeB ? bShape[br - 1] : bShape[br - 2]) ?? 0;
  const n = (transposeB ? bShape[br - 2] : bShape[br - 1]) ?? 0;
  if (kA !== kB) {
    throw new Error(
      `saddle: matMul inner dimensions differ: [${aShape.join(', ')}]${transposeA ? 'ᵀ' : ''} · ` +
        `[${bShape.join(', ')}]${transposeB ? 'ᵀ' : ''}`,
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch);
  const count = product(batchShape);
  const aCount = product(aBatch);
  const bCount = product(bBatch);
  const aIndex: number[] = [];
  const bIndex: number[] = [];
  const at = batchShape.map(() => 0);
  let modulo = true;
  for (let i = 0; i < count; i++) {
    const ai = broadcastIndex(aBatch, at);
    const bi = broadcastIndex(bBatch, at);
    aIndex.push(ai);
    bIndex.push(bi);
    if (ai !== i % Math.max(aCount, 1) || bi !== i % Math.max(bCount, 1)) modulo = false;
    for (let d = at.length - 1; d >= 0; d--) {
      const next = (at[d] ?? 0) + 1;
      if (next < (batchShape[d] ?? 1)) {
        at[d] = next;
        break;
      }
      at[d] = 0;
    }
  }
  return {
    m,
    n,
    k: kA,
    batchShape,
    outShape: [...batchShape, m, n],
    aIndex,
    bIndex,
    moduloIndexingIsRight: modulo,
  };
};
