/**
 * saddle's wasm kernel fixes: `BatchMatMul` and `_FusedMatMul` on the wasm backend give the right
 * values (against a naive float64 reference and against tfjs's cpu backend), the right gradients, no
 * leaked backend memory, and never the stock fused kernel's transpose-plus-bias bug.
 */
import { test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreStockWasmKernel } from '../../src/runtime/backend/kernel-swap.js';
import { installWasmFixes } from '../../src/runtime/backend/wasm-fixes.js';
import { startWasm } from '../../src/runtime/backend/wasm-start.js';
import type { ProductCase } from './helpers.js';
import {
  caseValues,
  fusedGradients,
  maxRelativeError,
  onCpu,
  productCases,
  referenceProduct,
} from './helpers.js';

const TOLERANCE = 1e-4;

const runBatchMatMul = (c: ProductCase): { shape: number[]; values: Float32Array } => {
  const { a, b } = caseValues(c);
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape), c.transposeA, c.transposeB);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
};

const runFused = (c: ProductCase): { shape: number[]; values: Float32Array } => {
  const { a, b, bias } = caseValues(c);
  return tf.tidy(() => {
    const out = tf.fused.matMul({
      a: tf.tensor(a, c.aShape),
      b: tf.tensor(b, c.bShape),
      transposeA: c.transposeA,
      transposeB: c.transposeB,
      ...(bias !== null && c.biasShape !== null ? { bias: tf.tensor(bias, c.biasShape) } : {}),
      activation: c.activation,
    });
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
};

beforeAll(async () => {
  await startWasm();
  installWasmFixes();
});

describe('fixed wasm BatchMatMul', () => {
  test.prop([productCases({ broadcast: true })], { numRuns: 150 })(
    'equals the naive reference for every transpose and broadcast batch shape',
    (c) => {
      const linear = { ...c, biasShape: null, activation: 'linear' as const };
      const { a, b } = caseValues(linear);
      const expected = referenceProduct(linear, a, b, null);
      const got = runBatchMatMul(linear);
      expect(got.shape).toEqual(expected.shape);
      expect(maxRelativeError(got.values, expected.values)).toBeLessThan(TOLERANCE);
    },
  );

  it('matches the cpu backend on a larger product with a transposed weight', async () => {
    const c: ProductCase = {
      aShape: [20, 300],
      bShape: [200, 300],
      transposeA: false,
      transposeB: true,
      biasShape: null,
      activation: 'linear',
      seed: 7,
    };
    const wasm = runBatchMatMul(c);
    const cpu = await onCpu(() => runBatchMatMul(c));
    expect(maxRelativeError(wasm.values, cpu.values)).toBeLessThan(TOLERANCE);
  });
});

describe('fixed wasm _FusedMatMul', () => {
  test.prop([productCases({ broadcast: false, maxBatchRank: 1 })], { numRuns: 150 })(
    'equals the naive reference with bias and activation',
    (c) => {
      const { a, b, bias } = caseValues(c);
      const expected = referenceProduct(c, a, b, bias);
      const got = runFused(c);
      expect(got.shape).toEqual(expected.shape);
      expect(maxRelativeError(got.values, expected.values)).toBeLessThan(TOLERANCE);
    },
  );

  test.prop([productCases({ broadcast: false, maxBatchRank: 1, sameBatch: true })], { numRuns: 40 })(
    'has the cpu backend’s values and gradients',
    async (c) => {
      const wasmValues = runFused(c);
      const wasmGrads = fusedGradients(c);
      const [cpuValues, cpuGrads] = await onCpu(() => [runFused(c), fusedGradients(c)] as const);
      expect(maxRelativeError(wasmValues.values, cpuValues.values)).toBeLessThan(TOLERANCE);
      expect(wasmGrads.length).toBe(cpuGrads.length);
      wasmGrads.forEach((g, i) => expect(maxRelativeError(g, cpuGrads[i]!)).toBeLessThan(TOLERANCE));
    },
  );

  // tfjs-backend-wasm 4.22's fused kernel adds the bias to the wrong elements when an operand is
  // transposed: [[1,2,3],[4,5,6]] · [[1,0],[0,1],[1,1]] + [10, 20] has 20 at [1][0]; stock gives 30.
  const transposeBiasCase = (): number[][] =>
    tf.tidy(() => {
      const a = tf.tensor2d([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
      const b = tf.tensor2d([
        [1, 0],
        [0, 1],
        [1, 1],
      ]);
      const out = tf.fused.matMul({
        a,
        b,
        transposeA: true,
        bias: tf.tensor1d([10, 20]),
        activation: 'relu',
      });
      return out.arraySync() as number[][];
    });
  const expectedTransposeBias = [
    [14, 25],
    [20, 31],
  ];

  it('gets a transposed operand plus a bias right (regression: tfjs 4.22 wasm bug)', () => {
    expect(transposeBiasCase()).toEqual(expectedTransposeBias);
  });

  it('the regression check above fails on the stock kernel (so it would catch the bug)', () => {
    restoreStockWasmKernel('_FusedMatMul');
    try {
      expect(transposeBiasCase()).not.toEqual(expectedTransposeBias);
    } finally {
      installWasmFixes();
    }
  });
});

describe('memory', () => {
  it('leaves tensor and backend buffer counts flat across repeated transposed products', () => {
    const a = tf.tensor(
      caseValues({
        aShape: [2, 5, 3],
        bShape: [1],
        transposeA: true,
        transposeB: true,
        biasShape: null,
        activation: 'linear',
        seed: 1,
      }).a,
      [2, 5, 3],
    );
    const b = tf.ones([2, 4, 5]);
    const bias = tf.ones([4]);
    const step = (): void => {
      tf.tidy(() => {
        tf.matMul(a, b, true, true);
        tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' });
        tf.matMul(tf.ones([2, 1, 3, 4]), tf.ones([3, 4, 2]));
      });
    };
    step();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([a, b, bias]);
  });
});
