/**
 * Optimizers whose per-variable update is one native pass over the wasm memory.
 *
 * `tf.train.adam` updates a variable with about a dozen elementwise kernels, each a full pass over
 * the parameters; for the paper AAE (≈ 6.4 M parameter updates per iteration) that is tens of
 * milliseconds on wasm. The native pack does the same arithmetic, in float32 and in tfjs's order, in
 * one pass.
 *
 * Each optimizer here *is* the tfjs optimizer it replaces (a subclass of `tf.AdamOptimizer`,
 * `tf.SGDOptimizer`, `tf.MomentumOptimizer`, `tf.RMSPropOptimizer`): same constructor state, same
 * slot variables under the same names (`<var>/m`, `<var>/v`, …), so `getWeights`/`setWeights`,
 * checkpoints and `minimize` are tfjs's own. Only `applyGradients` differs, and it writes every
 * result into a FRESH tensor that the variable is then assigned: the wasm backend caches XNNPACK's
 * packed weights per tensor id, so overwriting a parameter's buffer in place would leave stale
 * weights in later matrix products. When a tensor is not on the wasm backend (the user switched
 * backends) the update falls back to tfjs's own.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { Optimizer } from '../../dsl/ast.js';
import type { NativeAddon } from './native-addon.js';
import { activeNativeAddon } from './native-kernels.js';
import type { WasmBackendInternals } from './wasm-internals.js';

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** A slot variable as tfjs's optimizers keep it. */
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

const gradientList = (grads: Gradients): { name: string; tensor: tf.Tensor | undefined }[] =>
  Array.isArray(grads)
    ? grads.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.keys(grads).map((name) => ({
        name,
        tensor: (grads as Record<string, tf.Tensor | undefined>)[name],
      }));

/** The active wasm backend's internals, or undefined when another backend is active. */
const wasmBackend = (): WasmBackendInternals | undefined =>
  tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmBackendInternals) : undefined;

const onWasm = (backend: WasmBackendInternals, tensors: readonly tf.Tensor[]): boolean =>
  tensors.every((t) => t.dtype === 'float32' && backend.dataIdMap.get(t.dataId) !== undefined);

