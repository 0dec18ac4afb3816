/**
 * `saddle sweep`: many runs of one model — the cross product of `--grid` option values and
 * `--seeds` — each an ordinary run directory under `DIR/runs/`, then one table of mean ± standard
 * error over seeds per option combination (`DIR/results.jsonl`), sorted by `--rank`.
 *
 * Runs go to a local pool of child processes by default, or to a BullMQ queue in Redis with
 * `--queue` for `saddle worker`s on any machines sharing DIR (docs/sweeps.md). Either way the same
 * command run again continues the sweep: finished runs are skipped, interrupted ones resume.
 *
 * @module
 */
import { join } from 'node:path';
import { metricNames, parseMetricList } from '../eval/metrics.js';
import {
  designSweep,
  parseGridAxis,
  parseSeeds,
  readDesign,
  recordDesign,
  runDir,
  SweepInputError,
  type SweepDesign,
} from '../sweep/design.js';
import { defaultWorkers, pendingRuns, runPool } from '../sweep/pool.js';
import { checkReachable, enqueueRuns, queueStates } from '../sweep/queue.js';
import {
  finalLosses,
  formatResults,
  mergeResults,
  parseRank,
  readOutcomes,
  resultsFile,
  writeResults,
  type Rank,
} from '../sweep/results.js';
import { currentSaddle, isTraining } from '../sweep/runner.js';
import { nonNegativeInt, oneOf, parse, positionals, positiveInt, strings } from './args.js';
import { UsageError } from './errors.js';
import { backendChoices, dataChoices } from './run.js';
import { parseCheckpointEvery } from './train.js';

const flags = {
  seeds: { type: 'string' },
  grid: { type: 'string', multiple: true },
  steps: { type: 'string' },
  epochs: { type: 'string' },
  eval: { type: 'string' },
  'eval-samples': { type: 'string' },
  rank: { type: 'string' },
  out: { type: 'string' },
  workers: { type: 'string' },
  threads: { type: 'string' },
  queue: { type: 'string' },
  status: { type: 'boolean' },
  data: { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  validation: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  every: { type: 'string' },
} as const;

/** Sweep checkpoints are frequent: a dead worker's run resumes losing at most this much. */
const sweepCheckpointEvery = '1m';

/** Turn the sweep modules' input errors into the CLI's one-line usage errors. */
const asUsage = async <T>(f: () => T | Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof SweepInputError) throw new UsageError(`saddle sweep: ${e.message}`);
    throw e;
  }
};

/** `--rank` checked against the columns the sweep will have. */
const rankOf = (raw: unknown, design: SweepDesign): Rank | undefined => {
  const columns = [...design.losses, ...(design.eval ?? [])];
  if (raw === undefined) {
    const first = design.eval?.[0] ?? design.losses[0];
    return first === undefined ? undefined : parseRank(first);
  }
  const rank = parseRank(String(raw));
  if (!columns.includes(rank.column)) {
    throw new UsageError(
      `saddle sweep: --rank "${rank.column}" is not a column of this sweep (columns: ${columns.join(', ')}; add :min or :max to choose the direction)`,
    );
  }
  return rank;
};

/** The `saddle train` flags every run shares, checked here so a typo fails once, not per run. */
const trainFlags = (v: Readonly<Record<string, unknown>>): string[] => {
  const epochs = positiveInt('sweep', 'epochs', v['epochs']);
  const steps = positiveInt('sweep', 'steps', v['steps']);
  if (epochs !== undefined && steps !== undefined)
    throw new UsageError('saddle sweep: give --epochs or --steps, not both');
  const batch = positiveInt('sweep', 'batch-size', v['batch-size']);
  const validation = nonNegativeInt('sweep', 'validation', v['validation']);
  const every = positiveInt('sweep', 'every', v['every']);
  const data = oneOf('sweep', 'data', v['data'], dataChoices);
  const checkpointEvery =
    typeof v['checkpoint-every'] === 'string' ? v['checkpoint-every'] : sweepCheckpointEvery;
  try {
    parseCheckpointEvery(checkpointEvery);
  } catch (e) {
    throw new UsageError(
      e instanceof UsageError ? e.message.replace('saddle train', 'saddle sweep') : String(e),
    );
  }
  const pair = (flag: string, value: number | string | undefined): string[] =>
    value === undefined ? [] : [`--${flag}`, String(value)];
  return [
    ...pair('epochs', epochs),
    ...pair('steps', steps),
    ...pair('batch-size', batch),
    ...pair('validation', validation),
    ...pair('every', every),
    ...pair('data', data),
    ...pair('checkpoint-every', checkpointEvery),
  ];
};

