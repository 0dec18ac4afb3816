/**
 * The run loop: step a trainer to the run's total length, logging, checkpointing and stopping
 * cleanly — the policy around `Trainer`, kept apart so tests and the CLI share it.
 *
 * - Losses are read every `every` iterations (and at epoch ends and the end), appended as JSON lines
 *   `{"iteration","epoch","losses":{phase: value},"time"}` to `outDir/metrics.jsonl`; the newest
 *   record goes to `onLog` (progress display is the caller's).
 * - A checkpoint (`outDir/checkpoint`) is written at each epoch end, every `checkpointEvery`
 *   iterations if given, and when the loop ends — always right after the losses since the previous
 *   one were read and found finite. A non-finite loss throws `NonFiniteLossError` before any
 *   checkpoint could include it, so the last checkpoint stays the last good state.
 * - SIGINT (Ctrl-C) or an aborted `signal` stops after the current iteration: losses are read, a
 *   checkpoint is written, and the loop returns `{ stopped: true }` for the caller to exit.
 * - `totalSteps` is the run's total length: a resumed trainer continues up to it.
 * - Lines of an earlier run in `metrics.jsonl` past the trainer's iteration are dropped first: a
 *   resumed run recomputes them, and a fresh trainer (iteration 0) starts a fresh log.
 *
 * @module
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveCheckpoint } from './checkpoint.js';
import { NonFiniteLossError, type LossRecord, type Trainer } from './trainer.js';

/**
 * One line of `metrics.jsonl`: a loss record and the seconds since this loop started.
 *
 * @example
 * await runTraining({ trainer, totalSteps: 1000, every: 50, outDir: 'runs/aae',
 *   onLog: (r: MetricsRecord) => console.log(`${r.iteration} ${r.time.toFixed(1)}s`, r.losses) });
 */
export interface MetricsRecord extends LossRecord {
  readonly time: number;
}

/**
 * How `runTraining` drives a trainer: the run's total length, how often to read and log losses, the
 * run directory for checkpoints and metrics, callbacks for logs and epochs, and how the loop may be
 * stopped (Ctrl-C or an `AbortSignal`).
 *
 * @example
 * const options: RunOptions = { trainer, totalSteps: 6000, every: 50, outDir: 'runs/aae',
 *   onEpoch: (epoch) => console.log(`epoch ${epoch} checkpointed`) };
 * await runTraining(options);
 */
export interface RunOptions {
  readonly trainer: Trainer;
  /** The run's total length in iterations (not the number still to run). */
  readonly totalSteps: number;
  /** Read (and log) losses every this many iterations. */
  readonly every: number;
  readonly outDir: string;
  readonly onLog?: (record: MetricsRecord) => void | Promise<void>;
  /** Called after the checkpoint at the end of each epoch, with the number of completed epochs. */
  readonly onEpoch?: (epoch: number) => void | Promise<void>;
  /** Also checkpoint every this many iterations. */
  readonly checkpointEvery?: number;
  readonly signal?: AbortSignal;
  /** Listen for SIGINT (default true; tests turn it off). */
  readonly handleSigint?: boolean;
}

/**
 * Where a training loop ended: the iteration and epoch reached, and whether it was stopped early
 * (so a caller knows whether to export final pictures or tell the user how to resume).
 *
 * @example
 * const result: RunResult = await runTraining({ trainer, totalSteps: 1000, every: 50, outDir: 'runs/aae' });
 * if (result.stopped) console.log(`stopped at iteration ${result.iteration}; resume from runs/aae/checkpoint`);
 */
export interface RunResult {
  /** Iterations completed (the trainer's `iteration`). */
  readonly iteration: number;
  readonly epoch: number;
  /** True when SIGINT or the signal ended the loop before `totalSteps`. */
  readonly stopped: boolean;
}

/**
 * A bad option: a user mistake, reported with the option's name.
 *
 * @example
 * try { await runTraining({ trainer, totalSteps: 100, every: 0, outDir: 'runs/x' }); }
 * catch (e) { if (e instanceof RunOptionsError) console.error(e.message); }   // runTraining: every must be a positive integer, got 0
 */
export class RunOptionsError extends Error {
  override readonly name = 'RunOptionsError';
}

/**
 * Where `runTraining` writes checkpoints for `outDir`.
 *
 * @example
 * const trainer = hasCheckpoint(checkpointDir('runs/aae'))
 *   ? await restoreTrainer(checkpointDir('runs/aae'), config)
 *   : createTrainer(config);
 */
