/**
 * What a hand-written baseline offers the benchmark: one training iteration on an uploaded batch.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import type { Optimizer } from '../../src/dsl/ast.js';

/** Makes the optimizer for a phase (the benchmark passes saddle's choice, so both sides update alike). */
export type OptimizerFactory = (spec: Optimizer) => tf.Optimizer;

export interface HandwrittenModel {
  /** One iteration on batch `x`; returns the phases' losses (kept; the caller disposes them). */
  step(x: tf.Tensor2D): tf.Scalar[];
  dispose(): void;
}
