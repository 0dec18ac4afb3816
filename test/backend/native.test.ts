/**
 * The native (OpenBLAS) kernel pack on the wasm backend: matrix products equal the naive reference
 * and tfjs's cpu backend (values and gradients), really run natively, leak nothing, and the native
 * optimizers follow `tf.train.*` step for step, checkpoints included. Where the pack is not built
 * (no OpenBLAS headers), the file checks the clean fallback instead.
 */
import { fc, test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Optimizer } from '../../src/dsl/ast.js';
import type { NativeAddon } from '../../src/runtime/backend/native-addon.js';
import { loadNativeAddon } from '../../src/runtime/backend/native-addon.js';
import { activateNativeKernels } from '../../src/runtime/backend/native-kernels.js';
import { nativeOptimizer } from '../../src/runtime/backend/native-optimizer.js';
import { BackendUnavailableError, selectBackend } from '../../src/runtime/backend/select.js';
import { startWasm } from '../../src/runtime/backend/wasm-start.js';
import type { ProductCase } from './helpers.js';
import {
  caseValues,
  fusedGradients,
  maxRelativeError,
  onCpu,
  productCases,
  referenceProduct,
  seededValues,
} from './helpers.js';

const TOLERANCE = 1e-4;
const load = loadNativeAddon();

const fused = (c: ProductCase, activation: tf.fused.Activation = c.activation): Float32Array => {
  const { a, b, bias } = caseValues(c);
  return tf.tidy(
    () =>
      tf.fused
        .matMul({
          a: tf.tensor(a, c.aShape),
          b: tf.tensor(b, c.bShape),
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          ...(bias !== null && c.biasShape !== null ? { bias: tf.tensor(bias, c.biasShape) } : {}),
          activation,
        })
        .dataSync() as Float32Array,
  );
};

/** The addon with its gemm calls counted, to prove the native path ran. */
const counting = (addon: NativeAddon): { addon: NativeAddon; calls: () => number } => {
  let calls = 0;
  return {
    addon: {
      ...addon,
      gemm: (...args: Parameters<NativeAddon['gemm']>) => {
        calls += 1;
        addon.gemm(...args);
      },
    },
    calls: () => calls,
  };
};

