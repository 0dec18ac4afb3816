/**
 * The few internals of `@tensorflow/tfjs-backend-wasm` saddle's kernels rely on, as one narrow type.
 *
 * The wasm backend keeps every tensor in one linear memory: `dataIdMap` maps a tensor's `dataId` to
 * its byte offset there, `makeOutput` allocates a new tensor in it, and `wasm.HEAPF32` views it as
 * floats. These are public fields of `BackendWasm` (4.x), but their declared types pull in the
 * emscripten typings; this module states exactly what saddle reads, so a change upstream breaks
 * here, in one place.
 *
 * The memory can grow (and, in the threaded build, is a SharedArrayBuffer): read `heapF32` after the
 * last allocation of a kernel, never cache it across calls.
 *
 * @module
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs';

/** What the wasm backend records per tensor. */
export interface WasmTensorData {
  readonly memoryOffset: number;
  readonly shape: readonly number[];
  readonly dtype: DataType;
}

/** The slice of `BackendWasm` saddle uses. */
export interface WasmBackendInternals {
  readonly wasm: { readonly HEAPF32: Float32Array };
  readonly dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Narrow a kernel's `backend` argument (typed `{}` by tfjs) to the wasm internals, checking the shape. */
export const asWasmBackend = (backend: unknown): WasmBackendInternals => {
  const b = backend as Partial<WasmBackendInternals> | null;
  if (b === null || typeof b !== 'object' || b.wasm === undefined || b.dataIdMap === undefined) {
    throw new Error('saddle: expected the tfjs wasm backend (a kernel registered for "wasm" ran elsewhere)');
  }
  return b as WasmBackendInternals;
};

/** Offset of a float32 tensor in `HEAPF32`, in elements. */
export const floatOffset = (backend: WasmBackendInternals, tensor: TensorInfo): number => {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error('saddle: a tensor is not (or no longer) on the wasm backend');
  return data.memoryOffset / 4;
};

/** Release an intermediate a kernel created (one reference: reshapes share their input's data). */
export const release = (backend: WasmBackendInternals, tensor: TensorInfo): void => {
  backend.disposeData(tensor.dataId);
};
