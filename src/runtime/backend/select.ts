/**
 * Choosing the tfjs backend a run trains on, and saying which one it got.
 *
 * `auto` takes the fastest thing present, in order:
 * 1. `node-gpu` — `@tensorflow/tfjs-node-gpu` (TensorFlow with CUDA 11.2 + cuDNN 8.1);
 * 2. `node` — `@tensorflow/tfjs-node` (TensorFlow on the CPU);
 * 3. `native` — tfjs's wasm backend with saddle's kernel fixes and the OpenBLAS kernel pack;
 * 4. `wasm` — the wasm backend with saddle's kernel fixes;
 * 5. `cpu` — tfjs's pure-JavaScript backend (slow; always there).
 * The tfjs-node packages are optional peers: their absence is normal and never an error. A forced
 * choice that cannot be had fails with `BackendUnavailableError`, one line saying why and what to do.
 * tfjs-node-gpu silently runs TensorFlow on the CPU when it finds no usable GPU; saddle checks the
 * backend's `isUsingGpuDevice` (set from TensorFlow's device list by the binding) and warns loudly.
 *
 * Everything that touches the outside world (module loading, the native addon, wasm start-up) is in
 * `BackendDeps`, so the decision logic is tested with fakes.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { AddonLoader } from './native-addon.js';
import { loadNativeAddon } from './native-addon.js';
import { activateNativeKernels, deactivateNativeKernels } from './native-kernels.js';
import { installWasmFixes } from './wasm-fixes.js';
import type { WasmStart } from './wasm-start.js';
import { defaultNativeWasmThreads, defaultWasmThreads, firstLine, startWasm } from './wasm-start.js';

/**
 * A concrete backend saddle can train on, fastest first: CUDA through tfjs-node-gpu, TensorFlow's
 * C library through tfjs-node, saddle's OpenBLAS kernel pack over wasm (`native`), WebAssembly, and
 * plain JavaScript (`cpu`, the reference every other backend is tested against).
 *
 * @example
 * const info = await selectBackend('auto');
 * const name: BackendName = info.name;   // e.g. 'wasm' on a machine without native packages
 */
export type BackendName = 'node-gpu' | 'node' | 'native' | 'wasm' | 'cpu';
/**
 * What a user asks for: one backend by name (an error if it cannot be had), or `auto` for the best
 * one present. It is the CLI's `--backend` value.
 *
 * @example
 * const choice: BackendChoice = process.env['SADDLE_BACKEND'] === 'cpu' ? 'cpu' : 'auto';
 * await selectBackend(choice);
 */
export type BackendChoice = 'auto' | BackendName;

/**
 * The backend a run got. `banner` is the one line to print; `warnings` are to be printed too.
 *
 * @example
 * const info: BackendInfo = await selectBackend('auto');
 * console.log(info.banner);
 * info.warnings.forEach((w) => console.warn(w));
 */
export interface BackendInfo {
  readonly name: BackendName;
  /** What `tf.getBackend()` reports: `tensorflow`, `wasm` or `cpu`. */
  readonly tfjsBackend: string;
  readonly banner: string;
  readonly warnings: readonly string[];
  /** The figures the banner is made of, for reports and benchmarks. */
  readonly details: BackendDetails;
}

/**
 * The figures a backend's banner is made of (tfjs version, thread counts, BLAS build), as data, so
 * benchmarks and run reports can record what a number was measured on.
 *
 * @example
 * const { details } = await selectBackend('auto');
 * console.log(details.tfjsVersion, details.wasmThreads ?? '-', details.blas ?? 'no BLAS');
 */
export interface BackendDetails {
  readonly tfjsVersion: string;
  /** wasm backend thread-pool size (wasm and native only). */
  readonly wasmThreads?: number;
  /** BLAS build string and thread count (native only). */
  readonly blas?: string;
  readonly blasThreads?: number;
}

/**
 * A backend that was asked for by name and cannot be had. The message is one line.
 *
 * @example
 * try { await selectBackend('node-gpu'); }
 * catch (e) { if (e instanceof BackendUnavailableError) console.error(e.message); }   // backend 'node-gpu' is not available: ...
 */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is not available: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** The outside world, injectable for tests. */
