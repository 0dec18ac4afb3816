/**
 * `saddle eval <run-dir>`: restore a trained run and compute the metrics the papers report —
 * Parzen log-likelihood, Fréchet distance and score of saddle's MNIST classifier, reconstruction
 * error, code-to-prior MMD, clustering and classification error — print them as a table (or JSON)
 * and write `eval.json` into the run directory.
 *
 * Which metrics apply is decided from the run's compiled plan before any tensor exists: asking for
 * one the model cannot support (`cluster` without a `classify` view) is a one-line error, exit 2.
 *
 * @module
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../data/mnist.js';
import { classifierCacheDir, ensureClassifier } from '../eval/classifier-cache.js';
import type { MnistClassifier } from '../eval/classifier.js';
import { EvalError } from '../eval/errors.js';
import { evaluate, headline, type MetricResults } from '../eval/evaluate.js';
import {
  applicableMetrics,
  metricNames,
  notApplicable,
  parseMetricList,
  reconstructionMetricOf,
  runShapeOf,
  type MetricName,
} from '../eval/metrics.js';
import { hasCheckpoint } from '../runtime/checkpoint.js';
import { checkpointDir } from '../runtime/run.js';
import { nonNegativeInt, oneOf, parse, positionals, positiveInt } from './args.js';
import { UsageError } from './errors.js';
import { reportAfter } from './report.js';
import { backendChoices, openRun, planOf, readRunFile } from './run.js';

const flags = {
  metrics: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  backend: { type: 'string' },
} as const;

/** What `eval.json` holds: enough to know which checkpoint was scored, how, and with what. */
export interface EvalFile {
  readonly version: 1;
  readonly model: string;
  /** The checkpoint's iteration. */
  readonly iteration: number;
  readonly backend: string;
  readonly seed: number;
  readonly samples: number;
  readonly date: string;
  /** The headline number of each metric. */
  readonly summary: Partial<Record<MetricName, number>>;
  readonly metrics: MetricResults;
}

export const evalFile = (dir: string): string => join(dir, 'eval.json');

// -------------------------------------------------------------------------------------------------
// choosing metrics
// -------------------------------------------------------------------------------------------------

/**
 * The metrics to compute: `--metrics` checked against the catalogue and against the run (every
 * problem reported at once), or by default every metric that applies.
 */
export const chooseMetrics = (
  raw: unknown,
  shape: Parameters<typeof notApplicable>[1],
): readonly MetricName[] => {
  if (raw === undefined) return applicableMetrics(shape);
  const { metrics, unknown } = parseMetricList(String(raw));
  const problems = [
    ...unknown.map((n) => `saddle eval: unknown metric "${n}" (metrics: ${metricNames.join(', ')})`),
    ...metrics.flatMap((m) => {
      const why = notApplicable(m, shape);
      return why === undefined ? [] : [`saddle eval: ${why}`];
    }),
  ];
  if (problems.length > 0) throw new UsageError(problems);
  if (metrics.length === 0)
    throw new UsageError(`saddle eval: --metrics names no metric (metrics: ${metricNames.join(', ')})`);
  return metrics;
};

// -------------------------------------------------------------------------------------------------
// output
// -------------------------------------------------------------------------------------------------

const fmt = (v: number, digits = 4): string =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(2)
      : v.toPrecision(digits);
const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

/** One row per computed metric: name, headline value, and how it was measured. */
export const tableRows = (r: MetricResults): readonly (readonly [string, string, string])[] => {
  const rows: (readonly [string, string, string])[] = [];
  if (r.parzen) {
    const p = r.parzen;
    rows.push([
      'parzen',
      `${p.mean.toFixed(1)} ± ${fmt(p.stderr, 2)} nats`,
      `σ = ${fmt(p.sigma, 3)} (chosen on ${p.validationSize} validation images), ${p.samples} samples, ${p.n} test images`,
    ]);
  }
  if (r.fid) {
    rows.push([
      'fid',
      fmt(r.fid.value),
      `${r.fid.samples} samples vs ${r.fid.reference} test images; classifier test accuracy ${pct(r.fid.classifier.testAccuracy)}`,
    ]);
  }
  if (r.score)
    rows.push([
      'score',
      fmt(r.score.value),
      `of ${r.score.samples} samples; the test set scores ${fmt(r.score.testSetScore)}`,
    ]);
  if (r.recon)
    rows.push([
      'recon',
      `${fmt(r.recon.mean)} ± ${fmt(r.recon.stderr, 2)}`,
      `${r.recon.metric} per image, ${r.recon.n} test images`,
    ]);
  if (r.mmd)
    rows.push([
      'mmd',
      fmt(r.mmd.value),
      `MMD² of ${r.mmd.n} test codes vs prior draws, RBF σ ∈ {${r.mmd.sigmas.join(', ')}}`,
    ]);
  if (r.cluster)
    rows.push([
      'cluster',
      pct(r.cluster.value),
      `error with ${r.cluster.clusters} clusters (${r.cluster.clusterSizes.filter((n) => n > 0).length} used), ${r.cluster.n} test images; each cluster labelled by its most confident training image (the paper's rule); by its members' majority: ${pct(r.cluster.majorityError)}`,
    ]);
  if (r.classify) rows.push(['classify', pct(r.classify.value), `error, ${r.classify.n} test images`]);
  return rows;
};

