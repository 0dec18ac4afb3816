/**
 * `selectBackend`'s decisions, with the outside world faked: tfjs-node-gpu present and on the GPU,
 * present but fallen back to the CPU, present but broken, absent; forced choices that cannot be had;
 * the order `auto` tries. The fake tfjs-node packages register a `tensorflow` backend (a cpu backend
 * carrying the `isGPUPackage` / `isUsingGpuDevice` fields tfjs-node's backend sets) with the real tf.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackendDeps } from '../../src/runtime/backend/select.js';
import { BackendUnavailableError, selectBackendWith } from '../../src/runtime/backend/select.js';
import type { WasmStart } from '../../src/runtime/backend/wasm-start.js';
import { defaultWasmThreads } from '../../src/runtime/backend/wasm-start.js';

let CpuBackend: new () => tf.KernelBackend;

beforeAll(async () => {
  await tf.setBackend('cpu');
  CpuBackend = tf.findBackend('cpu').constructor as new () => tf.KernelBackend;
});

afterEach(async () => {
  startedWith = [];
  if (tf.findBackendFactory('tensorflow') != null) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

const notFound = (specifier: string): Error =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/select.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

/** A fake tfjs-node package: importing it registers a `tensorflow` backend. */
const fakeTfjsNode =
  (fields: { isGPUPackage: boolean; isUsingGpuDevice: boolean }) => async (): Promise<unknown> => {
    tf.registerBackend('tensorflow', () => Object.assign(new CpuBackend(), fields));
    return {};
  };

interface Fakes {
  readonly modules?: Record<string, () => Promise<unknown>>;
  readonly addon?: boolean;
  readonly wasmFails?: boolean;
}

/** Thread counts the fake wasm start was asked for, in order. */
let startedWith: number[] = [];

/** Deps whose modules, addon and wasm are fakes; records what was imported. */
const deps = (fakes: Fakes): BackendDeps & { imported: string[] } => {
  const imported: string[] = [];
  return {
    imported,
    importModule: async (specifier) => {
      imported.push(specifier);
      const load = fakes.modules?.[specifier];
      if (load === undefined) throw notFound(specifier);
      return load();
    },
    loadAddon: () =>
      fakes.addon === true
        ? {
            ok: true,
            path: '/fake/saddle_native.node',
            addon: {
              info: () => ({ blas: 'FakeBLAS 1.0 Haswell', threads: 2, cores: 2 }),
              setThreads: () => undefined,
              gemm: () => undefined,
              adam: () => undefined,
              momentum: () => undefined,
              sgd: () => undefined,
              rmsprop: () => undefined,
            },
          }
        : { ok: false, reason: 'the OpenBLAS kernel pack is not built (install libopenblas-dev, then …)' },
    startWasm: async (threads): Promise<WasmStart> => {
      if (fakes.wasmFails === true) throw new Error('no WebAssembly here');
      // The decision logic is under test, not wasm: stay on cpu so the registered kernels still run.
      startedWith.push(threads);
      return { threads, threaded: threads > 1, notes: [] };
    },
  };
};

const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';

