/**
 * A sweep fanned out through a BullMQ queue in Redis: `saddle sweep --queue redis://…` adds one job
 * per unfinished run, `saddle worker --queue redis://…` (any number, on machines sharing the sweep
 * directory at the same path) takes jobs and runs them exactly as the local pool does.
 *
 * The queue carries only which run to do; everything else — the design, each run's directory,
 * its outcome — lives in the sweep directory. So the results merge as the local pool's do, and a
 * job that is retried (its worker died: BullMQ's lock on it expires and the stalled-job check puts
 * it back) simply resumes the run from its last checkpoint with `saddle train --resume`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { readDesign, SweepInputError, type SweepDesign, type SweepRun } from './design.js';
import { outcomeSummary } from './pool.js';
import { outcomeFile, readOutcome, writeOutcome } from './results.js';
import { executeRun, Interrupted, type SaddleCommand } from './runner.js';

/** One queue for all sweeps: a worker serves whichever sweep has work. */
export const queueName = 'saddle-sweep';

/** What a job says: the sweep directory (absolute, the same on every machine) and the run's name. */
export interface RunJob {
  readonly dir: string;
  readonly run: string;
}

/** `redis://host:port[/db]` → the connection BullMQ opens (it needs `maxRetriesPerRequest: null`). */
export const parseQueueUrl = (url: string): ConnectionOptions & { host: string; port: number } => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SweepInputError(`--queue must be redis://host:port, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' || parsed.hostname === '') {
    throw new SweepInputError(`--queue must be redis://host:port, got "${url}"`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db: Number.isSafeInteger(db) ? db : 0,
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    maxRetriesPerRequest: null,
  };
};

/**
 * Fail fast, in one line, when nothing listens at the queue's address — BullMQ's client would
 * otherwise retry for ever in silence.
 */
export const checkReachable = (url: string, timeoutMs = 3000): Promise<void> => {
  const { host, port } = parseQueueUrl(url);
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ host, port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new SweepInputError(`cannot reach Redis at ${url}: ${why} (start redis-server, or check --queue)`),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`));
    socket.once('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    socket.once('connect', () => {
      socket.end();
      resolvePromise();
    });
  });
};

/** A run's job id: stable, so adding a run that is already queued or running adds nothing. */
export const jobId = (dir: string, run: string): string =>
  `run-${createHash('sha256')
    .update(`${resolve(dir)}\0${run}`)
    .digest('hex')
    .slice(0, 24)}`;

/** Add the runs to the queue; earlier failures of these runs are cleared, so they are tried again. */
export const enqueueRuns = async (url: string, dir: string, runs: readonly SweepRun[]): Promise<void> => {
  const queue = new Queue<RunJob>(queueName, { connection: parseQueueUrl(url) });
  try {
    for (const run of runs) {
      rmSync(outcomeFile(dir, run.name), { force: true });
      await queue.add(
        run.name,
        { dir: resolve(dir), run: run.name },
        {
          jobId: jobId(dir, run.name),
          // Retries cover a worker stopped by a signal; a dead worker's job comes back through the
          // stalled check instead. A run's own failure is an outcome, not a retry.
          attempts: 5,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    }
  } finally {
    await queue.close();
  }
};

/** What the queue says of each run: waiting, active (with its progress) or gone. */
export const queueStates = async (
  url: string,
  dir: string,
  runs: readonly SweepRun[],
): Promise<ReadonlyMap<string, { state: string; progress?: { step: number; total: number } }>> => {
  const queue = new Queue<RunJob>(queueName, { connection: parseQueueUrl(url) });
  try {
    const states = new Map<string, { state: string; progress?: { step: number; total: number } }>();
    for (const run of runs) {
      const job = await queue.getJob(jobId(dir, run.name));
      const state = job === undefined ? 'unknown' : await job.getState();
      const progress = job?.progress as { step: number; total: number } | undefined;
      states.set(run.name, {
        state,
        ...(typeof progress === 'object' && progress !== null ? { progress } : {}),
      });
    }
    return states;
  } finally {
    await queue.close();
  }
};

export interface WorkerOptions {
  readonly url: string;
  readonly saddle: SaddleCommand;
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal: a dead worker's run is retried after about this. */
  readonly lockSeconds: number;
  readonly log: (line: string) => void;
}

/** A running `saddle worker`: stop it to end its runs at a checkpoint and hand them back. */
export interface RunningWorker {
  readonly stop: () => Promise<void>;
  readonly closed: Promise<void>;
}

/** Take runs from the queue until stopped. */
export const startWorker = (options: WorkerOptions): RunningWorker => {
  const abort = new AbortController();
  const me = `${hostname()}:${process.pid}`;
  const processor = async (job: Job<RunJob>): Promise<string> => {
    const { dir, run: name } = job.data;
    const design: SweepDesign | undefined = readDesign(dir);
    const run = design?.runs.find((r) => r.name === name);
    if (design === undefined || run === undefined) {
      options.log(`${name}: no such run in ${dir}/sweep.json (is the sweep directory shared at this path?)`);
      throw new Error(`${dir}: no run ${name}`);
    }
    if (readOutcome(dir, name)?.status === 'done') {
      options.log(`${name}: already done, skipped`);
      return 'skipped';
    }
    let from: number | undefined;
    try {
      const outcome = await executeRun(options.saddle, dir, design, run, {
        signal: abort.signal,
        onStart: (step) => {
          from = step;
          options.log(
            `${name}: started by ${me} from step ${step}${job.attemptsStarted > 1 ? ` (attempt ${job.attemptsStarted})` : ''}`,
          );
        },
        onProgress: (p) => {
          options.log(`${name}: step ${p.step}/${p.total}`);
          void job.updateProgress(p).catch(() => undefined);
        },
      });
      writeOutcome(dir, outcome);
      // "finished by" is said only by the worker that trained the run's last steps: a worker that
      // finds the run complete (its lock on the job had lapsed while another finished it) says so.
      options.log(
        outcome.status === 'failed'
          ? `${name}: ${outcomeSummary(outcome)}`
          : from === undefined
            ? `${name}: found complete, nothing to train; ${outcomeSummary(outcome)}`
            : `${name}: finished by ${me}: trained from step ${from} to ${outcome.iteration ?? '?'}; ${outcomeSummary(outcome)}`,
      );
      return outcome.status;
    } catch (e) {
      if (e instanceof Interrupted) options.log(`${name}: stopped at a checkpoint; handed back to the queue`);
      throw e;
    }
  };
  const worker = new Worker<RunJob, string>(queueName, processor, {
    connection: parseQueueUrl(options.url),
    concurrency: options.concurrency,
    lockDuration: options.lockSeconds * 1000,
    stalledInterval: Math.max(1000, (options.lockSeconds * 1000) / 2),
    // A run whose workers keep dying is not a run that fails: let it come back a few times.
    maxStalledCount: 5,
  });
  worker.on('error', (e) => options.log(`queue error: ${e.message}`));
  const closed = new Promise<void>((r) => worker.on('closed', () => r()));
  return {
    stop: async () => {
      abort.abort();
      await worker.close();
    },
    closed,
  };
};