/** Find (or create, zero-filled, exactly as tfjs does) slot `i` of a slot list. */
const slot = (slots: Slot[], i: number, name: string, value: tf.Variable): tf.Variable => {
  const existing = slots[i];
  if (existing !== undefined) return existing.variable;
  const created: Slot = { originalName: name, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  slots[i] = created;
  return created.variable;
};

/**
 * Allocate fresh outputs for `[value, ...state]`, let `kernel` fill them from the current tensors'
 * offsets, then assign them. Returns false (doing nothing) if a tensor is not on the wasm backend.
 */
const updateFresh = (
  backend: WasmBackendInternals,
  value: tf.Variable,
  gradient: tf.Tensor,
  state: readonly tf.Variable[],
  kernel: (heap: Float32Array, size: number, inputs: readonly number[], outputs: readonly number[]) => void,
): boolean => {
  const current = [value, gradient, ...state];
  if (!onWasm(backend, current)) return false;
  const targets = [value, ...state];
  const outputs = targets.map(() => backend.makeOutput([...value.shape], 'float32'));
  const offset = (info: tf.TensorInfo): number => (backend.dataIdMap.get(info.dataId)?.memoryOffset ?? 0) / 4;
  // Offsets and the heap are read after the last allocation (allocation may grow the memory).
  kernel(backend.wasm.HEAPF32, value.size, current.map(offset), outputs.map(offset));
  targets.forEach((target, i) => {
    const info = outputs[i];
    if (info !== undefined) target.assign(tf.engine().makeTensorFromTensorInfo(info));
  });
  return true;
};

/** Private state of `tf.AdamOptimizer` the native update reads and advances. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

/** `tf.train.adam` with a one-pass native update. */
export class NativeAdamOptimizer extends tf.AdamOptimizer {
  constructor(
    private readonly addon: NativeAddon,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: Gradients): void {
    const backend = wasmBackend();
    const grads = gradientList(variableGradients);
    const state = this as unknown as AdamState;
    if (backend === undefined || !onWasm(backend, [state.accBeta1, state.accBeta2])) {
      super.applyGradients(variableGradients);
      return;
    }
    // tfjs forms 1 − β^t in float32 on the backend.
    const oneMinusAccBeta1 = Math.fround(1 - (state.accBeta1.dataSync()[0] ?? 0));
    const oneMinusAccBeta2 = Math.fround(1 - (state.accBeta2.dataSync()[0] ?? 0));
    tf.tidy(() => {
      grads.forEach(({ name, tensor }, i) => {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined)
          throw new Error(`saddle: optimizer got a gradient for unknown variable '${name}'`);
        const m = slot(state.accumulatedFirstMoment, i, `${name}/m`, value);
        const v = slot(state.accumulatedSecondMoment, i, `${name}/v`, value);
        if (tensor === undefined || tensor === null) return;
        const done = updateFresh(
          backend,
          value,
          tensor,
          [m, v],
          (heap, size, [p, g, mi, vi], [pOut, mOut, vOut]) =>
            this.addon.adam(
              heap,
              size,
              p ?? 0,
              g ?? 0,
              mi ?? 0,
              vi ?? 0,
              pOut ?? 0,
              mOut ?? 0,
              vOut ?? 0,
              this.learningRate,
              this.beta1,
              this.beta2,
              this.epsilon,
              oneMinusAccBeta1,
              oneMinusAccBeta2,
            ),
        );
        if (!done) {
          const hyper = {
            learningRate: this.learningRate,
            beta1: this.beta1,
            beta2: this.beta2,
            epsilon: this.epsilon,
          };
          adamStepInTfjs(value, tensor, m, v, hyper, oneMinusAccBeta1, oneMinusAccBeta2);
        }
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/** tfjs's own Adam arithmetic for one variable (used when a tensor is not on the wasm backend). */
const adamStepInTfjs = (
  value: tf.Variable,
  gradient: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  o: { learningRate: number; beta1: number; beta2: number; epsilon: number },
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
): void => {
  const m1 = tf.add(tf.mul(m, o.beta1), tf.mul(gradient, 1 - o.beta1));
  const v1 = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(gradient), 1 - o.beta2));
  const step = tf.div(tf.div(m1, oneMinusAccBeta1), tf.add(tf.sqrt(tf.div(v1, oneMinusAccBeta2)), o.epsilon));
  m.assign(m1);
  v.assign(v1);
  value.assign(tf.add(tf.mul(step, -o.learningRate), value));
};

/** `tf.train.sgd` with a one-pass native update. */
export class NativeSgdOptimizer extends tf.SGDOptimizer {
  constructor(
    private readonly addon: NativeAddon,
    learningRate: number,
  ) {
    super(learningRate);
  }

  override applyGradients(variableGradients: Gradients): void {
    const backend = wasmBackend();
    if (backend === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    tf.tidy(() => {
      for (const { name, tensor } of gradientList(variableGradients)) {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined)
          throw new Error(`saddle: optimizer got a gradient for unknown variable '${name}'`);
        if (tensor === undefined || tensor === null) continue;
        const done = updateFresh(backend, value, tensor, [], (heap, size, [p, g], [pOut]) =>
          this.addon.sgd(heap, size, p ?? 0, g ?? 0, pOut ?? 0, this.learningRate),
        );
        if (!done) value.assign(tf.add(tf.mul(tensor, -this.learningRate), value));
      }
    });
    this.incrementIterations();
  }
}

/** Private state of `tf.MomentumOptimizer`. */
interface MomentumState {
  accumulations: Slot[];
  momentum: number;
  useNesterov: boolean;
}

/** `tf.train.momentum` with a one-pass native update. */
export class NativeMomentumOptimizer extends tf.MomentumOptimizer {
  constructor(
    private readonly addon: NativeAddon,
    learningRate: number,
    momentum: number,
  ) {
    super(learningRate, momentum, false);
  }

  override applyGradients(variableGradients: Gradients): void {
    const backend = wasmBackend();
    if (backend === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as MomentumState;
    tf.tidy(() => {
      gradientList(variableGradients).forEach(({ name, tensor }, i) => {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined)
          throw new Error(`saddle: optimizer got a gradient for unknown variable '${name}'`);
        const acc = slot(state.accumulations, i, `${name}/momentum`, value);
        if (tensor === undefined || tensor === null) return;
        const done = updateFresh(backend, value, tensor, [acc], (heap, size, [p, g, a], [pOut, aOut]) =>
          this.addon.momentum(
            heap,
            size,
            p ?? 0,
            g ?? 0,
            a ?? 0,
            pOut ?? 0,
            aOut ?? 0,
            this.learningRate,
            state.momentum,
            state.useNesterov ? 1 : 0,
          ),
        );
        if (!done) {
          const acc1 = tf.add(tf.mul(acc, state.momentum), tensor);
          acc.assign(acc1);
          value.assign(tf.add(tf.mul(acc1, -this.learningRate), value));
        }
      });
    });
    this.incrementIterations();
  }
}

/** Private state of `tf.RMSPropOptimizer`. */
interface RmspropState {
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
}

/** `tf.train.rmsprop` (uncentered) with a one-pass native update. */
export class NativeRmspropOptimizer extends tf.RMSPropOptimizer {
  constructor(
    private readonly addon: NativeAddon,
    learningRate: number,
    decay: number,
    momentum: number,
    epsilon: number,
  ) {
    super(learningRate, decay, momentum, epsilon, false);
  }

  override applyGradients(variableGradients: Gradients): void {
    const backend = wasmBackend();
    if (backend === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as RmspropState;
    tf.tidy(() => {
      gradientList(variableGradients).forEach(({ name, tensor }, i) => {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined)
          throw new Error(`saddle: optimizer got a gradient for unknown variable '${name}'`);
        const ms = slot(state.accumulatedMeanSquares, i, `${name}/rms`, value);
        const mom = slot(state.accumulatedMoments, i, `${name}/momentum`, value);
        if (tensor === undefined || tensor === null) return;
        const done = updateFresh(
          backend,
          value,
          tensor,
          [ms, mom],
          (heap, size, [p, g, s, mo], [pOut, sOut, moOut]) =>
            this.addon.rmsprop(
              heap,
              size,
              p ?? 0,
              g ?? 0,
              s ?? 0,
              mo ?? 0,
              pOut ?? 0,
              sOut ?? 0,
              moOut ?? 0,
              this.learningRate,
              this.decay,
              this.momentum,
              this.epsilon,
            ),
        );
        if (!done) {
          const ms1 = tf.add(tf.mul(ms, this.decay), tf.mul(tf.square(tensor), 1 - this.decay));
          const mom1 = tf.add(
            tf.mul(mom, this.momentum),
            tf.div(tf.mul(tensor, this.learningRate), tf.sqrt(tf.add(ms1, this.epsilon))),
          );
          ms.assign(ms1);
          mom.assign(mom1);
          value.assign(tf.sub(value, mom1));
        }
      });
    });
    this.incrementIterations();
  }
}

/**
 * The native counterpart of the tfjs optimizer for `spec`, or `undefined` when the native kernel pack
 * is not active (the runtime then uses `tf.train.*`). Mapping, identical to tfjs's semantics:
 * `adam` → `tf.train.adam(lr, β₁, β₂, ε)`; `sgd` with momentum 0 → `tf.train.sgd(lr)`, otherwise
 * `tf.train.momentum(lr, momentum)`; `rmsprop` → `tf.train.rmsprop(lr, decay, momentum, ε)`.
 */
export const nativeOptimizer = (spec: Optimizer): tf.Optimizer | undefined => {
  const addon = activeNativeAddon();
  if (addon === undefined || tf.getBackend() !== 'wasm') return undefined;
  return match(spec)
    .with(
      { kind: 'adam' },
      (s) => new NativeAdamOptimizer(addon, s.learningRate, s.beta1, s.beta2, s.epsilon),
    )
    .with({ kind: 'sgd' }, (s) =>
      s.momentum === 0
        ? new NativeSgdOptimizer(addon, s.learningRate)
        : new NativeMomentumOptimizer(addon, s.learningRate, s.momentum),
    )
    .with(
      { kind: 'rmsprop' },
      (s) => new NativeRmspropOptimizer(addon, s.learningRate, s.decay, s.momentum, s.epsilon),
    )
    .exhaustive();
};
