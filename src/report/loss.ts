/**
 * Loss curves as Vega-Lite specs: one line per phase over the iterations, and the same curves of
 * several runs overlaid for comparison.
 *
 * A spec is plain data — it renders to SVG/PNG in Node (`renderSvg`, `renderPng`) and, unchanged,
 * as an interactive (zoomable: drag to pan, wheel to zoom) chart in the report page. Describing
 * the chart once is why both renderings agree.
 *
 * Non-finite losses (NaN, ±∞, or `null` after JSON) cannot be drawn on an axis; they are left out
 * of the line, marked with a red rule at their iteration and counted in the subtitle, so a diverged
 * phase looks broken rather than merely short.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * One line of a run's loss log: the iteration and each phase's loss.
 *
 * @example
 * const record: LossRecord = { iteration: 50, losses: { reconstruction: 0.21, critic: 1.38 } };
 * const spec = lossCurvesSpec([record]);
 */
export interface LossRecord {
  readonly iteration: number;
  /** Loss values by name; `null` stands for a NaN that went through JSON. */
  readonly losses: Readonly<Record<string, number | null>>;
}

/**
 * Options of a loss chart.
 *
 * @example
 * const options: LossCurvesOptions = { title: 'aae: phase losses', yScale: 'symlog', width: 640 };
 * const spec = lossCurvesSpec(records, options);
 */
export interface LossCurvesOptions {
  readonly title?: string;
  /** `'auto'` (default) picks symlog when finite |values| span more than three decades. */
  readonly yScale?: 'auto' | 'linear' | 'symlog';
  /** Which series to draw, in this order (default: every name, in order of first appearance). */
  readonly series?: readonly string[];
  /** Plot area width and height in pixels (default 640 × 320). */
  readonly width?: number;
  readonly height?: number;
}

/**
 * A named run's loss log, for {@link compareLossSpec}.
 *
 * @example
 * const runs: LossRun[] = [{ name: 'runs/a', records: readMetrics('runs/a') }];
 */
export interface LossRun {
  readonly name: string;
  readonly records: readonly LossRecord[];
}

/** Values rounded to 6 significant digits: a chart cannot show more, and the page stays small. */
const round = (v: number): number => Number(v.toPrecision(6));

const seriesNames = (records: readonly LossRecord[]): string[] => [
  ...new Set(records.flatMap((r) => Object.keys(r.losses))),
];

/**
 * `'symlog'` when the finite |values| span more than three decades (a loss that falls from 10 to
 * 0.001 is a flat line on a linear axis), else `'linear'`; an explicit choice wins.
 *
 * @example
 * chooseYScale([0.5, 0.7], 'auto');   // 'linear'
 * chooseYScale([10, 1e-4], 'auto');   // 'symlog'
 */
export const chooseYScale = (
  values: readonly number[],
  choice: 'auto' | 'linear' | 'symlog' = 'auto',
): 'linear' | 'symlog' => {
  if (choice !== 'auto') return choice;
  const magnitudes = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  if (magnitudes.length === 0) return 'linear';
  return Math.max(...magnitudes) / Math.min(...magnitudes) > 1e3 ? 'symlog' : 'linear';
};

interface LongRows {
  readonly rows: { iteration: number; phase: string; run?: string; loss: number }[];
  readonly broken: { iteration: number; phase: string; run?: string }[];
}

/** The records in long form (one row per iteration and phase), non-finite values set apart. */
const longRows = (records: readonly LossRecord[], series: readonly string[], run?: string): LongRows => {
  const rows: LongRows['rows'] = [];
  const broken: LongRows['broken'] = [];
  for (const r of records) {
    for (const phase of series) {
      const v = r.losses[phase];
      if (v === undefined) continue;
      const tag = run === undefined ? {} : { run };
      if (v === null || !Number.isFinite(v)) broken.push({ iteration: r.iteration, phase, ...tag });
      else rows.push({ iteration: r.iteration, phase, ...tag, loss: round(v) });
    }
  }
  return { rows, broken };
};

