/**
 * Starting tfjs's wasm backend in Node: from the package's own files (no network), multi-threaded
 * where the threaded build works.
 *
 * Why this is more than `tf.setBackend('wasm')`:
 * - In Node the `.wasm` binaries must be located explicitly (`setWasmPaths` on the package's
 *   `dist/`, resolved with `createRequire`), or tfjs tries to fetch them.
 * - tfjs-backend-wasm 4.22 never uses its threaded build in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is
 *   hard-wired to false there, tfjs issue #3830): its loader hands Emscripten a `blob:` URL for the
 *   pthread worker, which Node's `Worker` cannot open. The worker script itself supports Node, so
 *   saddle writes it to a file in the OS temp directory and instantiates the threaded build with
 *   plain paths. Two more details make it usable: the C++ side caps its thread pool at
 *   `emscripten_num_logical_cores() / 2` (it assumes two hyper-threads per core), and Emscripten
 *   reads that from `os.cpus()` in Node, so saddle reports `2 × threads` cores while the module
 *   initialises; and the pool's workers are `unref()`ed so they never keep the process alive.
 *   Anything failing on this path falls back to the stock single-threaded build, with a note.
 *
 * Threads: `SADDLE_WASM_THREADS` if set, else the number of cores the process may use (≤ 8, the
 * size of the build's preallocated worker pool) — or 1 beside the native pack (see
 * `defaultNativeWasmThreads`).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/** What `startWasm` ended up with. */
export interface WasmStart {
  /** Threads in the wasm backend's XNNPACK thread pool (1 = single-threaded build). */
  readonly threads: number;
  readonly threaded: boolean;
  /** Why the threaded build is not in use, when it is not. */
  readonly notes: readonly string[];
}

/** The installed tfjs-backend-wasm package directory. */
export const wasmPackageDir = (): string =>
  path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));

/** Threads to ask for: `SADDLE_WASM_THREADS`, else the usable cores, capped at the build's pool of 8. */
export const defaultWasmThreads = (env: NodeJS.ProcessEnv = process.env): number => {
  const forced = Number.parseInt(env['SADDLE_WASM_THREADS'] ?? '', 10);
  if (Number.isFinite(forced) && forced >= 1) return Math.min(forced, 8);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8));
};

/**
 * wasm threads beside the native pack: `SADDLE_WASM_THREADS` if set, else 1. With OpenBLAS doing the
 * matrix products only small elementwise kernels are left to wasm, and the wasm thread pool's
 * spin-waiting workers then compete with OpenBLAS's threads for the cores (measured: ~40 % more CPU
 * time per AAE iteration on two cores with two wasm threads).
 */
export const defaultNativeWasmThreads = (env: NodeJS.ProcessEnv = process.env): number =>
  env['SADDLE_WASM_THREADS'] === undefined ? 1 : defaultWasmThreads(env);

/** The Emscripten module of the threaded build, as far as saddle touches it. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): unknown;
  tfjs?: unknown;
  PThread?: {
    unusedWorkers: { unref(): void }[];
    runningWorkers: { unref(): void }[];
  };
}
type ThreadedFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/** Write the pthread worker script where Node's `Worker` can open it (once per content). */
const workerScriptPath = (dir: string): string => {
  const source = require(path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The bundled string holds raw newlines inside JS string literals; tfjs escapes them the same way.
  const script = source.wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `saddle-tfjs-wasm-${hash}.worker.cjs`);
  if (!existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, script);
    renameSync(temp, file);
  }
  return file;
};

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

/** Instantiate the threaded SIMD build and wrap it in tfjs's `BackendWasm`. */
const threadedBackend = async (threads: number): Promise<BackendWasm> => {
  const dir = wasmPackageDir();
  const factory = require(
    path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'),
  ) as ThreadedFactory;
  const worker = workerScriptPath(dir);
  const cpus = os.cpus;
  // The C++ side sizes its pool from half the logical cores Emscripten reports (see module doc).
  os.cpus = () => {
    const real = cpus();
    const one = real[0];
    return one === undefined ? real : Array.from({ length: 2 * threads }, () => one);
  };
  let module: ThreadedModule;
  try {
    module = await withTimeout(
      factory({
        locateFile: (file: string, prefix: string) =>
          file.endsWith('.worker.js')
            ? worker
            : file.endsWith('.wasm')
              ? path.join(dir, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm')
              : prefix + file,
        mainScriptUrlOrBlob: path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'),
      }),
      30_000,
      'starting the threaded wasm build',
    );
  } finally {
    os.cpus = cpus;
  }
  // The same bridge tfjs-backend-wasm's own `init()` installs.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  const pool = module.PThread;
  if (pool !== undefined) for (const w of [...pool.unusedWorkers, ...pool.runningWorkers]) w.unref();
  return backend;
};

let started: WasmStart | undefined;

/**
 * Make `wasm` the active tfjs backend, threaded when possible. Idempotent: the first call decides the
 * thread count for the process (tfjs cannot re-create a wasm module's thread pool).
 */
export const startWasm = async (threads: number = defaultWasmThreads()): Promise<WasmStart> => {
  if (started !== undefined) {
    if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) {
      throw new Error('the tfjs wasm backend could not be re-activated');
    }
    return started;
  }
  setWasmPaths(path.join(wasmPackageDir(), 'dist') + path.sep);
  const notes: string[] = [];
  const threadedPossible =
    threads > 1 &&
    typeof SharedArrayBuffer === 'function' &&
    (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  if (!threadedPossible && threads > 1)
    notes.push('threaded wasm build unavailable (needs SIMD and SharedArrayBuffer)');
  if (threadedPossible) {
    const stockFactory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm');
    tf.registerBackend(
      'wasm',
      async () => {
        try {
          return await threadedBackend(threads);
        } catch (error) {
          notes.push(`threaded wasm build failed (${firstLine(error)}); using the single-threaded build`);
          setThreadsCount(1);
          return stockFactory();
        }
      },
      2,
    );
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
  const actual = getThreadsCount();
  started = { threads: actual, threaded: actual > 1, notes };
  return started;
};

/** First line of an error's message, for one-line reports. */
export const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
