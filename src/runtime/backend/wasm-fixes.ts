/**
 * saddle's fixes for two matrix-product kernels of tfjs-backend-wasm 4.22.
 *
 * 1. Speed. The wasm `BatchMatMul` takes XNNPACK's fast path (~40 GFLOP/s) only when neither
 *    operand is transposed; with a transposed operand it runs a naive loop at ~3 GFLOP/s. Every dense
 *    layer's backward pass multiplies by a transposed operand (`dX = dY·Wᵀ`, `dW = Xᵀ·dY`), so
 *    training spends most of its time there. The fix materialises the transpose with the backend's
 *    own `Transpose` kernel (memory-bound, ~1 ms per million floats) and calls the stock kernel
 *    untransposed.
 * 2. Correctness. The wasm `_FusedMatMul` adds the bias per row instead of per column whenever it
 *    leaves its XNNPACK path — with a transposed operand, or more than one matrix per operand (e.g.
 *    `[[1,4],[2,5],[3,6]]ᵀ · [[1,0],[0,1],[1,1]] + [10,20]` gives 30 where 20 belongs). The stock
 *    fused kernel therefore only ever sees one untransposed product; batched products are computed
 *    unfused.
 * Batches: the stock kernels index batch `i` of an operand as `i % count`, which is wrong for general
 * broadcasting (`[2,1,…]` against `[3,…]`); such operands are tiled to the output's batch shape first.
 *
 * Registered through tfjs's public kernel registry (`installWasmFixes`); they replace the kernels
 * for every caller of the wasm backend in the process, which is the point.
 *
 * @module
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { replaceWasmKernel, stockWasmKernel } from './kernel-swap.js';
import { matMulGeometry } from './matmul-geometry.js';
import type { WasmBackendInternals } from './wasm-internals.js';
import { asWasmBackend, release } from './wasm-internals.js';

/** Attributes both matrix-product kernels share. */
interface MatMulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const product = (xs: readonly number[]): number => xs.reduce((p, x) => p * x, 1);

const runStock = (kernelName: string, args: Parameters<KernelFunc>[0]): TensorInfo => {
  const out = stockWasmKernel(kernelName).kernelFunc(args);
  if (Array.isArray(out)) throw new Error(`saddle: the wasm ${kernelName} kernel returned several outputs`);
  return out;
};

const reshape = (backend: WasmBackendInternals, x: TensorInfo, shape: number[]): TensorInfo =>
  runStock('Reshape', { inputs: { x }, backend, attrs: { shape } });

/** Swap the last two axes with the backend's own Transpose kernel. */
const transposeInner = (backend: WasmBackendInternals, x: TensorInfo): TensorInfo => {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return runStock('Transpose', { inputs: { x }, backend, attrs: { perm } });
};

/** `x` tiled so that its batch dimensions equal `batchShape` (rank made equal first). */
const broadcastBatch = (
  backend: WasmBackendInternals,
  x: TensorInfo,
  batchShape: readonly number[],
  temps: TensorInfo[],
): TensorInfo => {
  const inner = x.shape.slice(-2);
  const batch = x.shape.slice(0, -2);
  const padded = [...Array.from({ length: batchShape.length - batch.length }, () => 1), ...batch];
  const reshaped = reshape(backend, x, [...padded, ...inner]);
  temps.push(reshaped);
  const reps = [...padded.map((d, i) => (d === 1 ? (batchShape[i] ?? 1) : 1)), 1, 1];
  const tiled = runStock('Tile', { inputs: { x: reshaped }, backend, attrs: { reps } });
  temps.push(tiled);
  return tiled;
};

/**
 * The operands the stock kernels handle correctly and fast: batch dimensions the stock indexing
 * gets right, and no transposes. Intermediates go to `temps` for the caller to release.
 */
const prepareOperands = (
  backend: WasmBackendInternals,
  a: TensorInfo,
  b: TensorInfo,
  { transposeA, transposeB }: MatMulAttrs,
  temps: TensorInfo[],
): { a: TensorInfo; b: TensorInfo } => {
  const geometry = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const count = product(geometry.batchShape);
  const countA = product(a.shape.slice(0, -2));
  const countB = product(b.shape.slice(0, -2));
  const stockIndexingRight =
    geometry.moduloIndexingIsRight &&
    (countA === 1 || countA === count) &&
    (countB === 1 || countB === count);
  // An operand with one matrix, or with the output's full batch, is indexed right by the stock kernel.
  let a2 =
    stockIndexingRight || countA === count ? a : broadcastBatch(backend, a, geometry.batchShape, temps);
  let b2 =
    stockIndexingRight || countB === count ? b : broadcastBatch(backend, b, geometry.batchShape, temps);
  if (transposeA) {
    a2 = transposeInner(backend, a2);
    temps.push(a2);
  }
  if (transposeB) {
    b2 = transposeInner(backend, b2);
    temps.push(b2);
  }
  return { a: a2, b: b2 };
};

/**
 * `A · Bᵀ` for one product whose `B` is the big operand (a layer's backward `dY · Wᵀ`), computed as
 * `(B · Aᵀ)ᵀ`: transposing and packing the small `A` and the small result is cheaper than
 * transposing the big `B` and having XNNPACK re-pack it as fresh weights.
 */
