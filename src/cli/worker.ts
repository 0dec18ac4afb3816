/**
 * `saddle worker --queue redis://host:port`: take sweep runs from the queue and train them, one
 * child `saddle train` (and `saddle eval`) per run, until stopped. Start any number, on any
 * machines that see the sweep directories at the same paths (docs/sweeps.md).
 *
 * Ctrl-C or SIGTERM stops the runs in progress at a checkpoint and hands them back to the queue;
 * a worker that dies outright (SIGKILL, a lost machine) loses its lock on the job, and another
 * worker resumes the run from its last checkpoint.
 *
 * @module
 */
import { checkReachable, startWorker } from '../sweep/queue.js';
import { currentSaddle } from '../sweep/runner.js';
import { SweepInputError } from '../sweep/design.js';
import { parse, positionals, positiveInt } from './args.js';
import { UsageError } from './errors.js';

const flags = {
  queue: { type: 'string' },
  concurrency: { type: 'string' },
  threads: { type: 'string' },
  'lock-seconds': { type: 'string' },
} as const;

export const workerCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('worker', args, flags);
  positionals('worker', parsed, []);
  const v = parsed.values;
  if (typeof v['queue'] !== 'string') {
    throw new UsageError(
      'saddle worker: --queue redis://host:port is required (the queue saddle sweep --queue fills)',
    );
  }
  const url = v['queue'];
  const concurrency = positiveInt('worker', 'concurrency', v['concurrency']) ?? 1;
  const threads = positiveInt('worker', 'threads', v['threads']) ?? 1;
  const lockSeconds = positiveInt('worker', 'lock-seconds', v['lock-seconds']) ?? 30;
  try {
    await checkReachable(url);
  } catch (e) {
    if (e instanceof SweepInputError) throw new UsageError(`saddle worker: ${e.message}`);
    throw e;
  }
  const log = (line: string): void => void process.stdout.write(`saddle worker: ${line}\n`);
  const worker = startWorker({ url, saddle: currentSaddle(threads), concurrency, lockSeconds, log });
  log(`waiting for runs on ${url} (${concurrency} at a time; Ctrl-C stops at a checkpoint)`);
  let signalled: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (signalled !== undefined) process.exit(signal === 'SIGINT' ? 130 : 143);
    signalled = signal;
    log(`${signal}: stopping the runs in progress at a checkpoint`);
    void worker.stop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await worker.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return signalled === 'SIGINT' ? 130 : signalled === 'SIGTERM' ? 143 : 0;
};
