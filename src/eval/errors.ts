/**
 * The error evaluation raises for inputs a caller got wrong (mismatched widths, empty sets, a
 * non-positive bandwidth, a metric the model cannot support).
 *
 * Why a class of its own: the `saddle eval` command prints these as one line and exits with code 2
 * instead of a stack trace, while genuine bugs still surface as internal errors.
 *
 * @module
 */

/**
 * A caller's mistake in what was asked of a metric; the message names the metric and the argument.
 *
 * @example
 * try { await evaluate(trainer, data, { metrics: ['parzen'], samples: 1 }); }
 * catch (e) { if (e instanceof EvalError) console.error(e.message); }   // evaluate: samples must be an integer ≥ 2, got 1
 */
export class EvalError extends Error {
  override readonly name: string = 'EvalError';
}

/** Throws `EvalError` unless `t` is a non-empty `[rows, width]` matrix; `what` names it in the message. */
export const requireMatrix = (what: string, shape: readonly number[]): void => {
  if (shape.length !== 2)
    throw new EvalError(`${what} must be a matrix [rows, features], got shape [${shape.join(', ')}]`);
  if ((shape[0] ?? 0) < 1) throw new EvalError(`${what} is empty (0 rows)`);
};

/** Throws `EvalError` unless two matrices have the same feature width. */
export const requireSameWidth = (what: string, a: readonly number[], b: readonly number[]): void => {
  if (a[1] !== b[1]) throw new EvalError(`${what}: feature widths differ (${a[1]} vs ${b[1]})`);
};
