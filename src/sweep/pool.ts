/**
 * The local pool: a sweep's runs on this machine, `workers` child processes at a time, no server.
 *
 * Runs already recorded `done` are skipped, so re-running the same sweep command continues it; a
 * failed run is recorded with its error and the others go on.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import type { SweepDesign, SweepRun } from './design.js';
import { readOutcome, writeOutcome, type RunOutcome } from './results.js';
import { executeRun, type SaddleCommand } from './runner.js';

/** One pool worker per `threads` cores: runs then do not compete for the cores their kernels use. */
export const defaultWorkers = (threads: number): number =>
  Math.max(1, Math.floor(availableParallelism() / Math.max(1, threads)));

/** The runs still to do: not recorded `done` (failed runs are tried again). */
export const pendingRuns = (dir: string, design: SweepDesign): readonly SweepRun[] =>
  design.runs.filter((run) => readOutcome(dir, run.name)?.status !== 'done');

export interface PoolOptions {
  readonly workers: number;
  readonly saddle: SaddleCommand;
  /** One line per run started and ended. */
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

const summary = (o: RunOutcome): string =>
  o.status === 'failed'
    ? `FAILED: ${o.error ?? ''}`
    : `done at step ${o.iteration ?? '?'}: ${Object.entries({ ...o.losses, ...o.metrics })
        .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
        .join('  ')}`;

/** Run `runs` of the sweep in `dir`, recording each outcome as it ends. */
export const runPool = async (
  dir: string,
  design: SweepDesign,
  runs: readonly SweepRun[],
  options: PoolOptions,
): Promise<void> => {
  const queue = [...runs];
  let finished = 0;
  const next = async (): Promise<void> => {
    for (let run = queue.shift(); run !== undefined; run = queue.shift()) {
      if (options.signal?.aborted === true) return;
      const current = run;
      const outcome = await executeRun(options.saddle, dir, design, current, {
        onStart: (from) =>
          options.log(`${current.name}: training${from > 0 ? ` (resumed from step ${from})` : ''}`),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      writeOutcome(dir, outcome);
      finished += 1;
      options.log(`[${finished}/${runs.length}] ${current.name} ${summary(outcome)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, queue.length) }, next));
};

export { summary as outcomeSummary };
