/**
 * `saddle report DIR [DIR ...]`: the run report page, `DIR/report.html` — one self-contained file
 * (no network) with the run's model and options, its compiled plan, loss curves, the sample grid
 * and latent scatter of every epoch, `eval.json`'s metrics beside the paper's figure, and the
 * backend and speed (or to `--out FILE`). Given several runs it writes one page comparing them
 * (curves overlaid, metrics side by side) to the first run's directory as `compare.html`, or to
 * `--out FILE`.
 *
 * Everything comes from files the run already holds (`run.json`, `metrics.jsonl`, the PNGs and the
 * `*.vl.json` chart specs, `eval.json`), so a report costs no tensor work and can be rewritten at
 * any time; `saddle train` writes it at the end of a run and `saddle eval` refreshes it.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { explain } from '../compile/index.js';
import type { BackendInfo } from '../runtime/backend/index.js';
import { compareLossSpec, lossCurvesSpec, reportHtml, tableSpec } from '../report/index.js';
import type { Frame, RunReport, TableCell } from '../report/index.js';
import { paperFigures } from '../report/paper.js';
import { readMetrics, type MetricsRecord } from '../runtime/run.js';
import { parse } from './args.js';
import { UsageError } from './errors.js';
import { evalFile, tableRows, type EvalFile } from './eval.js';
import { planOf, readRunFile, type RunFile } from './run.js';

/** The report page of a run directory. */
export const reportFile = (dir: string): string => join(dir, 'report.html');

/** What the report remembers of training that no other file of the run holds. */
const trainingFile = (dir: string): string => join(dir, 'training.json');
interface TrainingFile {
  readonly backend: string;
}

/** The bundled page scripts (`npm run build` → `dist/web/`), the same from `src/` and `dist/`. */
export const webAsset = (name: 'report.js' | 'explorer.js'): string =>
  fileURLToPath(new URL(`../../dist/web/${name}`, import.meta.url));

const readWebAsset = (name: 'report.js' | 'explorer.js'): string => {
  const path = webAsset(name);
  if (!existsSync(path)) {
    throw new UsageError(`saddle: the page script ${path} is missing; build it with \`npm run build\``);
  }
  return readFileSync(path, 'utf8');
};

/** Epoch labels in order: 1, 2, …, then `final`. */
const byEpoch = (a: string, b: string): number =>
  (a === 'final' ? Infinity : Number(a)) - (b === 'final' ? Infinity : Number(b));

/** `<prefix>-<label><suffix>` files of a directory, by epoch. */
const framesOf = (dir: string, prefix: string, suffix: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith(suffix))
    .map((f) => f.slice(prefix.length + 1, -suffix.length))
    .filter((label) => label === 'final' || /^\d+$/.test(label))
    .sort(byEpoch);

