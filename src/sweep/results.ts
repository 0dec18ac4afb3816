/**
 * A sweep's results: one outcome file per run (written by whoever ran it — a local pool or a queue
 * worker on any machine), merged into mean ± standard error over seeds per option combination.
 *
 * The merge reads only files in the sweep directory, never the queue: the table of a sweep run on
 * Redis workers is computed exactly as the local pool's, so the two agree to the last digit when
 * the runs do.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurably } from '../runtime/durable.js';
import { runDir, type SweepDesign, type SweepRun } from './design.js';

/** How one run ended. */
export interface RunOutcome {
  readonly name: string;
  readonly status: 'done' | 'failed';
  /** The error, one line, for a failed run. */
  readonly error?: string;
  /** The iteration its training reached. */
  readonly iteration?: number;
  /** The final logged loss of each phase. */
  readonly losses: Readonly<Record<string, number>>;
  /** The headline number of each evaluated metric (`eval.json`'s summary). */
  readonly metrics: Readonly<Record<string, number>>;
}

export const outcomeFile = (dir: string, name: string): string => join(dir, 'outcomes', `${name}.json`);

export const readOutcome = (dir: string, name: string): RunOutcome | undefined => {
  const path = outcomeFile(dir, name);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunOutcome;
  } catch {
    return undefined; // torn by a crash before its rename cannot happen; anything else: run it again
  }
};

export const writeOutcome = (dir: string, outcome: RunOutcome): void => {
  mkdirSync(join(dir, 'outcomes'), { recursive: true });
  writeDurably(outcomeFile(dir, outcome.name), `${JSON.stringify(outcome)}\n`);
};

/** The last logged losses of a run directory's `metrics.jsonl` (skipped batches have none). */
export const finalLosses = (dir: string): { iteration: number; losses: Record<string, number> } => {
  const path = join(dir, 'metrics.jsonl');
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  for (const line of lines.reverse()) {
    try {
      const r = JSON.parse(line) as { iteration: number; losses: Record<string, number> };
      if (Object.keys(r.losses).length > 0) return { iteration: r.iteration, losses: r.losses };
    } catch {
      // a blank or torn line
    }
  }
  return { iteration: 0, losses: {} };
};

/** The outcome of a run whose training (and evaluation) exited 0. */
export const doneOutcome = (dir: string, design: SweepDesign, run: SweepRun): RunOutcome => {
  const { iteration, losses } = finalLosses(runDir(dir, run));
  let metrics: Record<string, number> = {};
  if (design.eval !== undefined) {
    const file = JSON.parse(readFileSync(join(runDir(dir, run), 'eval.json'), 'utf8')) as {
      summary: Record<string, number>;
    };
    metrics = file.summary;
  }
  return { name: run.name, status: 'done', iteration, losses, metrics };
};

/** Mean and standard error (sample standard deviation / √n; null for one seed). */
export interface Estimate {
  readonly mean: number;
  readonly se: number | null;
}

export const estimate = (xs: readonly number[]): Estimate => {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: null };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
};

/** One option combination over its seeds: a line of `results.jsonl`. */
export interface ComboResult {
  readonly combo: string;
  readonly options: Readonly<Record<string, string>>;
  readonly seeds: readonly number[];
  /** Seeds whose run finished. */
  readonly done: number;
  readonly failed: readonly { readonly seed: number; readonly error: string }[];
  readonly losses: Readonly<Record<string, Estimate>>;
  readonly metrics: Readonly<Record<string, Estimate>>;
}

/** Metrics where larger is better; everything else (losses, distances, errors) ranks ascending. */
const higherIsBetter = new Set(['parzen', 'score']);

/** `--rank name[:min|:max]`, checked against the columns the sweep produces. */
export interface Rank {
  readonly column: string;
  readonly descending: boolean;
}

export const parseRank = (raw: string): Rank => {
  const m = /^(.+?)(?::(min|max))?$/.exec(raw);
  const column = m?.[1] ?? raw;
  return { column, descending: m?.[2] === undefined ? higherIsBetter.has(column) : m[2] === 'max' };
};

const valueOf = (r: ComboResult, column: string): number | undefined =>
  (r.metrics[column] ?? r.losses[column])?.mean;

