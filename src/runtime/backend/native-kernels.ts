/**
 * The native kernel pack's matrix products on the wasm backend: `BatchMatMul` and `_FusedMatMul`
 * computed by OpenBLAS's `cblas_sgemm`, reading and writing the tensors inside the wasm memory.
 *
 * sgemm handles every transpose combination itself (no materialised transposes), runs at ~180
 * GFLOP/s on two cores against XNNPACK-in-wasm's ~40, and fuses bias and ReLU. Batches follow NumPy
 * broadcasting (one `(a, b, c)` offset triple per output matrix). What the pack does not cover —
 * other dtypes, other activations, PReLU weights, a bias that is not one value per column, empty
 * operands — goes to saddle's fixed wasm kernels, so results never depend on which path ran.
 *
 * Activation state lives here too: `activateNativeKernels` registers the kernels and records the
 * addon, which `nativeOptimizer` consults.
 *
 * @module
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { replaceWasmKernel } from './kernel-swap.js';
import { matMulGeometry } from './matmul-geometry.js';
import type { NativeAddon } from './native-addon.js';
import { fixedBatchMatMul, fixedFusedMatMul } from './wasm-fixes.js';
import type { WasmBackendInternals } from './wasm-internals.js';
import { asWasmBackend, floatOffset } from './wasm-internals.js';

const product = (xs: readonly number[]): number => xs.reduce((p, x) => p * x, 1);

/** Allocate the output and run sgemm for every output matrix. */
const gemm = (
  addon: NativeAddon,
  backend: WasmBackendInternals,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: TensorInfo | null,
  relu: boolean,
): TensorInfo => {
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const out = backend.makeOutput([...g.outShape], 'float32');
  const aBase = floatOffset(backend, a);
  const bBase = floatOffset(backend, b);
  const cBase = floatOffset(backend, out);
  const count = g.aIndex.length;
  const offsets = new Uint32Array(3 * count);
  for (let i = 0; i < count; i++) {
    offsets[3 * i] = aBase + (g.aIndex[i] ?? 0) * g.m * g.k;
    offsets[3 * i + 1] = bBase + (g.bIndex[i] ?? 0) * g.k * g.n;
    offsets[3 * i + 2] = cBase + i * g.m * g.n;
  }
  const biasOffset = bias === null ? -1 : floatOffset(backend, bias);
  // Read the heap only now: makeOutput may have grown (and so replaced) the wasm memory.
  addon.gemm(
    backend.wasm.HEAPF32,
    offsets,
    g.m,
    g.n,
    g.k,
    transposeA ? 1 : 0,
    transposeB ? 1 : 0,
    biasOffset,
    relu ? 1 : 0,
  );
  return out;
};

/** True when the product has no empty dimension (sgemm needs m, n, k ≥ 1). */
const nonEmpty = (a: TensorInfo, b: TensorInfo): boolean => product(a.shape) > 0 && product(b.shape) > 0;

/** `BatchMatMul` through sgemm; non-float32 or empty operands go to the fixed wasm kernel. */
export const nativeBatchMatMul =
  (addon: NativeAddon): KernelFunc =>
  (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !nonEmpty(a, b)) return fixedBatchMatMul(args);
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    return gemm(addon, asWasmBackend(args.backend), a, b, transposeA, transposeB, null, false);
  };

/** `_FusedMatMul` through sgemm with bias and linear/ReLU; everything else goes to the fixed kernel. */
export const nativeFusedMatMul =
  (addon: NativeAddon): KernelFunc =>
  (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as {
      a: TensorInfo;
      b: TensorInfo;
      bias?: TensorInfo | null;
      preluActivationWeights?: TensorInfo | null;
    };
    const { transposeA, transposeB, activation } = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string | null;
    };
    const act = activation ?? 'linear';
    const hasBias = bias !== undefined && bias !== null;
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const biasPerColumn =
      !hasBias ||
      (bias.dtype === 'float32' && product(bias.shape) === n && bias.shape[bias.shape.length - 1] === n);
    const supported =
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      nonEmpty(a, b) &&
      (act === 'linear' || act === 'relu') &&
      (preluActivationWeights === undefined || preluActivationWeights === null) &&
      biasPerColumn;
    if (!supported) return fixedFusedMatMul(args);
    return gemm(
      addon,
      asWasmBackend(args.backend),
      a,
      b,
      transposeA,
      transposeB,
      hasBias ? bias : null,
      act === 'relu',
    );
  };

let active: NativeAddon | undefined;

/**
 * Register the native matrix-product kernels for the wasm backend and mark the pack active. Sets
 * OpenBLAS's thread count (default: every core the machine reports).
 */
export const activateNativeKernels = (addon: NativeAddon, threads?: number): void => {
  const wanted = threads ?? addon.info().cores;
  if (wanted > 0) addon.setThreads(wanted);
  replaceWasmKernel('BatchMatMul', nativeBatchMatMul(addon));
  replaceWasmKernel('_FusedMatMul', nativeFusedMatMul(addon));
  active = addon;
};

/** Forget the active pack (the caller re-registers other kernels, e.g. `installWasmFixes`). */
export const deactivateNativeKernels = (): void => {
  active = undefined;
};

/** The addon whose kernels are registered, if any: `nativeOptimizer` runs only then. */
export const activeNativeAddon = (): NativeAddon | undefined => active;