const evalMetrics = (raw: unknown): readonly string[] | undefined => {
  if (raw === undefined) return undefined;
  const { metrics, unknown } = parseMetricList(String(raw));
  if (unknown.length > 0 || metrics.length === 0) {
    throw new UsageError(
      `saddle sweep: --eval takes metrics separated by commas (${metricNames.join(', ')})${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  }
  return metrics;
};

/** Print (and write) the merged table of what has finished so far. */
const printResults = (dir: string, design: SweepDesign, rank: Rank | undefined): void => {
  const results = mergeResults(design, readOutcomes(dir, design), rank);
  writeResults(dir, results);
  process.stdout.write(
    `${formatResults(design, results)}\n` +
      `(mean ± standard error over seeds${rank === undefined ? '' : `, sorted by ${rank.column} ${rank.descending ? 'descending' : 'ascending'}`}; ${resultsFile(dir)})\n`,
  );
};

/** `saddle sweep --status --out DIR`: each run queued, running (with its step), done or failed. */
const statusCommand = async (dir: string, queue: string | undefined): Promise<number> => {
  const design = await asUsage(() => readDesign(dir));
  if (design === undefined) throw new UsageError(`saddle sweep: ${dir} holds no sweep (no sweep.json)`);
  const outcomes = readOutcomes(dir, design);
  const url = queue ?? design.queue;
  if (url !== undefined) await asUsage(() => checkReachable(url));
  const states = url === undefined ? undefined : await queueStates(url, dir, design.runs);
  const counts = new Map<string, number>();
  const lines = design.runs.map((run) => {
    const outcome = outcomes.get(run.name);
    const queued = states?.get(run.name);
    const step = finalLosses(runDir(dir, run)).iteration;
    const [status, detail] =
      outcome !== undefined
        ? outcome.status === 'done'
          ? ['done', `step ${outcome.iteration ?? '?'}`]
          : ['failed', outcome.error ?? '']
        : queued?.state === 'active' || (queued === undefined && isTraining(dir, design, run))
          ? [
              'running',
              `step ${queued?.progress?.step ?? step}${queued?.progress ? `/${queued.progress.total}` : ''}`,
            ]
          : queued === undefined || queued.state !== 'unknown'
            ? ['queued', step > 0 ? `step ${step} (resumes from its checkpoint)` : '']
            : [
                'not queued',
                step > 0 ? `step ${step}; run the sweep command again` : 'run the sweep command again',
              ];
    counts.set(status, (counts.get(status) ?? 0) + 1);
    return `${run.name.padEnd(Math.max(...design.runs.map((r) => r.name.length)))}  ${status.padEnd(10)}  ${detail}`.trimEnd();
  });
  process.stdout.write(
    `${lines.join('\n')}\n${[...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ')} of ${design.runs.length} runs\n`,
  );
  return 0;
};

export const sweepCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('sweep', args, flags);
  const v = parsed.values;
  const queue = typeof v['queue'] === 'string' ? v['queue'] : undefined;
  if (v['status'] === true) {
    if (typeof v['out'] !== 'string')
      throw new UsageError('saddle sweep: --status needs --out DIR, the sweep directory');
    return statusCommand(v['out'], queue);
  }
  const [model = ''] = positionals('sweep', parsed, ['zoo-id | spec.json']);
  const seeds = await asUsage(() => parseSeeds(typeof v['seeds'] === 'string' ? v['seeds'] : undefined));
  const grid = await asUsage(() => strings(v['grid']).map(parseGridAxis));
  const backend = oneOf('sweep', 'backend', v['backend'], backendChoices) ?? 'auto';
  const train = trainFlags(v);
  const evalList = evalMetrics(v['eval']);
  const evalSamples = positiveInt('sweep', 'eval-samples', v['eval-samples']);
  const threads = positiveInt('sweep', 'threads', v['threads']) ?? 1;
  const workers = positiveInt('sweep', 'workers', v['workers']) ?? defaultWorkers(threads);
  const dir =
    typeof v['out'] === 'string' ? v['out'] : join('runs', `sweep-${model.replace(/[^A-Za-z0-9.-]/g, '-')}`);
  if (queue !== undefined) await asUsage(() => checkReachable(queue));

  const design = await asUsage(() =>
    designSweep({
      model,
      seeds,
      grid,
      train,
      data: typeof v['data'] === 'string' ? v['data'] : 'mnist',
      backend,
      ...(evalList === undefined ? {} : { eval: evalList }),
      ...(evalSamples === undefined ? {} : { evalSamples }),
      out: dir,
      ...(queue === undefined ? {} : { queue }),
    }),
  );
  const rank = rankOf(v['rank'], design);
  await asUsage(() => recordDesign(dir, design));
  const pending = pendingRuns(dir, design);
  const skipped = design.runs.length - pending.length;
  process.stdout.write(
    `sweep of '${model}': ${design.runs.length} runs (${design.runs.length / seeds.length} option combination${design.runs.length / seeds.length === 1 ? '' : 's'} × ${seeds.length} seed${seeds.length === 1 ? '' : 's'}) in ${dir}/` +
      `${skipped > 0 ? `; ${skipped} already done, skipped` : ''}\n`,
  );
  const saddle = currentSaddle(threads);
  if (pending.length === 0) {
    process.stdout.write('every run is done\n');
  } else if (queue === undefined) {
    process.stdout.write(
      `running ${pending.length} on ${Math.min(workers, pending.length)} local worker${workers === 1 ? '' : 's'}\n`,
    );
    await runPool(dir, design, pending, {
      workers,
      saddle,
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } else {
    await enqueueRuns(queue, dir, pending);
    process.stdout.write(
      `queued ${pending.length} on ${queue}; start workers with: saddle worker --queue ${queue}\n` +
        `waiting for them (Ctrl-C stops waiting, not the runs; saddle sweep --status --out ${dir} shows them)\n`,
    );
    await waitForOutcomes(dir, design, queue);
  }
  printResults(dir, design, rank);
  return readOutcomes(dir, design).size === design.runs.length &&
    [...readOutcomes(dir, design).values()].every((o) => o.status === 'done')
    ? 0
    : 1;
};

/** Wait until every run of the sweep has an outcome, saying each as it lands. */
const waitForOutcomes = async (dir: string, design: SweepDesign, queue: string): Promise<void> => {
  const seen = new Set(readOutcomes(dir, design).keys());
  for (;;) {
    const outcomes = readOutcomes(dir, design);
    for (const [name, o] of outcomes) {
      if (!seen.has(name)) {
        seen.add(name);
        process.stdout.write(
          `[${seen.size}/${design.runs.length}] ${name} ${o.status}${o.error === undefined ? '' : `: ${o.error}`}\n`,
        );
      }
    }
    if (outcomes.size === design.runs.length) return;
    const states = await queueStates(
      queue,
      dir,
      design.runs.filter((r) => !outcomes.has(r.name)),
    );
    const lost = [...states.entries()].filter(([, s]) => s.state === 'unknown');
    // A job gone without an outcome: its retries ran out (or someone removed it). Say so, once.
    if (lost.length > 0 && [...states.values()].every((s) => s.state === 'unknown')) {
      throw new UsageError(
        `saddle sweep: ${lost.length} run${lost.length === 1 ? '' : 's'} left the queue without a result (${lost.map(([n]) => n).join(', ')}); run the same command again to queue them`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
};
