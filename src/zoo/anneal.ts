/**
 * The zoo's one learning-rate annealing recipe, shared by `aae` and the categorical AAEs: a half
 * cosine over `iterations` down to `floor` × the base rate, then held; `iterations` 0 keeps the rate
 * constant. Returned as optimizer options, so an entry spreads it into `adam(lr, { … })`.
 *
 * @module
 */
import type { LrSchedule } from '../dsl/ast.js';
import { cosineDecay } from '../dsl/index.js';

/**
 * `{ lrSchedule: cosineDecay({ iterations, floor }) }`, or no schedule when `iterations` is 0.
 *
 * @example
 * adam(1e-3, { beta1: 0.5, ...annealedTo(1200, 0.1) }); // cosine to 1e-4 over 1,200 steps
 * adam(1e-3, annealedTo(0, 0.1));                        // constant 1e-3
 */
export const annealedTo = (iterations: number, floor: number): { readonly lrSchedule?: LrSchedule } =>
  iterations > 0 ? { lrSchedule: cosineDecay({ iterations, floor }) } : {};
