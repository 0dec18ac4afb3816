import { parityTest } from './check.js';

// `native` is the wasm backend with saddle's OpenBLAS kernel pack; where the pack is not built,
// selectBackend falls back as `saddle train` does, and the tolerance follows the backend it got.
parityTest('native');
