/**
 * Means with standard errors: how every per-example metric here is reported.
 *
 * @module
 */

/**
 * A mean over examples with its standard error (sample std / √n), in the metric's own unit.
 *
 * @example
 * const { mean, stderr, n }: MeanWithError = await reconstructionError(target, output, 'bce');
 * console.log(`${mean.toFixed(1)} ± ${stderr.toFixed(1)} over ${n} images`);
 */
export interface MeanWithError {
  readonly mean: number;
  readonly stderr: number;
  readonly n: number;
}

/**
 * Mean and standard error (sample std / √n) of per-example values. Why the error: it says whether
 * two runs' numbers differ, and the papers print it (340 ± 2).
 */
export const meanWithError = (values: ArrayLike<number>): MeanWithError => {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] ?? 0;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += ((values[i] ?? 0) - mean) ** 2;
  const std = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
  return { mean, stderr: std / Math.sqrt(n), n };
};
