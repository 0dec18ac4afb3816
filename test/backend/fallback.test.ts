/**
 * The fallback path for real: the native addon does not load (injected loader), so `auto` lands on
 * the real wasm backend with saddle's kernel fixes, products are right, and `nativeOptimizer`
 * declines so the runtime uses `tf.train.*`. Also: a run that had the native pack and then forces
 * `wasm` gets the fixed kernels back.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/runtime/backend/native-addon.js';
import { nativeOptimizer } from '../../src/runtime/backend/native-optimizer.js';
import type { BackendDeps } from '../../src/runtime/backend/select.js';
import { defaultBackendDeps, selectBackendWith } from '../../src/runtime/backend/select.js';
import type { ProductCase } from './helpers.js';
import { caseValues, maxRelativeError, referenceProduct } from './helpers.js';

const noTfjsNode: BackendDeps['importModule'] = (specifier) =>
  Promise.reject(
    Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' }),
  );

const adam = { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

const transposedWithBias: ProductCase = {
  aShape: [6, 4],
  bShape: [5, 6],
  transposeA: true,
  transposeB: true,
  biasShape: [5],
  activation: 'relu',
  seed: 11,
};

const fusedOnActiveBackend = (c: ProductCase): Float32Array => {
  const { a, b, bias } = caseValues(c);
  return tf.tidy(
    () =>
      tf.fused
        .matMul({
          a: tf.tensor(a, c.aShape),
          b: tf.tensor(b, c.bShape),
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias: tf.tensor(bias!, c.biasShape!),
          activation: c.activation,
        })
        .dataSync() as Float32Array,
  );
};

describe('addon absent → wasm + fixes', () => {
  it('auto selects wasm, says why the pack was skipped, computes right, and declines native optimizers', async () => {
    const info = await selectBackendWith('auto', {
      ...defaultBackendDeps,
      importModule: noTfjsNode,
      loadAddon: () => ({ ok: false, reason: 'the OpenBLAS kernel pack failed to load: simulated' }),
    });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.warnings).toContain(
      "backend 'native' skipped: the OpenBLAS kernel pack failed to load: simulated",
    );
    expect(info.details.wasmThreads).toBeGreaterThanOrEqual(1);
    const { a, b, bias } = caseValues(transposedWithBias);
    const expected = referenceProduct(transposedWithBias, a, b, bias).values;
    expect(maxRelativeError(fusedOnActiveBackend(transposedWithBias), expected)).toBeLessThan(1e-4);
    expect(nativeOptimizer(adam)).toBeUndefined();
  });

  it('an addon that is not the kernel pack counts as absent', async () => {
    const info = await selectBackendWith('auto', {
      ...defaultBackendDeps,
      importModule: noTfjsNode,
      loadAddon: () => ({ ok: false, reason: 'x.node is not saddle’s kernel pack (rebuild it)' }),
    });
    expect(info.name).toBe('wasm');
  });
});

describe('native, then forced wasm', () => {
  const load = loadNativeAddon();
  it(`switches the kernels back to the fixed wasm ones (pack ${load.ok ? 'built' : 'not built: wasm only'})`, async () => {
    if (load.ok) {
      const native = await selectBackendWith('native', { ...defaultBackendDeps, importModule: noTfjsNode });
      expect(native.name).toBe('native');
      expect(nativeOptimizer(adam)).toBeDefined();
    }
    const wasm = await selectBackendWith('wasm', { ...defaultBackendDeps, importModule: noTfjsNode });
    expect(wasm.name).toBe('wasm');
    expect(nativeOptimizer(adam)).toBeUndefined();
    const { a, b, bias } = caseValues(transposedWithBias);
    const expected = referenceProduct(transposedWithBias, a, b, bias).values;
    expect(maxRelativeError(fusedOnActiveBackend(transposedWithBias), expected)).toBeLessThan(1e-4);
  });
});
