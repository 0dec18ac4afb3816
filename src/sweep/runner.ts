/**
 * One run of a sweep as child processes: `saddle train … --resume`, then `saddle eval` if the sweep
 * evaluates. A child process per run isolates failures (a model that does not compile, a NaN, an
 * out-of-memory) from the pool or worker and from the other runs, and reuses every promise of
 * `saddle train` — checkpoints, `train.lock`, an exact resume — instead of re-implementing them.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, LOCK_FILE } from '../runtime/lock.js';
import { evalArgs, runDir, trainArgs, type SweepDesign, type SweepRun } from './design.js';
import { doneOutcome, type RunOutcome } from './results.js';

/**
 * Loaded into every child with `node --import`: when the parent (pool or worker) dies, even by
 * SIGKILL, the child's stdin pipe closes and the child stops as on SIGTERM — finishing its
 * iteration and writing a checkpoint — instead of training on as an orphan that holds the run's
 * lock while another worker retries it. `unref` keeps the watch from holding the child open, and
 * its output, now read by no one, must not end it (EPIPE) before that checkpoint is written.
 */
const parentWatch =
  'data:text/javascript,' +
  encodeURIComponent(
    "process.stdin.on('end',()=>process.kill(process.pid,'SIGTERM'));process.stdin.on('error',()=>{});process.stdin.resume();process.stdin.unref();" +
      "for(const s of [process.stdout,process.stderr])s.on('error',()=>{});",
  );

/** How to start `saddle`: this process's own script (bin/saddle.js, or a bundle in tests). */
export interface SaddleCommand {
  readonly node: string;
  readonly script: string;
  /** Threads each run may use (wasm and OpenBLAS). */
  readonly threads: number;
}

export const currentSaddle = (threads: number): SaddleCommand => ({
  node: process.execPath,
  script: process.argv[1] ?? 'saddle',
  threads,
});

export interface Progress {
  readonly step: number;
  readonly total: number;
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunHooks {
  /** The iteration training resumed from (0 for a fresh start), once known. */
  readonly onStart?: (fromStep: number) => void;
  readonly onProgress?: (p: Progress) => void;
  /** Aborting stops the children with SIGTERM (they checkpoint) and rejects with `Interrupted`. */
  readonly signal?: AbortSignal;
}

/** A run stopped by a signal: not an outcome, the run continues from its checkpoint next time. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

const spawnSaddle = (
  saddle: SaddleCommand,
  args: readonly string[],
  onLine: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(saddle.node, ['--import', parentWatch, saddle.script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SADDLE_WASM_THREADS: String(saddle.threads),
        OPENBLAS_NUM_THREADS: String(saddle.threads),
      },
    });
    let out = '';
    let err = '';
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const text = tail + chunk;
      const cut = text.lastIndexOf('\n');
      tail = text.slice(cut + 1);
      if (cut >= 0) for (const line of text.slice(0, cut).split('\n')) onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const stop = (): void => void child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', stop);
      resolve({ code, signal: sig, stdout: out, stderr: err });
    });
  });

/** The lines a failed child said to the user, as one line. */
const errorOf = (r: ChildResult, what: string): string => {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at '));
  const said = lines.filter((l) => l.startsWith('saddle')).slice(0, 3);
  const text = (said.length > 0 ? said : lines.slice(-3)).join(' / ');
  return `${what} exited ${r.code ?? r.signal ?? '?'}${text === '' ? '' : `: ${text}`}`.slice(0, 600);
};

const heldBy = (stderr: string): number | undefined => {
  const m = /train\.lock is held by process (\d+)/.exec(stderr);
  return m === null ? undefined : Number(m[1]);
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Train (and evaluate) one run to its end and return its outcome: `done` with its final losses and
 * metrics, or `failed` with the error. Exit codes 130/143 (a signal) reject with `Interrupted`.
 *
 * A run whose directory another live `saddle train` holds (a worker declared dead by the queue
 * while its child was still stopping) is waited for, then resumed — which finishes it, or finds it
 * finished: a run never trains twice at once, nor twice to completion.
 */
export const executeRun = async (
  saddle: SaddleCommand,
  dir: string,
  design: SweepDesign,
  run: SweepRun,
  hooks: RunHooks = {},
): Promise<RunOutcome> => {
  if (run.invalid !== undefined) {
    return { name: run.name, status: 'failed', error: run.invalid, losses: {}, metrics: {} };
  }
  const onLine = (line: string): void => {
    const start = /^training '.*? (?:from step (\d+) )?to step \d+/.exec(line);
    if (start !== null) hooks.onStart?.(Number(start[1] ?? 0));
    const p = /^(\d+)\/(\d+)\s+epoch/.exec(line);
    if (p !== null) hooks.onProgress?.({ step: Number(p[1]), total: Number(p[2]) });
  };
  // A function, so the compiler does not take the flag for constant across the awaits.
  const aborted = (): boolean => hooks.signal?.aborted === true;
  let train: ChildResult;
  for (;;) {
    train = await spawnSaddle(saddle, trainArgs(dir, design, run), onLine, hooks.signal);
    const pid = train.code === 2 ? heldBy(train.stderr) : undefined;
    if (pid === undefined) break;
    while (alive(pid) && !aborted()) await sleep(500);
  }
  if (train.code === 130 || train.code === 143 || train.signal !== null || aborted()) {
    throw new Interrupted(`${run.name}: training stopped by a signal; it resumes from its checkpoint`);
  }
  if (train.code !== 0) return failed(run, errorOf(train, 'saddle train'));
  const args = evalArgs(dir, design, run);
  if (args !== undefined) {
    const evaluated = await spawnSaddle(saddle, args, () => undefined, hooks.signal);
    if (evaluated.signal !== null || aborted()) {
      throw new Interrupted(`${run.name}: evaluation stopped by a signal`);
    }
    if (evaluated.code !== 0) return failed(run, errorOf(evaluated, 'saddle eval'));
  }
  return doneOutcome(dir, design, run);
};

const failed = (run: SweepRun, error: string): RunOutcome => ({
  name: run.name,
  status: 'failed',
  error,
  losses: {},
  metrics: {},
});

/** Whether a run's directory holds a live `saddle train` (for `--status` of a local pool). */
export const isTraining = (dir: string, design: SweepDesign, run: SweepRun): boolean => {
  const lock = join(runDir(dir, run), LOCK_FILE);
  if (!existsSync(lock)) return false;
  const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
  return Number.isSafeInteger(pid) && alive(pid);
};