const readJson = <T>(path: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/**
 * Training speed from the log: iterations over seconds, summed over the stretches where `time`
 * does not go back (it restarts from zero when a run is resumed). Records written in one flush
 * share a time, so a stretch is measured from its first record to its last, never pair by pair.
 */
export const trainingSpeed = (records: readonly MetricsRecord[]): number | undefined => {
  let steps = 0;
  let seconds = 0;
  let start = records[0];
  records.forEach((r, i) => {
    const next = records[i + 1];
    if (start !== undefined && (next === undefined || next.time < r.time)) {
      steps += r.iteration - start.iteration;
      seconds += r.time - start.time;
      start = next;
    }
  });
  return seconds > 0 && steps > 0 ? steps / seconds : undefined;
};

const modelFacts = (run: RunFile): [string, string][] => [
  [
    'model',
    run.source.kind === 'zoo'
      ? `zoo entry '${run.source.id}', options ${JSON.stringify(run.source.options)}`
      : `spec file ${run.source.file}`,
  ],
  ['data', `${run.data}${run.validation ? ` (last ${run.validation} training images held out)` : ''}`],
  ['seed, batch size', `${run.seed}, ${run.batchSize}`],
];

/** The evaluation as table cells: saddle's figure, how it was measured, and the paper's. */
const evalCells = (run: RunFile, evaluation: EvalFile, column = 'saddle'): TableCell[] => {
  const paper = run.source.kind === 'zoo' ? paperFigures[run.source.id] : undefined;
  return tableRows(evaluation.metrics).flatMap(([metric, value, how]) => [
    { row: metric, column, text: value },
    ...(column === 'saddle'
      ? [
          { row: metric, column: 'how', text: how.length > 60 ? `${how.slice(0, 57)}…` : how },
          { row: metric, column: 'paper', text: paper?.metric === metric ? paper.text : '—' },
        ]
      : []),
  ]);
};

/** Everything the page shows of one run, read from its directory. */
export const gatherRun = (dir: string): RunReport => {
  const run = readRunFile('report', dir);
  const plan = planOf('report', run);
  const records = readMetrics(dir);
  const evaluation = readJson<EvalFile>(evalFile(dir));
  const training = readJson<TrainingFile>(trainingFile(dir));
  const iteration = records.at(-1)?.iteration ?? 0;
  const speed = trainingSpeed(records);
  const facts: [string, string][] = [
    ...modelFacts(run),
    ['length', `${iteration} of ${run.totalSteps} steps (epoch ${records.at(-1)?.epoch ?? 0})`],
    [
      'backend',
      training?.backend ??
        `not recorded by training${evaluation !== undefined ? ` (saddle eval ran on ${evaluation.backend})` : ''}`,
    ],
    [
      'speed',
      speed === undefined
        ? 'not measured'
        : `${speed.toFixed(2)} steps/s, ${Math.round(speed * run.batchSize)} examples/s (wall clock, shared machine)`,
    ],
  ];
  const specFrames = (name: string): Frame<TopLevelSpec>[] =>
    framesOf(dir, name, '.vl.json').flatMap((label) => {
      const spec = readJson<TopLevelSpec>(join(dir, `${name}-${label}.vl.json`));
      return spec === undefined ? [] : [{ label, item: spec }];
    });
  return {
    dir,
    title: plan.model,
    facts,
    explain: explain(plan),
    ...(records.length > 0
      ? { loss: lossCurvesSpec(records, { title: `${plan.model}: phase losses` }) }
      : {}),
    samples: framesOf(dir, 'samples', '.png').map((label) => ({
      label,
      item: readFileSync(join(dir, `samples-${label}.png`)),
    })),
    latent: specFrames('latent'),
    codes: specFrames('codes'),
    ...(evaluation !== undefined
      ? {
          metrics: tableSpec(evalCells(run, evaluation), {
            title: `${plan.model}: saddle eval beside the paper's figure`,
          }),
          metricsNote: `eval.json: checkpoint at step ${evaluation.iteration}, backend ${evaluation.backend}, seed ${evaluation.seed}, ${evaluation.date}; the papers' figures are from docs/reproduction.md`,
        }
      : {}),
  };
};

const writeAtomically = (path: string, text: string): void => {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
};

/**
 * Write `dir/report.html` (or `out`); `backend` (the training run's) is remembered for later rewrites.
 * Returns the path written.
 */
export const writeReport = (
  dir: string,
  options: { readonly backend?: BackendInfo; readonly out?: string } = {},
): string => {
  if (options.backend !== undefined) {
    writeFileSync(
      trainingFile(dir),
      `${JSON.stringify({ backend: options.backend.banner.replace(/^saddle backend: /, '') } satisfies TrainingFile)}\n`,
    );
  }
  const run = gatherRun(dir);
  const path = options.out ?? reportFile(dir);
  writeAtomically(
    path,
    reportHtml({ title: `saddle run report: ${run.title}`, runs: [run] }, readWebAsset('report.js')),
  );
  return path;
};

/** One page comparing several runs: their curves overlaid, their metrics side by side. */
export const writeComparison = (dirs: readonly string[], out: string): string => {
  const runs = dirs.map(gatherRun);
  const names = dirs.map((d) => basename(resolve(d)));
  const cells = dirs.flatMap((dir, i) => {
    const evaluation = readJson<EvalFile>(evalFile(dir));
    return evaluation === undefined ? [] : evalCells(readRunFile('report', dir), evaluation, names[i]);
  });
  const compare = {
    loss: compareLossSpec(dirs.map((d, i) => ({ name: names[i]!, records: readMetrics(d) }))),
    ...(cells.length > 0 ? { metrics: tableSpec(cells, { title: 'saddle eval, side by side' }) } : {}),
  };
  writeAtomically(
    out,
    reportHtml(
      { title: `saddle runs compared: ${names.join(', ')}`, runs, compare },
      readWebAsset('report.js'),
    ),
  );
  return out;
};

/** `saddle report DIR [DIR ...] [--out FILE]`. */
export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('report', args, { out: { type: 'string' } });
  const dirs = parsed.positionals;
  if (dirs.length === 0)
    throw new UsageError('saddle report: expected <run-dir> [<run-dir> ...], got nothing');
  for (const d of dirs) readRunFile('report', d);
  const out = parsed.values['out'];
  if (out !== undefined && (typeof out !== 'string' || !existsSync(dirname(resolve(out))))) {
    throw new UsageError(`saddle report: --out ${String(out)}: its directory does not exist`);
  }
  const written =
    dirs.length === 1
      ? writeReport(dirs[0]!, typeof out === 'string' ? { out } : {})
      : writeComparison(dirs, typeof out === 'string' ? out : join(dirs[0]!, 'compare.html'));
  process.stdout.write(`report: ${written} (open it in a browser; it needs no network)\n`);
  return 0;
};

/**
 * Write (or refresh) `dir/report.html` at the end of `saddle train` or `saddle eval`, saying where
 * it is (unless `quiet`: `--json` output stays pure JSON); a report that cannot be written is a
 * warning, never a failed run.
 */
export const reportAfter = (
  dir: string,
  options: { readonly backend?: BackendInfo; readonly quiet?: boolean } = {},
): void => {
  try {
    const path = writeReport(dir, options.backend !== undefined ? { backend: options.backend } : {});
    if (options.quiet !== true) {
      process.stdout.write(`  report:      ${path} (the latent-space explorer: saddle serve ${dir})\n`);
    }
  } catch (e) {
    process.stderr.write(
      `saddle: could not write the report: ${e instanceof Error ? e.message : String(e)}\n`,
    );
  }
};
