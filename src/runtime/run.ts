/**
 * The run loop: step a trainer to the run's total length, logging, checkpointing and stopping
 * cleanly — the policy around `Trainer`, kept apart so tests and the CLI share it.
 *
 * - Losses are read every `every` iterations (and before every checkpoint and at the end), appended
 *   as JSON lines `{"iteration","epoch","losses":{phase: value},"time"}` to `outDir/metrics.jsonl`;
 *   the newest record goes to `onLog` (progress display is the caller's).
 * - A checkpoint (`outDir/checkpoint`) is written at each epoch end, every `checkpointEvery`
 *   iterations and every `checkpointSeconds` of wall-clock time if given, and when the loop ends —
 *   always right after the losses since the previous one were read and found finite, and after
 *   `metrics.jsonl` is fsync'ed, so the log on disk always reaches at least the newest checkpoint.
 * - A NaN/Inf in a loss or in an updated parameter throws (`NonFiniteLossError`,
 *   `NonFiniteParameterError`) before any checkpoint could include it, so the last checkpoint stays
 *   the last good state — or, with `onNan: 'skip'`, the iteration is undone (parameters and
 *   optimizer state restored; its batch and draws are spent) and logged as skipped.
 * - SIGINT (Ctrl-C), SIGTERM or an aborted `signal` stop after the current iteration: losses are
 *   read, a checkpoint is written, and the loop returns `{ stopped: true, signal }` for the caller
 *   to exit. A second signal of the same kind kills the process at once (the default action).
 * - `totalSteps` is the run's total length: a resumed trainer continues up to it.
 * - Lines of an earlier run in `metrics.jsonl` past the trainer's iteration are dropped first (and
 *   a line torn by a kill): a resumed run recomputes them, so the log ends with no line missing or
 *   doubled, and a fresh trainer (iteration 0) starts a fresh log.
 *
 * @module
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyState, captureState, saveCheckpoint } from './checkpoint.js';
import { syncPath, withPath, writeDurably } from './durable.js';
import { NonFiniteLossError, NonFiniteParameterError, type LossRecord, type Trainer } from './trainer.js';

/**
 * One line of `metrics.jsonl`: a loss record and the seconds since this loop started.
 *
 * @example
 * await runTraining({ trainer, totalSteps: 1000, every: 50, outDir: 'runs/aae',
 *   onLog: (r: MetricsRecord) => console.log(`${r.iteration} ${r.time.toFixed(1)}s`, r.losses) });
 */
export interface MetricsRecord extends LossRecord {
  readonly time: number;
  /**
   * Present on the line of an iteration undone under `onNan: 'skip'` (its `losses` are then
   * empty): which phase went non-finite, in its loss or in a parameter it updated.
   */
  readonly skipped?: { readonly phase: string; readonly in: 'loss' | 'parameter' };
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
  /** Also checkpoint when this many seconds of wall-clock time have passed since the last one. */
  readonly checkpointSeconds?: number;
  /**
   * What a NaN/Inf does: `'stop'` (default) throws; `'skip'` undoes that iteration and goes on.
   * Skipping reads every iteration's losses and copies the state before each step: slower.
   */
  readonly onNan?: 'stop' | 'skip';
  readonly signal?: AbortSignal;
  /** Stop cleanly on SIGINT and SIGTERM (default true; tests turn it off). */
  readonly handleSignals?: boolean;
  /** Told what the loop did to files on its own: log lines dropped on resume. */
  readonly onNotice?: (line: string) => void;
  /** The wall clock in milliseconds (default `Date.now`), for `time` and `checkpointSeconds`; tests pass their own. */
  readonly now?: () => number;
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
  /** True when a signal or `signal` ended the loop before `totalSteps`. */
  readonly stopped: boolean;
  /** The process signal that stopped the loop, if one did. */
  readonly signal?: 'SIGINT' | 'SIGTERM';
  /** Iterations undone under `onNan: 'skip'` in this loop. */
  readonly skipped: number;
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
  return parseLines(readFileSync(path, 'utf8')).records;
};

/** The log's records, and how many lines did not parse (a line torn by a kill, a hand edit). */
const parseLines = (text: string): { records: MetricsRecord[]; torn: number } => {
  const records: MetricsRecord[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as MetricsRecord;
      if (typeof r === 'object' && r !== null && Number.isSafeInteger(r.iteration)) records.push(r);
      else torn += 1;
    } catch {
      torn += 1;
    }
  }
  return { records, torn };
};

/** Drop log lines past `iteration` and torn lines, durably; says what it dropped. */
const truncateMetrics = (outDir: string, iteration: number, notice: (line: string) => void): void => {
  const path = metricsFile(outDir);
  if (!existsSync(path)) return;
  const { records, torn } = parseLines(readFileSync(path, 'utf8'));
  const kept = records.filter((r) => r.iteration <= iteration);
  const dropped = records.length - kept.length;
  if (dropped === 0 && torn === 0) return;
  writeDurably(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  if (iteration > 0) {
    notice(
      `${path}: dropped ${dropped} line${dropped === 1 ? '' : 's'} past step ${iteration}${torn > 0 ? ` and ${torn} unreadable` : ''} (the resumed run recomputes them)`,
    );
  }
};

const checkPositive = (name: string, value: number | undefined): void => {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new RunOptionsError(`runTraining: ${name} must be a positive integer, got ${value}`);
  }
};