export const checkpointDir = (outDir: string): string => join(outDir, 'checkpoint');

/**
 * Where `runTraining` appends metrics for `outDir`.
 *
 * @example
 * const records = readFileSync(metricsFile('runs/aae'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
 */
export const metricsFile = (outDir: string): string => join(outDir, 'metrics.jsonl');

/**
 * The records of `outDir/metrics.jsonl`, oldest first (none if there is no log yet): a run's loss
 * history, for curves or a program's own checks.
 *
 * @example
 * const history = readMetrics('runs/wae-swiss-roll');
 * console.log(history.at(-1)?.losses); // { critic: 13.7, autoencoder: 38.0 }
 */
export const readMetrics = (outDir: string): MetricsRecord[] => {
  const path = metricsFile(outDir);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricsRecord);
};

/** Drop log lines past `iteration` (atomically: a temporary file, then a rename). */
const truncateMetrics = (outDir: string, iteration: number): void => {
  const path = metricsFile(outDir);
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && (JSON.parse(l) as { iteration: number }).iteration <= iteration);
  writeFileSync(`${path}.tmp`, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  renameSync(`${path}.tmp`, path);
};

const checkPositive = (name: string, value: number | undefined): void => {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new RunOptionsError(`runTraining: ${name} must be a positive integer, got ${value}`);
  }
};

/** Let pending signals and I/O callbacks run (SIGINT is delivered as a macrotask). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Train until `totalSteps`, SIGINT or `signal`. Resolves with where it stopped; rejects with
 * `NonFiniteLossError` when a loss becomes NaN/Inf (the checkpoint on disk is then the last good one).
 *
 * @example
 * const controller = new AbortController();
 * const { iteration, stopped } = await runTraining({ trainer, totalSteps: 6000, every: 50, outDir: 'runs/aae',
 *   signal: controller.signal });
 */
export const runTraining = async (options: RunOptions): Promise<RunResult> => {
  const { trainer, totalSteps, every, outDir, onLog, onEpoch, checkpointEvery, signal } = options;
  checkPositive('every', every);
  checkPositive('checkpointEvery', checkpointEvery);
  if (!Number.isInteger(totalSteps) || totalSteps < 0) {
    throw new RunOptionsError(`runTraining: totalSteps must be a non-negative integer, got ${totalSteps}`);
  }
  mkdirSync(outDir, { recursive: true });
  truncateMetrics(outDir, trainer.iteration);
  const metrics = metricsFile(outDir);
  const checkpoints = checkpointDir(outDir);
  const started = Date.now();

  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  const listen = options.handleSigint ?? true;
  if (listen) process.once('SIGINT', onSigint);

  const append = (records: readonly LossRecord[], time: number): void => {
    if (records.length === 0) return;
    const lines = records.map((r) =>
      JSON.stringify({ iteration: r.iteration, epoch: r.epoch, losses: r.losses, time }),
    );
    appendFileSync(metrics, `${lines.join('\n')}\n`);
  };

  const flush = async (): Promise<void> => {
    let records: LossRecord[];
    try {
      records = await trainer.readLosses();
    } catch (e) {
      // The finite iterations before a NaN still belong in the log.
      if (e instanceof NonFiniteLossError) append(e.records, (Date.now() - started) / 1000);
      throw e;
    }
    const time = (Date.now() - started) / 1000;
    append(records, time);
    const last = records[records.length - 1];
    if (last !== undefined && onLog !== undefined) await onLog({ ...last, time });
    await yieldToEventLoop();
  };

  try {
    let epoch = trainer.epoch;
    while (trainer.iteration < totalSteps && !interrupted && signal?.aborted !== true) {
      trainer.step();
      const it = trainer.iteration;
      const epochEnded = trainer.epoch !== epoch;
      const checkpointDue = epochEnded || (checkpointEvery !== undefined && it % checkpointEvery === 0);
      if (it % every === 0 || checkpointDue || it === totalSteps) await flush();
      if (checkpointDue) await saveCheckpoint(checkpoints, trainer);
      if (epochEnded) {
        epoch = trainer.epoch;
        if (onEpoch !== undefined) await onEpoch(epoch);
      }
    }
    await flush();
    await saveCheckpoint(checkpoints, trainer);
    return { iteration: trainer.iteration, epoch: trainer.epoch, stopped: trainer.iteration < totalSteps };
  } finally {
    if (listen) process.removeListener('SIGINT', onSigint);
  }
};
