import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  identity,
  multiply,
  psdSqrt,
  square,
  symmetricEigen,
  trace,
  traceSqrt,
  type SquareMatrix,
} from '../../src/eval/symmetric.js';

const transpose = (m: SquareMatrix): SquareMatrix =>
  square(
    m.size,
    Array.from(
      { length: m.size * m.size },
      (_, k) => m.data[(k % m.size) * m.size + Math.floor(k / m.size)] ?? 0,
    ),
  );

const maxAbsDiff = (a: SquareMatrix, b: SquareMatrix): number =>
  a.data.reduce((m, x, i) => Math.max(m, Math.abs(x - (b.data[i] ?? 0))), 0);

/** A random n×n matrix with entries in [−3, 3]. */
const anyMatrix = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc
      .array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * n, maxLength: n * n })
      .map((e) => square(n, e)),
  );

const symmetricOf = (b: SquareMatrix): SquareMatrix => {
  const t = transpose(b);
  return square(
    b.size,
    b.data.map((x, i) => (x + (t.data[i] ?? 0)) / 2),
  );
};

describe('symmetricEigen', () => {
  it('finds the eigenvalues of a known matrix', () => {
    const { values } = symmetricEigen(square(2, [2, 1, 1, 2]));
    expect([...values].sort((a, b) => a - b)).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });

  test.prop([anyMatrix])('V diag(λ) Vᵀ rebuilds the matrix and V is orthonormal', (b) => {
    const a = symmetricOf(b);
    const { values, vectors } = symmetricEigen(a);
    const n = a.size;
    const diag = square(
      n,
      Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? (values[k / (n + 1)] ?? 0) : 0)),
    );
    expect(maxAbsDiff(multiply(multiply(vectors, diag), transpose(vectors)), a)).toBeLessThan(1e-9);
    expect(maxAbsDiff(multiply(transpose(vectors), vectors), identity(n))).toBeLessThan(1e-12);
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace(a), 9);
  });

  it('refuses a matrix that is not symmetric', () => {
    expect(() => symmetricEigen(square(2, [1, 2, 0, 1]))).toThrow(/not symmetric at \(0, 1\)/);
  });
});

describe('psdSqrt', () => {
  test.prop([anyMatrix])('squares back to the PSD matrix BᵀB', (b) => {
    const a = multiply(transpose(b), b);
    const r = psdSqrt(a);
    expect(maxAbsDiff(multiply(r, r), a)).toBeLessThan(1e-8 * (1 + trace(a)));
    expect(maxAbsDiff(r, transpose(r))).toBe(0);
    expect(traceSqrt(a)).toBeCloseTo(trace(r), 7);
  });

  it('takes the square root of a diagonal matrix entrywise', () => {
    const r = psdSqrt(square(3, [4, 0, 0, 0, 9, 0, 0, 0, 0]));
    expect([...r.data]).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 0].map((x) => expect.closeTo(x, 12)));
  });
});