/** The rows as aligned columns. */
export const formatTable = (rows: readonly (readonly [string, string, string])[]): string => {
  const w0 = Math.max(6, ...rows.map((r) => r[0].length));
  const w1 = Math.max(5, ...rows.map((r) => r[1].length));
  return [['metric', 'value', 'how'] as const, ...rows]
    .map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd())
    .join('\n');
};

/**
 * Progress for long metrics: a redrawn line on a terminal, a plain line per stage (and per quarter
 * of a long stage) otherwise — so logs stay readable.
 */
const progressReporter = (
  stream: NodeJS.WriteStream,
): { update: (m: MetricName, stage: string, f: number) => void; done: () => void } => {
  const interactive = stream.isTTY === true && process.env['CI'] === undefined;
  let lastKey = '';
  let lastQuarter = -1;
  let drawn = false;
  return {
    update(metric, stage, fraction) {
      const text = `${metric}: ${stage}`;
      if (interactive) {
        const width = 20;
        const filled = Math.round(width * Math.min(1, Math.max(0, fraction)));
        stream.write(
          `\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`.slice(
            0,
            (stream.columns ?? 100) - 1,
          ),
        );
        drawn = true;
        return;
      }
      const quarter = Math.floor(fraction * 4);
      if (text !== lastKey || quarter > lastQuarter) {
        stream.write(`${text} (${Math.round(100 * fraction)}%)\n`);
        lastKey = text;
        lastQuarter = quarter;
      }
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
};

// -------------------------------------------------------------------------------------------------
// the command
// -------------------------------------------------------------------------------------------------

/** `saddle eval <run-dir> [--metrics a,b] [--samples N] [--seed N] [--json] [--backend B]`. */
export const evalCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('eval', args, flags);
  const v = parsed.values;
  const [dir = ''] = positionals('eval', parsed, ['run-dir']);
  const samples = positiveInt('eval', 'samples', v['samples']) ?? 10_000;
  if (samples < 2) throw new UsageError('saddle eval: --samples must be at least 2');
  const seed = nonNegativeInt('eval', 'seed', v['seed']) ?? 0;
  const json = v['json'] === true;
  const backendChoice = oneOf('eval', 'backend', v['backend'], backendChoices) ?? 'auto';

  // --- everything checkable without tensors ----------------------------------------------------
  const run = readRunFile('eval', dir);
  const plan = planOf('eval', run);
  const metrics = chooseMetrics(v['metrics'], runShapeOf(plan, { mnist: run.data === 'mnist' }));
  if (metrics.length === 0) {
    throw new UsageError(
      `saddle eval: no metric applies to model '${plan.model}' (it declares no evaluation views)`,
    );
  }
  if (!hasCheckpoint(checkpointDir(dir))) {
    throw new UsageError(
      `saddle eval: ${dir} has no checkpoint yet; train it first (saddle train ... --out ${dir})`,
    );
  }

  // --- restore and evaluate ----------------------------------------------------------------------
  const out = json ? process.stderr : process.stdout;
  const opened = await openRun('eval', run, { backend: backendChoice, resumeFrom: dir });
  const { trainer, backend, data } = opened;
  const iteration = trainer.iteration;
  const classifierMetric: MetricName = metrics.includes('fid') ? 'fid' : 'score';
  out.write(`${backend.banner}\n`);
  for (const w of backend.warnings) process.stderr.write(`${w}\n`);
  out.write(
    `evaluating '${plan.model}' at step ${iteration}: ${metrics.join(', ')} (seed ${seed}${metrics.some((m) => m === 'parzen' || m === 'fid' || m === 'score') ? `, ${samples} samples` : ''})\n`,
  );

  if (metrics.includes('parzen') && data.validation === undefined && run.data === 'mnist') {
    process.stderr.write(
      `saddle eval: this run held no images out, so Parzen's σ is chosen on the last 10,000 training images, which it trained on; train with --validation 10000 to hold them out\n`,
    );
  }
  const progress = progressReporter(process.stderr);
  let classifier: MnistClassifier | undefined;
  let results: MetricResults;
  try {
    results = await evaluate(trainer, data, {
      metrics,
      samples,
      seed,
      reconstruction: reconstructionMetricOf(plan),
      classifier: async () => {
        classifier ??= await ensureClassifier({
          dir: classifierCacheDir(),
          data: () => loadMnist(),
          log: (line) => {
            progress.done();
            process.stderr.write(`${line}\n`);
          },
          onProgress: ({ epoch, fraction, loss }) =>
            progress.update(
              classifierMetric,
              `training the classifier, epoch ${epoch}, loss ${loss.toFixed(3)}`,
              fraction,
            ),
        });
        return classifier;
      },
      onProgress: (m, stage, f) => progress.update(m, stage, f),
    });
  } catch (e) {
    if (e instanceof EvalError) throw new UsageError(`saddle eval: ${e.message}`);
    throw e;
  } finally {
    progress.done();
    classifier?.model.dispose();
    trainer.dispose();
  }

  const file: EvalFile = {
    version: 1,
    model: plan.model,
    iteration,
    backend: backend.name,
    seed,
    samples,
    date: new Date().toISOString(),
    summary: headline(results),
    metrics: results,
  };
  const path = evalFile(dir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  if (json) process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
  else process.stdout.write(`${formatTable(tableRows(results))}\nwritten to ${path}\n`);
  reportAfter(dir, { quiet: json });
  return 0;
};
