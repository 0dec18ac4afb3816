/**
 * Backends: which tfjs backend a run trains on, saddle's wasm kernel fixes, and the optional native
 * (OpenBLAS) kernel pack with its optimizers. The runtime calls `selectBackend` once, prints the
 * banner, and asks `nativeOptimizer` before falling back to `tf.train.*`.
 *
 * @module
 */
export type { BackendChoice, BackendDeps, BackendDetails, BackendInfo, BackendName } from './select.js';
export { BackendUnavailableError, defaultBackendDeps, selectBackend, selectBackendWith } from './select.js';
export { nativeOptimizer } from './native-optimizer.js';
export { installWasmFixes } from './wasm-fixes.js';
export type { AddonLoad, AddonLoader, NativeAddon } from './native-addon.js';
export { loadNativeAddon } from './native-addon.js';