if (load.ok) {
  const addon = load.addon;

  describe('native matrix products', () => {
    const counted = counting(addon);
    beforeAll(async () => {
      await startWasm();
      activateNativeKernels(counted.addon);
    });

    it('reports OpenBLAS and a thread count', () => {
      const info = addon.info();
      expect(info.blas.length).toBeGreaterThan(0);
      expect(info.threads).toBeGreaterThanOrEqual(1);
    });

    test.prop([productCases({ broadcast: true })], { numRuns: 150 })(
      'BatchMatMul equals the naive reference (transposes, broadcast batches) and runs natively',
      (c) => {
        const linear = { ...c, biasShape: null, activation: 'linear' as const };
        const { a, b } = caseValues(linear);
        const expected = referenceProduct(linear, a, b, null);
        const before = counted.calls();
        const got = tf.tidy(() => {
          const out = tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape), c.transposeA, c.transposeB);
          return { shape: out.shape, values: out.dataSync() };
        });
        expect(counted.calls()).toBe(before + 1);
        expect(got.shape).toEqual(expected.shape);
        expect(maxRelativeError(got.values, expected.values)).toBeLessThan(TOLERANCE);
      },
    );

    test.prop([productCases({ broadcast: false, maxBatchRank: 1 })], { numRuns: 150 })(
      '_FusedMatMul equals the naive reference with bias and linear/relu',
      (c) => {
        const { a, b, bias } = caseValues(c);
        const before = counted.calls();
        const got = fused(c);
        expect(counted.calls()).toBe(before + 1);
        expect(maxRelativeError(got, referenceProduct(c, a, b, bias).values)).toBeLessThan(TOLERANCE);
      },
    );

    test.prop([productCases({ broadcast: false, maxBatchRank: 1, sameBatch: true })], { numRuns: 40 })(
      'values and gradients equal the cpu backend’s',
      async (c) => {
        const values = fused(c);
        const grads = fusedGradients(c);
        const [cpuValues, cpuGrads] = await onCpu(() => [fused(c), fusedGradients(c)] as const);
        expect(maxRelativeError(values, cpuValues)).toBeLessThan(TOLERANCE);
        expect(grads.length).toBe(cpuGrads.length);
        grads.forEach((g, i) => expect(maxRelativeError(g, cpuGrads[i]!)).toBeLessThan(TOLERANCE));
      },
    );

    test.prop(
      [
        productCases({ broadcast: false, maxBatchRank: 1 }),
        fc.constantFrom<tf.fused.Activation>('sigmoid', 'elu', 'relu6'),
      ],
      {
        numRuns: 30,
      },
    )(
      'other activations fall back to the fixed wasm kernel with the cpu backend’s values',
      async (c, activation) => {
        const before = counted.calls();
        const values = fused(c, activation);
        expect(counted.calls()).toBe(before);
        const cpu = await onCpu(() => fused(c, activation));
        expect(maxRelativeError(values, cpu)).toBeLessThan(TOLERANCE);
      },
    );

    it('keeps tensor and backend buffer counts flat across repeated products', () => {
      const a = tf.tensor(seededValues(30, 1), [2, 5, 3]);
      const b = tf.tensor(seededValues(40, 2), [2, 4, 5]);
      const bias = tf.ones([4]);
      const step = (): void => {
        tf.tidy(() => {
          tf.matMul(a, b, true, true);
          tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' });
          tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'sigmoid' });
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

    it('rejects an offset outside the wasm heap with an error, not a crash', () => {
      const heap = new Float32Array(16);
      expect(() => addon.gemm(heap, new Uint32Array([0, 0, 14]), 2, 2, 2, 0, 0, -1, 0)).toThrow(
        /outside the wasm heap/,
      );
      expect(() => addon.adam(heap, 8, 0, 0, 0, 0, 10, 0, 0, 0.1, 0.9, 0.999, 1e-7, 0.1, 0.001)).toThrow(
        /outside the wasm heap/,
      );
    });
  });

  describe('native optimizers', () => {
    beforeAll(async () => {
      await startWasm();
      activateNativeKernels(addon);
    });

    const specs: readonly Optimizer[] = [
      { kind: 'adam', learningRate: 0.01, beta1: 0.5, beta2: 0.999, epsilon: 1e-7 },
      { kind: 'sgd', learningRate: 0.05, momentum: 0 },
      { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      { kind: 'rmsprop', learningRate: 0.01, decay: 0.9, momentum: 0.5, epsilon: 1e-7 },
    ];
    const reference = (spec: Optimizer): tf.Optimizer =>
      spec.kind === 'adam'
        ? tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon)
        : spec.kind === 'sgd'
          ? spec.momentum === 0
            ? tf.train.sgd(spec.learningRate)
            : tf.train.momentum(spec.learningRate, spec.momentum)
          : tf.train.rmsprop(spec.learningRate, spec.decay, spec.momentum, spec.epsilon);

    let runId = 0;
    /** Two variables and a loss that gives them different, non-trivial gradients. */
    const problem = (): { vars: tf.Variable[]; loss: () => tf.Scalar } => {
      runId += 1;
      const w = tf.variable(tf.tensor(seededValues(12, 3), [4, 3]), true, `w${runId}`);
      const c = tf.variable(tf.tensor(seededValues(3, 4), [3]), true, `c${runId}`);
      const x = tf.tensor(seededValues(20, 5), [5, 4]);
      const y = tf.tensor(seededValues(15, 6), [5, 3]);
      return {
        vars: [w, c],
        loss: () => tf.mean(tf.square(tf.sub(tf.relu(tf.add(tf.matMul(x, w), c)), y))) as tf.Scalar,
      };
    };
    const train = (opt: tf.Optimizer, p: ReturnType<typeof problem>, steps: number): void => {
      for (let i = 0; i < steps; i++) {
        tf.tidy(() => {
          opt.minimize(p.loss, false, p.vars);
        });
      }
    };

    for (const spec of specs) {
      const label = spec.kind === 'sgd' ? `sgd (momentum ${spec.momentum})` : spec.kind;
      it(`${label}: matches tf.train over several steps, with the same checkpoint weights`, async () => {
        const native = nativeOptimizer(spec);
        expect(native).toBeDefined();
        const tfjs = reference(spec);
        const a = problem();
        const b = problem();
        train(native!, a, 6);
        train(tfjs, b, 6);
        a.vars.forEach((v, i) =>
          expect(maxRelativeError(v.dataSync(), b.vars[i]!.dataSync())).toBeLessThan(TOLERANCE),
        );
        const nativeWeights = await native!.getWeights();
        const tfjsWeights = await tfjs.getWeights();
        expect(nativeWeights.map((w) => w.name.replace(/^[wc]\d+/, ''))).toEqual(
          tfjsWeights.map((w) => w.name.replace(/^[wc]\d+/, '')),
        );
        nativeWeights.forEach((w, i) =>
          expect(maxRelativeError(w.tensor.dataSync(), tfjsWeights[i]!.tensor.dataSync())).toBeLessThan(
            TOLERANCE,
          ),
        );
        // Resume from the checkpoint in a fresh native optimizer: it continues exactly as tfjs does.
        const resumed = nativeOptimizer(spec)!;
        await resumed.setWeights(nativeWeights.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
        train(resumed, a, 3);
        train(tfjs, b, 3);
        a.vars.forEach((v, i) =>
          expect(maxRelativeError(v.dataSync(), b.vars[i]!.dataSync())).toBeLessThan(TOLERANCE),
        );
        [native!, tfjs, resumed].forEach((o) => o.dispose());
        tf.dispose([...a.vars, ...b.vars]);
      });
    }

    it('splits large updates across threads with the same result as tf.train.adam', () => {
      // 400 × 500 = 200k elements: above the native loops' parallel threshold.
      const make = (name: string): tf.Variable =>
        tf.variable(tf.tensor(seededValues(200_000, 9), [400, 500]), true, name);
      const grad = tf.tensor(seededValues(200_000, 10), [400, 500]);
      const native = nativeOptimizer(specs[0]!)!;
      const tfjs = reference(specs[0]!);
      const a = make(`big-a${runId}`);
      const b = make(`big-b${runId}`);
      for (let i = 0; i < 3; i++) {
        native.applyGradients({ [a.name]: grad });
        tfjs.applyGradients({ [b.name]: grad });
      }
      expect(maxRelativeError(a.dataSync(), b.dataSync())).toBeLessThan(TOLERANCE);
      [native, tfjs].forEach((o) => o.dispose());
      tf.dispose([a, b, grad]);
    });

    it('writes updated parameters into fresh buffers (the wasm backend caches packed weights per buffer)', () => {
      const p = problem();
      const opt = nativeOptimizer(specs[0]!)!;
      const before = p.vars.map((v) => v.dataId);
      train(opt, p, 1);
      p.vars.forEach((v, i) => expect(v.dataId).not.toBe(before[i]));
      opt.dispose();
      tf.dispose(p.vars);
    });

    it('keeps tensor counts flat across steps', () => {
      const p = problem();
      const opt = nativeOptimizer(specs[0]!)!;
      train(opt, p, 2);
      const tensors = tf.memory().numTensors;
      const buffers = tf.engine().backend.numDataIds();
      train(opt, p, 5);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.engine().backend.numDataIds()).toBe(buffers);
      opt.dispose();
      tf.dispose(p.vars);
    });

    it('selectBackend("native") reports the pack and BLAS in its banner', async () => {
      const info = await selectBackend('native');
      expect(info.name).toBe('native');
      expect(info.tfjsBackend).toBe('wasm');
      expect(info.banner).toMatch(/native .*wasm thread.*BLAS thread/);
      expect(info.details.blas).toBe(addon.info().blas);
    });
  });
} else {
  describe('native pack absent (no OpenBLAS headers at install)', () => {
    it('says why, and a forced native backend fails with a one-line BackendUnavailableError', async () => {
      expect(load.reason.length).toBeGreaterThan(0);
      const error = await selectBackend('native').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toMatch(/^backend 'native' is not available: [^\n]+$/);
      expect(
        nativeOptimizer({ kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
      ).toBeUndefined();
    });
  });
}
