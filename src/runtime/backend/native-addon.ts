/**
 * Loading saddle's native kernel pack (`native/`, built at install time where OpenBLAS headers exist).
 *
 * The addon is optional: it is absent on machines without BLAS headers, after a failed build, or
 * when disabled with `SADDLE_NATIVE=0`. Loading never throws; it returns why it failed, and the
 * backend selection falls back to the wasm kernel fixes. The loader is a plain function so tests
 * (and embedders) can inject another one.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The functions `native/saddle_native.c` exports. Offsets and sizes are in float elements. */
export interface NativeAddon {
  info(): { readonly blas: string; readonly threads: number; readonly cores: number };
  setThreads(threads: number): void;
  /** `C[i] = act(op(A[i]) · op(B[i]) + bias)` for each `(a, b, c)` offset triple; act 0 linear, 1 relu. */
  gemm(
    heap: Float32Array,
    offsets: Uint32Array,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    biasOffset: number,
    relu: number,
  ): void;
  adam(
    heap: Float32Array,
    n: number,
    value: number,
    grad: number,
    m: number,
    v: number,
    valueOut: number,
    mOut: number,
    vOut: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
  ): void;
  momentum(
    heap: Float32Array,
    n: number,
    value: number,
    grad: number,
    accumulation: number,
    valueOut: number,
    accumulationOut: number,
    learningRate: number,
    momentum: number,
    nesterov: number,
  ): void;
  sgd(
    heap: Float32Array,
    n: number,
    value: number,
    grad: number,
    valueOut: number,
    learningRate: number,
  ): void;
  rmsprop(
    heap: Float32Array,
    n: number,
    value: number,
    grad: number,
    meanSquare: number,
    moment: number,
    valueOut: number,
    meanSquareOut: number,
    momentOut: number,
    learningRate: number,
    decay: number,
    momentum: number,
    epsilon: number,
  ): void;
}

export type AddonLoad =
  | { readonly ok: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly ok: false; readonly reason: string };

/** Something that produces the addon or says why not. */
export type AddonLoader = () => AddonLoad;

const addonFunctions = ['info', 'setThreads', 'gemm', 'adam', 'momentum', 'sgd', 'rmsprop'] as const;

/**
 * Where `scripts/build-native.mjs` puts the addon: `native/build/Release/` of the package this file
 * belongs to (found by walking up to the directory holding `native/binding.gyp`, so it works from
 * `src/`, `dist/` and the benchmark's `dist/src/` alike).
 */
export const nativeAddonPath = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'native', 'binding.gyp'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) {
      dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
      break;
    }
    dir = parent;
  }
  return path.join(dir, 'native', 'build', 'Release', 'saddle_native.node');
};

/** Check that a loaded module really is the kernel pack (a stale or foreign build is treated as absent). */
export const asNativeAddon = (candidate: unknown): NativeAddon | undefined => {
  if (candidate === null || typeof candidate !== 'object') return undefined;
  const record = candidate as Record<string, unknown>;
  return addonFunctions.every((name) => typeof record[name] === 'function')
    ? (candidate as NativeAddon)
    : undefined;
};

/**
 * The default loader: the built addon next to the package, unless `SADDLE_NATIVE=0`. Sets
 * `OPENBLAS_THREAD_TIMEOUT=4` (idle BLAS threads sleep at once) unless already set.
 */
export const loadNativeAddon: AddonLoader = () => {
  if (process.env['SADDLE_NATIVE'] === '0') return { ok: false, reason: 'disabled by SADDLE_NATIVE=0' };
  const file = nativeAddonPath();
  if (!existsSync(file)) {
    return {
      ok: false,
      reason:
        'the OpenBLAS kernel pack is not built (install libopenblas-dev, then run `node scripts/build-native.mjs` in the saddle package)',
    };
  }
  // OpenBLAS's idle worker threads spin for up to 2^28 cycles after each product by default; between
  // a training step's many small products that burns a core the wasm kernels need. OpenBLAS reads
  // this when the library loads (i.e. now), so it is set first unless the user chose a value.
  process.env['OPENBLAS_THREAD_TIMEOUT'] ??= '4';
  try {
    const addon = asNativeAddon(createRequire(import.meta.url)(file));
    if (addon === undefined) return { ok: false, reason: `${file} is not saddle's kernel pack (rebuild it)` };
    return { ok: true, addon, path: file };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return { ok: false, reason: `the OpenBLAS kernel pack failed to load: ${message}` };
  }
};