/** Merge the outcomes of `design`'s runs per combination, sorted by `rank` (unranked last). */
export const mergeResults = (
  design: SweepDesign,
  outcomes: ReadonlyMap<string, RunOutcome>,
  rank: Rank | undefined,
): readonly ComboResult[] => {
  const combos = new Map<string, SweepRun[]>();
  for (const run of design.runs) combos.set(run.combo, [...(combos.get(run.combo) ?? []), run]);
  const results = [...combos.entries()].map(([combo, runs]): ComboResult => {
    const ended = runs.map((run) => ({ run, outcome: outcomes.get(run.name) }));
    const done = ended.flatMap(({ outcome }) => (outcome?.status === 'done' ? [outcome] : []));
    const gather = (pick: (o: RunOutcome) => Readonly<Record<string, number>>) => {
      const names = [...new Set(done.flatMap((o) => Object.keys(pick(o))))];
      return Object.fromEntries(
        names.map((n) => [n, estimate(done.flatMap((o) => (pick(o)[n] === undefined ? [] : [pick(o)[n]!])))]),
      );
    };
    return {
      combo,
      options: runs[0]?.options ?? {},
      seeds: runs.map((r) => r.seed),
      done: done.length,
      failed: ended.flatMap(({ run, outcome }) =>
        outcome?.status === 'failed' ? [{ seed: run.seed, error: outcome.error ?? 'failed' }] : [],
      ),
      losses: gather((o) => o.losses),
      metrics: gather((o) => o.metrics),
    };
  });
  if (rank === undefined) return results;
  const sign = rank.descending ? -1 : 1;
  return [...results].sort((a, b) => {
    const va = valueOf(a, rank.column);
    const vb = valueOf(b, rank.column);
    if (va === undefined || !Number.isFinite(va)) return vb === undefined || !Number.isFinite(vb) ? 0 : 1;
    if (vb === undefined || !Number.isFinite(vb)) return -1;
    return sign * (va - vb);
  });
};

/** All outcomes recorded so far in `dir`. */
export const readOutcomes = (dir: string, design: SweepDesign): ReadonlyMap<string, RunOutcome> =>
  new Map(
    design.runs.flatMap((run) => {
      const o = readOutcome(dir, run.name);
      return o === undefined ? [] : [[run.name, o] as const];
    }),
  );

export const resultsFile = (dir: string): string => join(dir, 'results.jsonl');

export const writeResults = (dir: string, results: readonly ComboResult[]): void => {
  writeDurably(resultsFile(dir), results.map((r) => `${JSON.stringify(r)}\n`).join(''));
};

const num = (v: number, digits: number): string =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(digits - 1)
      : v.toPrecision(digits);

/** A mean to 4 significant digits, its standard error to 2. */
const cell = (e: Estimate | undefined): string =>
  e === undefined ? '–' : e.se === null ? num(e.mean, 4) : `${num(e.mean, 4)} ± ${num(e.se, 2)}`;

/**
 * The printed table: one row per combination (rank order), the grid's options, seeds done, then
 * every loss and metric as mean ± s.e. over seeds.
 */
export const formatResults = (design: SweepDesign, results: readonly ComboResult[]): string => {
  const losses = [...new Set(results.flatMap((r) => Object.keys(r.losses)))];
  const metrics = [...new Set(results.flatMap((r) => Object.keys(r.metrics)))];
  const keys = design.grid.map((a) => a.key);
  const header = ['#', ...keys, 'seeds', ...losses, ...metrics];
  const rows = results.map((r, i) => [
    String(i + 1),
    ...keys.map((k) => r.options[k] ?? ''),
    `${r.done}/${r.seeds.length}${r.failed.length > 0 ? ` (${r.failed.length} failed)` : ''}`,
    ...losses.map((l) => cell(r.losses[l])),
    ...metrics.map((m) => cell(r.metrics[m])),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((x, c) => x.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  const failures = results.flatMap((r) => r.failed.map((f) => `  ${r.combo}, seed ${f.seed}: ${f.error}`));
  return [
    line(header),
    ...rows.map(line),
    ...(failures.length > 0 ? ['failed runs:', ...failures] : []),
  ].join('\n');
};