describe('auto', () => {
  it('takes tfjs-node-gpu first when it runs on the GPU, with no warning', async () => {
    const d = deps({ modules: { [GPU]: fakeTfjsNode({ isGPUPackage: true, isUsingGpuDevice: true }) } });
    const info = await selectBackendWith('auto', d);
    expect(info.name).toBe('node-gpu');
    expect(info.tfjsBackend).toBe('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(info.warnings).toEqual([]);
    expect(info.banner).toMatch(/node-gpu .*on the GPU/);
    expect(d.imported).toEqual([GPU]);
  });

  it('warns loudly when tfjs-node-gpu fell back to the CPU', async () => {
    const d = deps({ modules: { [GPU]: fakeTfjsNode({ isGPUPackage: true, isUsingGpuDevice: false }) } });
    const info = await selectBackendWith('auto', d);
    expect(info.name).toBe('node-gpu');
    expect(info.banner).toMatch(/FELL BACK TO CPU/);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0]).toMatch(/^WARNING: .*NO usable GPU.*ON THE CPU/);
  });

  it('takes tfjs-node when only it is installed; absent packages are silent', async () => {
    const d = deps({ modules: { [NODE]: fakeTfjsNode({ isGPUPackage: false, isUsingGpuDevice: false }) } });
    const info = await selectBackendWith('auto', d);
    expect(info.name).toBe('node');
    expect(info.warnings).toEqual([]);
    expect(d.imported).toEqual([GPU, NODE]);
  });

  it('goes on to native when neither tfjs-node package is installed and the pack is built', async () => {
    const info = await selectBackendWith('auto', deps({ addon: true }));
    expect(info.name).toBe('native');
    expect(info.banner).toMatch(/FakeBLAS 1\.0, 2 BLAS threads/);
    expect(info.details.blasThreads).toBe(2);
    expect(info.warnings).toEqual([]);
    // Beside OpenBLAS, one wasm thread (spinning wasm workers would compete with BLAS threads).
    expect(startedWith).toEqual([1]);
  });

  it('goes on to wasm + fixes, silently, when the pack is not built', async () => {
    const info = await selectBackendWith('auto', deps({ addon: false }));
    expect(info.name).toBe('wasm');
    expect(info.banner).toMatch(/wasm .*wasm threads?, saddle kernel fixes/);
    expect(info.warnings).toEqual([]);
    // wasm is not started for the native attempt when the pack is missing: the thread count is wasm's own.
    expect(startedWith).toEqual([defaultWasmThreads()]);
  });

  it('ends on cpu when wasm cannot start, and says why', async () => {
    const info = await selectBackendWith('auto', deps({ wasmFails: true }));
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.warnings.join('\n')).toMatch(
      /backend 'wasm' skipped: the tfjs wasm backend failed to start: no WebAssembly here/,
    );
  });

  it('turns a present-but-broken tfjs-node-gpu into a warning and moves on', async () => {
    const d = deps({
      modules: {
        [GPU]: () => Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file\n    at …')),
        [NODE]: fakeTfjsNode({ isGPUPackage: false, isUsingGpuDevice: false }),
      },
    });
    const info = await selectBackendWith('auto', d);
    expect(info.name).toBe('node');
    expect(info.warnings).toEqual([
      `backend 'node-gpu' skipped: ${GPU} failed to load: libcudart.so.11.0: cannot open shared object file`,
    ]);
  });

  it('reports a tfjs-node that registers no backend with this tfjs (version mismatch)', async () => {
    const d = deps({ modules: { [NODE]: async () => ({}) } });
    const info = await selectBackendWith('auto', d);
    expect(info.warnings.join('\n')).toMatch(
      /@tensorflow\/tfjs-node loaded but registered no 'tensorflow' backend/,
    );
  });
});

describe('forced choices', () => {
  const rejection = (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  it("fail with one line naming the backend, the reason and the fix ('node-gpu' absent)", async () => {
    const error = await rejection(selectBackendWith('node-gpu', deps({})));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toBe(
      "backend 'node-gpu' is not available: @tensorflow/tfjs-node-gpu is not installed " +
        '(npm i @tensorflow/tfjs-node-gpu; needs CUDA 11.2 + cuDNN 8.1)',
    );
  });

  it("'node' absent", async () => {
    const error = await rejection(selectBackendWith('node', deps({})));
    expect((error as Error).message).toBe(
      "backend 'node' is not available: @tensorflow/tfjs-node is not installed (npm i @tensorflow/tfjs-node)",
    );
  });

  it("'native' without the built pack", async () => {
    const error = await rejection(selectBackendWith('native', deps({ addon: false })));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(
      /^backend 'native' is not available: the OpenBLAS kernel pack is not built/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('a forced backend that is present is used even when a faster one exists', async () => {
    const d = deps({
      modules: { [GPU]: fakeTfjsNode({ isGPUPackage: true, isUsingGpuDevice: true }) },
      addon: true,
    });
    const info = await selectBackendWith('wasm', d);
    expect(info.name).toBe('wasm');
    expect(d.imported).toEqual([]);
  });

  it("'cpu' always works", async () => {
    const info = await selectBackendWith('cpu', deps({}));
    expect(info).toMatchObject({ name: 'cpu', tfjsBackend: 'cpu', warnings: [] });
    expect(info.banner).toMatch(/^saddle backend: cpu \(tfjs \d+\.\d+\.\d+/);
  });
});