export interface BackendDeps {
  /** Dynamic `import()` of an optional package; rejects when it is absent or fails to load. */
  readonly importModule: (specifier: string) => Promise<unknown>;
  readonly loadAddon: AddonLoader;
  /** Start (or re-activate) the wasm backend with this many threads (the first start decides). */
  readonly startWasm: (threads: number) => Promise<WasmStart>;
}

export const defaultBackendDeps: BackendDeps = {
  importModule: (specifier) => import(specifier),
  loadAddon: loadNativeAddon,
  startWasm: (threads) => startWasm(threads),
};

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const NODE_PACKAGE = '@tensorflow/tfjs-node';

/** Why a module could not be imported, in words: absent, or present but broken. */
const importFailure = (pkg: string, error: unknown): { absent: boolean; reason: string } => {
  const code = (error as { code?: unknown } | null)?.code;
  const message = firstLine(error);
  const absent = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(pkg);
  return { absent, reason: absent ? `${pkg} is not installed` : `${pkg} failed to load: ${message}` };
};

/** The properties tfjs-node's `NodeJSKernelBackend` sets from its binding. */
interface TfjsNodeBackend {
  readonly isGPUPackage?: boolean;
  readonly isUsingGpuDevice?: boolean;
}

/** Import a tfjs-node package and activate its `tensorflow` backend; the failure reason otherwise. */
const activateTensorflow = async (
  deps: BackendDeps,
  pkg: string,
): Promise<{ ok: true; backend: TfjsNodeBackend } | { ok: false; absent: boolean; reason: string }> => {
  try {
    await deps.importModule(pkg);
  } catch (error) {
    return { ok: false, ...importFailure(pkg, error) };
  }
  const registered = tf.findBackendFactory('tensorflow') != null;
  if (!registered) {
    return {
      ok: false,
      absent: false,
      reason: `${pkg} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs ${tf.version.tfjs} (install a matching ${pkg}@${tf.version.tfjs})`,
    };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) {
      return { ok: false, absent: false, reason: `${pkg}'s 'tensorflow' backend failed to initialise` };
    }
  } catch (error) {
    return { ok: false, absent: false, reason: `${pkg}'s 'tensorflow' backend failed: ${firstLine(error)}` };
  }
  return { ok: true, backend: tf.backend() as unknown as TfjsNodeBackend };
};

const gpuInstallHint = `npm i ${GPU_PACKAGE}; needs CUDA 11.2 + cuDNN 8.1`;
const nodeInstallHint = `npm i ${NODE_PACKAGE}`;

const tryNodeGpu = async (deps: BackendDeps): Promise<BackendInfo | string> => {
  const got = await activateTensorflow(deps, GPU_PACKAGE);
  if (!got.ok) return got.absent ? `${got.reason} (${gpuInstallHint})` : got.reason;
  const warnings: string[] = [];
  const onGpu = got.backend.isUsingGpuDevice === true;
  if (!onGpu) {
    warnings.push(
      'WARNING: @tensorflow/tfjs-node-gpu found NO usable GPU and is running TensorFlow ON THE CPU. ' +
        'Check the CUDA 11.2 / cuDNN 8.1 installation (TensorFlow logs why at start-up), or use --backend node.',
    );
  }
  return {
    name: 'node-gpu',
    tfjsBackend: tf.getBackend(),
    banner: `saddle backend: node-gpu (tfjs ${tf.version.tfjs}, TensorFlow via ${GPU_PACKAGE}, ${onGpu ? 'on the GPU' : 'FELL BACK TO CPU'})`,
    warnings,
    details: { tfjsVersion: tf.version.tfjs },
  };
};

const tryNode = async (deps: BackendDeps): Promise<BackendInfo | string> => {
  const got = await activateTensorflow(deps, NODE_PACKAGE);
  if (!got.ok) return got.absent ? `${got.reason} (${nodeInstallHint})` : got.reason;
  return {
    name: 'node',
    tfjsBackend: tf.getBackend(),
    banner: `saddle backend: node (tfjs ${tf.version.tfjs}, TensorFlow on the CPU via ${NODE_PACKAGE})`,
    warnings: [],
    details: { tfjsVersion: tf.version.tfjs },
  };
};

const wasmThreadsText = (start: WasmStart): string =>
  `${start.threads} wasm thread${start.threads === 1 ? '' : 's'}`;