/** The shared frame of both loss charts: axes with units, symlog when needed, zoom, alarms. */
const lossChart = (
  { rows, broken }: LongRows,
  options: LossCurvesOptions,
  encoding: Record<string, unknown>,
  title: string,
): TopLevelSpec => {
  const scale = chooseYScale(
    rows.map((r) => r.loss),
    options.yScale,
  );
  const smallest = Math.min(...rows.map((r) => Math.abs(r.loss)).filter((v) => v > 0), 1);
  const subtitle =
    broken.length > 0
      ? `${broken.length} non-finite value${broken.length === 1 ? '' : 's'} (NaN/∞) not drawn: red rules mark their iterations`
      : 'one panel per phase; in the report, drag to pan and scroll to zoom';
  const phases = [...new Set(rows.map((r) => r.phase))];
  const width = options.width ?? 640;
  const height = options.height ?? Math.max(110, Math.round(320 / Math.max(1, phases.length)));
  const yTitle = `loss${scale === 'symlog' ? ' (symlog)' : ''}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    config: { font: 'DejaVu Sans, Verdana, sans-serif' },
    datasets: { losses: rows, nonFinite: broken },
    // One panel per phase, each with its own y range: a reconstruction loss of 100 and a critic
    // loss of 1.4 are both readable; the iterations line up.
    vconcat: phases.map((phase, i) => ({
      width,
      height,
      title: { text: `phase '${phase}'`, fontSize: 12, anchor: 'start' },
      layer: [
        {
          data: { name: 'losses' },
          transform: [{ filter: { field: 'phase', equal: phase } }],
          mark: { type: 'line', strokeWidth: 1.5, clip: true },
          params: [{ name: `zoom${i}`, select: { type: 'interval', encodings: ['x', 'y'] }, bind: 'scales' }],
          encoding: {
            x: {
              field: 'iteration',
              type: 'quantitative',
              title: i === phases.length - 1 ? 'iteration (optimizer steps)' : null,
            },
            y: {
              field: 'loss',
              type: 'quantitative',
              title: yTitle,
              scale: scale === 'symlog' ? { type: 'symlog', constant: round(smallest) } : { zero: false },
            },
            ...encoding,
          },
        },
        ...(broken.some((b) => b.phase === phase)
          ? [
              {
                data: { name: 'nonFinite' },
                transform: [{ filter: { field: 'phase', equal: phase } }],
                mark: { type: 'rule' as const, color: '#ff0000', strokeWidth: 1 },
                encoding: { x: { field: 'iteration', type: 'quantitative' as const } },
              },
            ]
          : []),
      ],
    })),
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
};

/**
 * The Vega-Lite spec of a run's loss curves: one coloured line per phase, x the iteration, y the
 * phase's loss (symlog across decades), zoomable in the browser.
 *
 * @example
 * import { lossCurvesSpec, renderSvg } from 'saddle/report';
 * const spec = lossCurvesSpec(readMetrics('runs/aae'), { title: 'aae: phase losses' });
 * writeFileSync('loss.svg', await renderSvg(spec));
 */
export const lossCurvesSpec = (
  records: readonly LossRecord[],
  options: LossCurvesOptions = {},
): TopLevelSpec => {
  const series = options.series ?? seriesNames(records);
  return lossChart(
    longRows(records, series),
    options,
    {
      color: {
        field: 'phase',
        type: 'nominal',
        title: 'phase',
        sort: series,
        scale: { scheme: 'category10' },
      },
    },
    options.title ?? 'phase losses',
  );
};

/**
 * Several runs' loss curves in one chart: colour is the run, the dash pattern the phase.
 *
 * @example
 * const spec = compareLossSpec([
 *   { name: 'runs/a', records: readMetrics('runs/a') },
 *   { name: 'runs/b', records: readMetrics('runs/b') },
 * ]);
 */
export const compareLossSpec = (runs: readonly LossRun[], options: LossCurvesOptions = {}): TopLevelSpec => {
  const parts = runs.map((r) => longRows(r.records, options.series ?? seriesNames(r.records), r.name));
  return lossChart(
    { rows: parts.flatMap((p) => p.rows), broken: parts.flatMap((p) => p.broken) },
    options,
    {
      color: { field: 'run', type: 'nominal', title: 'run', scale: { scheme: 'category10' } },
      strokeDash: { field: 'phase', type: 'nominal', title: 'phase' },
      detail: { field: 'phase' },
    },
    options.title ?? 'phase losses, runs overlaid',
  );
};