/** Let pending signals and I/O callbacks run (signals are delivered as macrotasks). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Train until `totalSteps`, SIGINT, SIGTERM or `signal`. Resolves with where it stopped; rejects
 * with `NonFiniteLossError` when a loss or parameter becomes NaN/Inf (unless `onNan: 'skip'`; the
 * checkpoint on disk is then the last good one).
 *
 * @example
 * const controller = new AbortController();
 * const { iteration, stopped } = await runTraining({ trainer, totalSteps: 6000, every: 50, outDir: 'runs/aae',
 *   checkpointSeconds: 600, signal: controller.signal });
 */
export const runTraining = async (options: RunOptions): Promise<RunResult> => {
  const { trainer, totalSteps, every, outDir, onLog, onEpoch, checkpointEvery, signal } = options;
  checkPositive('every', every);
  checkPositive('checkpointEvery', checkpointEvery);
  const { checkpointSeconds } = options;
  if (checkpointSeconds !== undefined && !(checkpointSeconds > 0)) {
    throw new RunOptionsError(`runTraining: checkpointSeconds must be positive, got ${checkpointSeconds}`);
  }
  if (!Number.isInteger(totalSteps) || totalSteps < 0) {
    throw new RunOptionsError(`runTraining: totalSteps must be a non-negative integer, got ${totalSteps}`);
  }
  const skipNan = options.onNan === 'skip';
  mkdirSync(outDir, { recursive: true });
  truncateMetrics(outDir, trainer.iteration, options.onNotice ?? (() => {}));
  const metrics = metricsFile(outDir);
  const checkpoints = checkpointDir(outDir);
  const now = options.now ?? Date.now;
  const started = now();
  const seconds = (): number => (now() - started) / 1000;

  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;
  const onSigint = (): void => {
    stoppedBy ??= 'SIGINT';
  };
  const onSigterm = (): void => {
    stoppedBy ??= 'SIGTERM';
  };
  const listen = options.handleSignals ?? true;
  if (listen) {
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
  }

  const appendLines = (records: readonly MetricsRecord[]): void => {
    if (records.length === 0) return;
    try {
      appendFileSync(metrics, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    } catch (e) {
      throw withPath(e, metrics);
    }
  };
  /** The newest record logged, for `onLog` (under `onNan: 'skip'` losses are read every step). */
  let newest: LossRecord | undefined;
  const append = (records: readonly LossRecord[]): void => {
    const time = seconds();
    appendLines(records.map((r) => ({ iteration: r.iteration, epoch: r.epoch, losses: r.losses, time })));
    newest = records[records.length - 1] ?? newest;
  };

  /** Read the pending losses into the log; the newest goes to `onLog` when `log` is set. */
  const flush = async (log: boolean): Promise<void> => {
    let records: LossRecord[];
    try {
      records = await trainer.readLosses();
    } catch (e) {
      // The finite iterations before a NaN still belong in the log.
      if (e instanceof NonFiniteLossError) append(e.records);
      throw e;
    }
    append(records);
    if (log && newest !== undefined && onLog !== undefined) await onLog({ ...newest, time: seconds() });
  };

  let skipped = 0;
  /** One iteration that is undone if it makes a loss or a parameter non-finite. */
  const guardedStep = async (): Promise<void> => {
    const before = await captureState(trainer);
    trainer.step();
    try {
      append(await trainer.readLosses());
    } catch (e) {
      if (!(e instanceof NonFiniteLossError)) throw e;
      await applyState(trainer, before, `the state before iteration ${e.iteration}`);
      skipped += 1;
      const what = e instanceof NonFiniteParameterError ? 'parameter' : 'loss';
      appendLines([
        {
          iteration: e.iteration,
          epoch: trainer.epoch,
          losses: {},
          time: seconds(),
          skipped: { phase: e.phase, in: what },
        },
      ]);
    }
  };

  let savedAt = -1;
  let savedTime = now();
  const checkpoint = async (): Promise<void> => {
    if (savedAt === trainer.iteration) return;
    syncPath(metrics);
    await saveCheckpoint(checkpoints, trainer);
    savedAt = trainer.iteration;
    savedTime = now();
  };

  try {
    let epoch = trainer.epoch;
    while (trainer.iteration < totalSteps && stoppedBy === undefined && signal?.aborted !== true) {
      if (skipNan) await guardedStep();
      else trainer.step();
      const it = trainer.iteration;
      const epochEnded = trainer.epoch !== epoch;
      const checkpointDue =
        epochEnded ||
        (checkpointEvery !== undefined && it % checkpointEvery === 0) ||
        (checkpointSeconds !== undefined && now() - savedTime >= checkpointSeconds * 1000);
      const logDue = it % every === 0 || it === totalSteps;
      if (logDue || checkpointDue) await flush(logDue || epochEnded);
      if (checkpointDue) await checkpoint();
      if (epochEnded) {
        epoch = trainer.epoch;
        if (onEpoch !== undefined) await onEpoch(epoch);
      }
      await yieldToEventLoop();
    }
    await flush(false);
    await checkpoint();
    return {
      iteration: trainer.iteration,
      epoch: trainer.epoch,
      stopped: trainer.iteration < totalSteps,
      ...(stoppedBy === undefined ? {} : { signal: stoppedBy }),
      skipped,
    };
  } finally {
    if (listen) {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
    }
  }
};
