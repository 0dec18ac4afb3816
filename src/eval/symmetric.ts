/**
 * Symmetric matrices in Float64: the cyclic Jacobi eigendecomposition and the square root of a
 * positive semi-definite matrix, for the Fréchet distance's trace term.
 *
 * Why our own solver: tfjs has no eigendecomposition, the matrices are small (the classifier's
 * feature width, 64–256) and the trace term is a difference of nearly equal numbers, so it wants
 * Float64 and a method whose accuracy does not depend on conditioning. Jacobi rotations converge
 * quadratically, keep the eigenvectors orthogonal to machine precision and cost `O(n³)` per sweep —
 * milliseconds at these sizes. (Newton–Schulz, the alternative, needs a well-conditioned input and
 * a careful stopping rule; feature covariances are often nearly singular.)
 *
 * @example
 * const a = square(2, [2, 1, 1, 2]);
 * const { values } = symmetricEigen(a); // [1, 3] in some order
 * const r = psdSqrt(a);                 // multiply(r, r) ≈ a
 *
 * @module
 */

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * A dense `size × size` matrix, row-major.
 *
 * @example
 * const { covariance }: { covariance: SquareMatrix } = await featureGaussian(features);
 * const variance0 = covariance.data[0];   // entry (0, 0)
 */
export interface SquareMatrix {
  readonly size: number;
  readonly data: Float64Array;
}

/** `a = V · diag(values) · Vᵀ`; `vectors` holds the eigenvectors as columns. */
export interface Eigen {
  readonly values: Float64Array;
  readonly vectors: SquareMatrix;
}

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/** A square matrix from its row-major entries; the length must be `size²`. */
export const square = (size: number, entries: ArrayLike<number>): SquareMatrix => {
  if (entries.length !== size * size) {
    throw new RangeError(`a ${size}×${size} matrix needs ${size * size} entries, got ${entries.length}`);
  }
  return { size, data: Float64Array.from(entries) };
};

/** The identity, the starting point of the accumulated rotations. */
export const identity = (size: number): SquareMatrix => {
  const data = new Float64Array(size * size);
  for (let i = 0; i < size; i++) data[i * size + i] = 1;
  return { size, data };
};

// -------------------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------------------

const at = (m: SquareMatrix, i: number, j: number): number => m.data[i * m.size + j] ?? 0;

/** The product `a · b`. */
export const multiply = (a: SquareMatrix, b: SquareMatrix): SquareMatrix => {
  const n = a.size;
  if (b.size !== n) throw new RangeError(`cannot multiply ${n}×${n} by ${b.size}×${b.size}`);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = at(a, i, k);
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] ?? 0) + aik * at(b, k, j);
    }
  }
  return { size: n, data: out };
};

/** `(a + aᵀ) / 2`: removes the rounding asymmetry a product like `r · b · r` picks up. */
export const symmetrize = (a: SquareMatrix): SquareMatrix => {
  const n = a.size;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = (at(a, i, j) + at(a, j, i)) / 2;
  return { size: n, data: out };
};

/** The sum of the diagonal. */
export const trace = (a: SquareMatrix): number => {
  let t = 0;
  for (let i = 0; i < a.size; i++) t += at(a, i, i);
  return t;
};

const offDiagonalSquares = (a: Float64Array, n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += 2 * (a[i * n + j] ?? 0) ** 2;
  return s;
};

/**
 * Eigenvalues and orthonormal eigenvectors of a symmetric matrix by cyclic Jacobi rotations, each
 * rotation zeroing one off-diagonal pair, sweeping until the off-diagonal mass is below `1e-30` of
 * the total (or 100 sweeps; in practice 6–10). Only the upper triangle's symmetry is assumed, not
 * checked beyond a cheap test: an asymmetric input is a bug in the caller and throws.
 */
export const symmetricEigen = (m: SquareMatrix): Eigen => {
  const n = m.size;
  const a = Float64Array.from(m.data);
  let total = 0;
  for (let i = 0; i < n * n; i++) total += (a[i] ?? 0) ** 2;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = a[i * n + j] ?? 0;
      const y = a[j * n + i] ?? 0;
      if (Math.abs(x - y) > 1e-9 * Math.sqrt(total) + 1e-300) {
        throw new RangeError(`symmetricEigen: matrix is not symmetric at (${i}, ${j}): ${x} vs ${y}`);
      }
    }
  }
  const v = identity(n).data;
  for (let sweep = 0; sweep < 100; sweep++) {
    if (offDiagonalSquares(a, n) <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (apq === 0) continue;
        const app = a[p * n + p] ?? 0;
        const aqq = a[q * n + q] ?? 0;
        const theta = (aqq - app) / (2 * apq);
        // The smaller root of t² + 2θt − 1 = 0: the rotation angle of at most π/4, for stability.
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Pᵀ A P with P the rotation in the (p, q) plane: columns, then rows; V ← V P.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] ?? 0;
  return { values, vectors: { size: n, data: v } };
};

/** `V · diag(f(λ)) · Vᵀ`: a function applied to a symmetric matrix through its eigenvalues. */
const spectralMap = ({ values, vectors }: Eigen, f: (lambda: number) => number): SquareMatrix => {
  const n = vectors.size;
  const fl = values.map(f);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += at(vectors, i, k) * (fl[k] ?? 0) * at(vectors, j, k);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return { size: n, data: out };
};

/**
 * The symmetric positive semi-definite square root `r` with `r · r = a`. Eigenvalues a rounding
 * error below zero (covariances of fewer samples than dimensions have exact zeros) are treated as 0.
 */
export const psdSqrt = (a: SquareMatrix): SquareMatrix =>
  spectralMap(symmetricEigen(a), (l) => Math.sqrt(Math.max(0, l)));

/**
 * `tr(√a)` for a symmetric PSD matrix: the sum of the square roots of its eigenvalues. Why: the
 * Fréchet distance needs only the trace of a square root, which the eigenvalues give directly.
 */
export const traceSqrt = (a: SquareMatrix): number =>
  symmetricEigen(a).values.reduce((t, l) => t + Math.sqrt(Math.max(0, l)), 0);