const tryWasmFamily = async (deps: BackendDeps, withNative: boolean): Promise<BackendInfo | string> => {
  // The pack is checked before wasm starts: the first start fixes the wasm thread count.
  const load = withNative ? deps.loadAddon() : undefined;
  if (load !== undefined && !load.ok) return load.reason;
  let start: WasmStart;
  try {
    start = await deps.startWasm(withNative ? defaultNativeWasmThreads() : defaultWasmThreads());
  } catch (error) {
    return `the tfjs wasm backend failed to start: ${firstLine(error)}`;
  }
  if (load !== undefined && load.ok) {
    activateNativeKernels(load.addon);
    const info = load.addon.info();
    const blas = info.blas.split(' ').slice(0, 2).join(' ');
    return {
      name: 'native',
      tfjsBackend: tf.getBackend(),
      banner:
        `saddle backend: native (tfjs ${tf.version.tfjs} wasm, ${wasmThreadsText(start)}, saddle kernel fixes; ` +
        `matmul + optimizers on ${blas}, ${info.threads} BLAS thread${info.threads === 1 ? '' : 's'})`,
      warnings: [...start.notes],
      details: {
        tfjsVersion: tf.version.tfjs,
        wasmThreads: start.threads,
        blas: info.blas,
        blasThreads: info.threads,
      },
    };
  }
  deactivateNativeKernels();
  installWasmFixes();
  return {
    name: 'wasm',
    tfjsBackend: tf.getBackend(),
    banner: `saddle backend: wasm (tfjs ${tf.version.tfjs} wasm, ${wasmThreadsText(start)}, saddle kernel fixes; no BLAS)`,
    warnings: [...start.notes],
    details: { tfjsVersion: tf.version.tfjs, wasmThreads: start.threads },
  };
};

const useCpu = async (): Promise<BackendInfo> => {
  if (!(await tf.setBackend('cpu')))
    throw new BackendUnavailableError('cpu', "tfjs's cpu backend failed to initialise");
  // The cpu backend greets its first tensor with a multi-line "install tfjs-node" notice; our
  // banner already says what is active and what is faster, so mark the backend as greeted.
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
  return {
    name: 'cpu',
    tfjsBackend: 'cpu',
    banner: `saddle backend: cpu (tfjs ${tf.version.tfjs} pure-JavaScript kernels; ~100× slower than native)`,
    warnings: [],
    details: { tfjsVersion: tf.version.tfjs },
  };
};

const attempt = (name: Exclude<BackendName, 'cpu'>, deps: BackendDeps): Promise<BackendInfo | string> =>
  name === 'node-gpu'
    ? tryNodeGpu(deps)
    : name === 'node'
      ? tryNode(deps)
      : tryWasmFamily(deps, name === 'native');

/**
 * `selectBackend` with injectable dependencies. In `auto`, failures of present-but-broken packages
 * become warnings on the result (an absent optional package is silent).
 */
export const selectBackendWith = async (choice: BackendChoice, deps: BackendDeps): Promise<BackendInfo> => {
  if (choice === 'cpu') return useCpu();
  if (choice !== 'auto') {
    const got = await attempt(choice, deps);
    if (typeof got === 'string') throw new BackendUnavailableError(choice, got);
    return got;
  }
  const skipped: string[] = [];
  for (const name of ['node-gpu', 'node', 'native', 'wasm'] as const) {
    const got = await attempt(name, deps);
    if (typeof got !== 'string') return { ...got, warnings: [...skipped, ...got.warnings] };
    const quiet =
      got.includes('is not installed') || got.includes('is not built') || got.includes('SADDLE_NATIVE=0');
    if (!quiet) skipped.push(`backend '${name}' skipped: ${got}`);
  }
  const cpu = await useCpu();
  return { ...cpu, warnings: [...skipped, ...cpu.warnings] };
};

/**
 * Activate the backend a run should train on (see the module doc for the order `auto` tries) and
 * return what is active. Print `banner` and every warning.
 *
 * @example
 * const { banner } = await selectBackend('auto');
 * console.log(banner);   // call once, before creating a trainer
 */
export const selectBackend = (choice: BackendChoice): Promise<BackendInfo> =>
  selectBackendWith(choice, defaultBackendDeps);
