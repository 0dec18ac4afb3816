/** saddle's language: declare models as typed, immutable data. */
export type * from './ast.js';
export * from './net.js';
export * from './dist.js';
export * from './symbol.js';
export * from './loss.js';
export * from './phase.js';
export * from './model.js';
