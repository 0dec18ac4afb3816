/**
 * Replacing a wasm kernel through tfjs's public kernel registry, remembering the stock one.
 *
 * saddle's kernel fixes and its native kernel pack both take over `BatchMatMul` and `_FusedMatMul`
 * on the `wasm` backend. Each replacement keeps the stock kernel's `setupFunc` (the stock kernel
 * binds its wasm function there, and saddle calls the stock kernel as its fast path), and the stock
 * config is captured once, before any replacement, so replacements never wrap each other.
 *
 * @module
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';

const WASM = 'wasm';
const stockConfigs = new Map<string, KernelConfig>();

/**
 * The kernel tfjs-backend-wasm itself registered under `kernelName`. Throws if the wasm backend
 * package has not been imported (its kernels register on import).
 */
export const stockWasmKernel = (kernelName: string): KernelConfig => {
  const known = stockConfigs.get(kernelName);
  if (known !== undefined) return known;
  const current = tf.getKernel(kernelName, WASM) as KernelConfig | undefined;
  if (current === undefined) {
    throw new Error(
      `saddle: the wasm backend has no '${kernelName}' kernel (is @tensorflow/tfjs-backend-wasm imported?)`,
    );
  }
  stockConfigs.set(kernelName, current);
  return current;
};

/** Register `kernelFunc` as the wasm backend's `kernelName`, replacing whatever was there. */
export const replaceWasmKernel = (kernelName: string, kernelFunc: KernelFunc): void => {
  const stock = stockWasmKernel(kernelName);
  tf.unregisterKernel(kernelName, WASM);
  const config: KernelConfig =
    stock.setupFunc !== undefined
      ? { kernelName, backendName: WASM, kernelFunc, setupFunc: stock.setupFunc }
      : { kernelName, backendName: WASM, kernelFunc };
  tf.registerKernel(config);
};

/** Put the stock kernel back (tests compare stock and replaced kernels in one process). */
export const restoreStockWasmKernel = (kernelName: string): void => {
  const stock = stockWasmKernel(kernelName);
  tf.unregisterKernel(kernelName, WASM);
  tf.registerKernel(stock);
};