const swappedTransposeB = (
  backend: WasmBackendInternals,
  a: TensorInfo,
  b: TensorInfo,
  temps: TensorInfo[],
): TensorInfo => {
  const aT = transposeInner(backend, a);
  temps.push(aT);
  const bta = runStock('BatchMatMul', {
    inputs: { a: b, b: aT },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
  temps.push(bta);
  return transposeInner(backend, bta);
};

/** `BatchMatMul` on wasm: transposes materialised, broadcasting made explicit, then the stock kernel. */
export const fixedBatchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = asWasmBackend(backend);
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const transposes = attrs as unknown as MatMulAttrs;
  const geometry = matMulGeometry(a.shape, b.shape, transposes.transposeA, transposes.transposeB);
  const { m, n, k } = geometry;
  const temps: TensorInfo[] = [];
  try {
    const single = product(a.shape.slice(0, -2)) === 1 && product(b.shape.slice(0, -2)) === 1;
    if (single && transposes.transposeB && !transposes.transposeA && k * n > m * k + m * n) {
      return { ...swappedTransposeB(wasm, a, b, temps), shape: [...geometry.outShape] };
    }
    const operands = prepareOperands(wasm, a, b, transposes, temps);
    const out = runStock('BatchMatMul', {
      inputs: operands,
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    // The stock kernel shapes its output from the (possibly tiled) operands; restore the broadcast shape.
    return { ...out, shape: [...geometry.outShape] };
  } finally {
    for (const t of temps) release(wasm, t);
  }
};

/** Fused-matmul attributes. */
interface FusedAttrs extends MatMulAttrs {
  readonly activation?: string | null;
  readonly leakyreluAlpha?: number | null;
}

/** A bias of shape `[1, …, 1, n]` as a rank-1 buffer (the stock kernel checks the recorded rank). */
const rankOneBias = (backend: WasmBackendInternals, bias: TensorInfo, temps: TensorInfo[]): TensorInfo => {
  const n = bias.shape[bias.shape.length - 1] ?? 1;
  if (bias.shape.length <= 1 || product(bias.shape) !== n) return bias;
  const flat = reshape(backend, bias, [n]);
  temps.push(flat);
  const copy = runStock('Identity', { inputs: { x: flat }, backend, attrs: {} });
  temps.push(copy);
  return copy;
};

/** `x` through a fused-matmul activation, with the backend's own elementwise kernels. */
const activate = (
  backend: WasmBackendInternals,
  x: TensorInfo,
  attrs: FusedAttrs,
  prelu: TensorInfo | null,
  temps: TensorInfo[],
): TensorInfo => {
  const act = attrs.activation ?? 'linear';
  const kernels: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };
  const simple = kernels[act];
  if (act === 'linear') return x;
  temps.push(x);
  if (simple !== undefined) return runStock(simple, { inputs: { x }, backend, attrs: {} });
  if (act === 'leakyrelu') {
    return runStock('LeakyRelu', { inputs: { x }, backend, attrs: { alpha: attrs.leakyreluAlpha ?? 0.2 } });
  }
  if (act === 'prelu' && prelu !== null)
    return runStock('Prelu', { inputs: { x, alpha: prelu }, backend, attrs: {} });
  throw new Error(`saddle: fused activation '${act}' is not supported on the wasm backend`);
};

/**
 * `_FusedMatMul` on wasm. The stock fused kernel is right only on its XNNPACK path (one matrix per
 * operand, no transposes); elsewhere it adds the bias per row instead of per column. So: operands
 * are prepared as for `fixedBatchMatMul`; a single product goes to the stock fused kernel
 * untransposed; a batched one is computed unfused (stock BatchMatMul, then Add, then the activation
 * kernel). A bias of shape `[1, …, 1, n]` is passed as the rank-1 bias the stock kernel requires.
 */
export const fixedFusedMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = asWasmBackend(backend);
  const { a, b, bias, preluActivationWeights } = inputs as {
    a: TensorInfo;
    b: TensorInfo;
    bias?: TensorInfo | null;
    preluActivationWeights?: TensorInfo | null;
  };
  const fusedAttrs = attrs as unknown as FusedAttrs & Record<string, unknown>;
  const prelu = preluActivationWeights ?? null;
  const temps: TensorInfo[] = [];
  try {
    const geometry = matMulGeometry(a.shape, b.shape, fusedAttrs.transposeA, fusedAttrs.transposeB);
    const operands = prepareOperands(wasm, a, b, fusedAttrs, temps);
    if (product(geometry.batchShape) === 1) {
      const fusedInputs: Record<string, TensorInfo> = { ...operands };
      if (bias !== undefined && bias !== null) fusedInputs['bias'] = rankOneBias(wasm, bias, temps);
      if (prelu !== null) fusedInputs['preluActivationWeights'] = prelu;
      const out = runStock('_FusedMatMul', {
        inputs: fusedInputs,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      return { ...out, shape: [...geometry.outShape] };
    }
    let out = runStock('BatchMatMul', {
      inputs: operands,
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    out = { ...out, shape: [...geometry.outShape] };
    if (bias !== undefined && bias !== null) {
      temps.push(out);
      out = runStock('Add', { inputs: { a: out, b: bias }, backend, attrs: {} });
    }
    return activate(wasm, out, fusedAttrs, prelu, temps);
  } finally {
    for (const t of temps) release(wasm, t);
  }
};

/** Register the fixed kernels for the wasm backend (idempotent; replaces the native pack if active). */
export const installWasmFixes = (): void => {
  replaceWasmKernel('BatchMatMul', fixedBatchMatMul);
  replaceWasmKernel('_FusedMatMul', fixedFusedMatMul);
};
