/**
 * Loss curves: one line per named loss against the iteration, from the records a run appends to
 * `metrics.jsonl`.
 *
 * Adversarial losses are noisy, so with more than a few dozen records each series is drawn twice:
 * raw values faint behind, an exponential moving average (debiased, as TensorBoard's) on top. When
 * the values span more than three decades (a reconstruction error of 1e-3 next to a critic loss of
 * 10, or a spike at divergence) the y axis switches to symlog so every series stays readable, and
 * the plot says so. Non-finite values (NaN, ±∞, or `null`, which is what `JSON.stringify` writes for
 * NaN) break the line, are marked in red at the top of the frame and counted in the legend.
 *
 * @example
 * import { lossCurves } from 'saddle/report';
 * const records = readFileSync('runs/aae/metrics.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
 * fs.writeFileSync('losses.png', lossCurves(records, { title: 'AAE on MNIST' }));
 *
 * @module
 */
import type { Axis, Scale } from './axes.js';
import { axesMargins, drawAxes, drawGrid, formatTicks, pixelX, pixelY, ticksFor } from './axes.js';
import type { Canvas, Point, Rect } from './canvas.js';
import {
  blit,
  canvasToPng,
  createCanvas,
  drawPolyline,
  drawText,
  fillCircle,
  fillRect,
  textHeight,
  textWidth,
} from './canvas.js';
import type { Rgb } from './palette.js';
import { ALARM_RED, categoricalColour, INK, MUTED_INK } from './palette.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * One line of `metrics.jsonl`: the iteration and the value of each named loss at it.
 *
 * @example
 * const records: LossRecord[] = readFileSync('runs/aae/metrics.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
 * lossCurves(records);
 */
export interface LossRecord {
  readonly iteration: number;
  /** Loss values by name; `null` stands for a NaN that went through JSON. */
  readonly losses: Readonly<Record<string, number | null>>;
}

/**
 * How to draw the curves; every field has a default.
 *
 * @example
 * const options: LossCurvesOptions = { title: 'AAE', yScale: 'symlog', series: ['reconstruction', 'critic'] };
 * lossCurves(records, options);
 */
export interface LossCurvesOptions {
  /** Canvas size in pixels (default 900 × 540). */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /** `'auto'` (default) picks symlog when finite |values| span more than three decades. */
  readonly yScale?: 'auto' | 'linear' | 'symlog';
  /** EMA weight in [0, 1) for the bold line; default grows with the record count (0 for ≤ 30). */
  readonly smoothing?: number;
  /** Which series to draw, in this order (default: every name, in order of first appearance). */
  readonly series?: readonly string[];
  readonly xTitle?: string;
  readonly yTitle?: string;
}

/**
 * One drawn series: its points in iteration order and what was done to them.
 *
 * @example
 * for (const s of renderLossCurves(records).series) console.log(s.name, s.nonFinite, 'non-finite values');
 */
export interface CurveSeries {
  readonly name: string;
  readonly colour: Rgb;
  readonly iterations: Float64Array;
  /** Raw values; non-finite ones are NaN. */
  readonly values: Float64Array;
  /** The bold line: EMA of the finite values (equal to `values` when smoothing is 0). */
  readonly smoothed: Float64Array;
  readonly nonFinite: number;
}

/**
 * A rendered plot with its geometry, for composition and checks.
 *
 * @example
 * const plot: LossCurvesRender = renderLossCurves(records);
 * plot.yScale.kind;   // 'linear' or 'symlog', as 'auto' chose
 */
export interface LossCurvesRender {
  readonly canvas: Canvas;
  readonly frame: Rect;
  readonly xScale: Scale;
  readonly yScale: Scale;
  readonly smoothing: number;
  readonly series: readonly CurveSeries[];
  /** Canvas pixel position (real-valued) of (iteration, value). */
  readonly project: (iteration: number, value: number) => readonly [number, number];
}

// -------------------------------------------------------------------------------------------------
// data
// -------------------------------------------------------------------------------------------------

const validate = (records: readonly LossRecord[], options: LossCurvesOptions): void => {
  records.forEach((record, i) => {
    const at = `lossCurves: records[${String(i)}]`;
    if (typeof record !== 'object' || record === null) throw new TypeError(`${at} is not an object`);
    if (typeof record.iteration !== 'number' || !Number.isFinite(record.iteration)) {
      throw new TypeError(`${at}.iteration must be a finite number, got ${JSON.stringify(record.iteration)}`);
    }
    if (typeof record.losses !== 'object' || record.losses === null) {
      throw new TypeError(`${at}.losses must be an object of named numbers`);
    }
    for (const [name, value] of Object.entries(record.losses)) {
      if (value !== null && typeof value !== 'number') {
        throw new TypeError(`${at}.losses.${name} must be a number or null, got ${JSON.stringify(value)}`);
      }
    }
  });
  const { width, height, smoothing } = options;
  for (const [name, value, least] of [
    ['width', width, 300],
    ['height', height, 200],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < least)) {
      throw new RangeError(
        `lossCurves: options.${name} must be an integer of at least ${String(least)}, got ${String(value)}`,
      );
    }
  }
  if (smoothing !== undefined && !(smoothing >= 0 && smoothing < 1)) {
    throw new RangeError(`lossCurves: options.smoothing must be in [0, 1), got ${String(smoothing)}`);
  }
};

/**
 * The default EMA weight for `n` points: none for a handful (every point matters), then a window of
 * roughly n/10 points, capped at 0.95 so the line still follows real changes.
 */
export const defaultSmoothing = (n: number): number => (n <= 30 ? 0 : Math.min(0.95, 1 - 10 / n));

/**
 * Exponential moving average with TensorBoard's debiasing (early points are not pulled to zero);
 * non-finite values give NaN and leave the average untouched.
 */
export const smoothSeries = (values: Float64Array, weight: number): Float64Array => {
  const out = new Float64Array(values.length);
  let last = 0;
  let count = 0;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      return;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = weight === 0 ? v : last / (1 - weight ** count);
  });
  return out;
};

const collectSeries = (
  records: readonly LossRecord[],
  names: readonly string[],
  weight: number,
): CurveSeries[] => {
  const sorted = records
    .map((record, order) => ({ record, order }))
    .sort((a, b) => a.record.iteration - b.record.iteration || a.order - b.order)
    .map(({ record }) => record);
  return names.map((name, index) => {
    const present = sorted.filter((r) => Object.hasOwn(r.losses, name));
    const values = Float64Array.from(present, (r) => {
      const v = r.losses[name];
      return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
    });
    return {
      name,
      colour: categoricalColour(index),
      iterations: Float64Array.from(present, (r) => r.iteration),
      values,
      smoothed: smoothSeries(values, weight),
      nonFinite: values.filter((v) => Number.isNaN(v)).length,
    };
  });
};

// -------------------------------------------------------------------------------------------------
// scales
// -------------------------------------------------------------------------------------------------

const symlogInverse = (t: number, linthresh: number): number =>
  Math.sign(t) * linthresh * (10 ** Math.abs(t) - 1);
const symlogForward = (v: number, linthresh: number): number =>
  Math.sign(v) * Math.log10(1 + Math.abs(v) / linthresh);

/**
 * The y scale for these values: linear with 5% padding, or symlog (linear within ±linthresh, where
 * linthresh is the power of ten below the 5th percentile of the nonzero |values|) when `'auto'`
 * sees more than three decades between that percentile and the largest |value|.
 */
export const chooseYScale = (
  values: readonly number[],
  mode: 'auto' | 'linear' | 'symlog' = 'auto',
): Scale => {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { kind: 'linear', min: 0, max: 1 };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const magnitudes = finite
    .map(Math.abs)
    .filter((v) => v > 0)
    .sort((a, b) => a - b);
  const small = magnitudes[Math.floor(0.05 * (magnitudes.length - 1))] ?? 1;
  const large = magnitudes[magnitudes.length - 1] ?? 1;
  const symlog = mode === 'symlog' || (mode === 'auto' && large / small > 1e3);
  if (!symlog) {
    const pad = max > min ? 0.05 * (max - min) : Math.max(Math.abs(max) * 0.1, 1e-3);
    return { kind: 'linear', min: min - pad, max: max + pad };
  }
  const linthresh = Number.parseFloat((10 ** Math.floor(Math.log10(small))).toPrecision(1));
  const lo = symlogForward(min, linthresh);
  const hi = symlogForward(max, linthresh);
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
  return {
    kind: 'symlog',
    min: symlogInverse(lo - pad, linthresh),
    max: symlogInverse(hi + pad, linthresh),
    linthresh,
  };
};

const formatValue = (v: number): string =>
  !Number.isFinite(v)
    ? String(v)
    : v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)
      ? v.toExponential(2).replace('e+', 'e')
      : String(Number.parseFloat(v.toPrecision(3)));

// -------------------------------------------------------------------------------------------------
// rendering
// -------------------------------------------------------------------------------------------------

/**
 * Draws the curves and returns the canvas with its scales and series, so callers can compose it or
 * check what was drawn. {@link lossCurves} is this, encoded as PNG.
 *
 * @throws TypeError / RangeError naming the record or option that is malformed.
 *
 * @example
 * const plot = renderLossCurves([{ iteration: 0, losses: { critic: 1.4 } }, { iteration: 1, losses: { critic: 1.2 } }]);
 * writeFileSync('loss.png', canvasToPng(plot.canvas));
 */
export const renderLossCurves = (
  records: readonly LossRecord[],
  options: LossCurvesOptions = {},
): LossCurvesRender => {
  validate(records, options);
  const width = options.width ?? 900;
  const height = options.height ?? 540;
  const s = height >= 400 && width >= 600 ? 2 : 1;
  const names = options.series ?? [...new Set(records.flatMap((r) => Object.keys(r.losses)))];
  const finiteCount = Math.max(
    0,
    ...names.map((name) => records.filter((r) => Object.hasOwn(r.losses, name)).length),
  );
  const weight = options.smoothing ?? defaultSmoothing(finiteCount);
  const series = collectSeries(records, names, weight);

  const iterations = series.flatMap((c) => [...c.iterations]);
  const xMin = iterations.length > 0 ? Math.min(...iterations) : 0;
  const xMax = iterations.length > 0 ? Math.max(...iterations) : 1;
  // 2% room at both ends, so the first and last markers are not cut in half by the frame.
  const xPad = xMax > xMin ? 0.02 * (xMax - xMin) : 1;
  const xScale: Scale = { kind: 'linear', min: xMin - xPad, max: xMax + xPad };
  const yScale = chooseYScale(
    series.flatMap((c) => [...c.values]),
    options.yScale ?? 'auto',
  );

  // Legend on the right: colour sample and name; below, the latest value and a red non-finite count.
  const sample = 22;
  const legendText = series.map((c) => {
    const last = [...c.values].reverse().find(Number.isFinite);
    return {
      name: c.name,
      value: last === undefined ? 'no value' : `last ${formatValue(last)}`,
      alarm: c.nonFinite > 0 ? `  ${String(c.nonFinite)} non-finite` : '',
    };
  });
  const legendWidth =
    series.length === 0
      ? 0
      : 14 +
        sample +
        8 +
        Math.max(...legendText.map((t) => Math.max(textWidth(t.name, s), textWidth(t.value + t.alarm)))) +
        10;
  const titleBand = options.title ? textHeight(s) + 10 * s : 0;
  const notesBand = textHeight(1) + 10;
  const xTitle = options.xTitle ?? 'iteration';
  const yTitle = options.yTitle ?? 'loss';
  const ticksTarget = (pixels: number): number => Math.max(3, Math.round(pixels / (50 * s)));
  const geometry = (left: number, bottom: number) => {
    const frame: Rect = {
      x: left + 6,
      y: titleBand + notesBand,
      width: width - left - 6 - legendWidth - 10,
      height: height - titleBand - notesBand - bottom - 6,
    };
    const xAxis: Axis = { scale: xScale, ticks: ticksFor(xScale, ticksTarget(frame.width)), title: xTitle };
    const yAxis: Axis = { scale: yScale, ticks: ticksFor(yScale, ticksTarget(frame.height)), title: yTitle };
    return { frame, xAxis, yAxis };
  };
  const guess = geometry(60 * s, 30 * s);
  const fitted = axesMargins(guess.xAxis, guess.yAxis, { fontScale: s });
  const { frame, xAxis, yAxis } = geometry(fitted.left, fitted.bottom);
  const project = (iteration: number, value: number): readonly [number, number] => [
    pixelX(frame, xScale, iteration),
    pixelY(frame, yScale, value),
  ];

  const canvas = createCanvas(width, height);
  const plot = createCanvas(frame.width, frame.height);
  const local: Rect = { x: 0, y: 0, width: frame.width, height: frame.height };
  drawGrid(plot, local, xAxis, yAxis);
  for (const c of series) {
    const points = (values: Float64Array): Point[] =>
      [...values].map((v, i) => [pixelX(local, xScale, c.iterations[i]!), pixelY(local, yScale, v)] as const);
    if (weight > 0) {
      if (c.values.length > 4 * local.width) drawRangeBand(plot, points(c.values), c.colour);
      else drawPolyline(plot, points(c.values), c.colour, { width: 1, alpha: 0.3 });
    }
    drawPolyline(plot, points(c.smoothed), c.colour, { width: 2 });
    if (c.values.length <= 40) {
      for (const [px, py] of points(c.values)) fillCircle(plot, px, py, 2.5, c.colour);
    }
    c.values.forEach((v, i) => {
      if (Number.isNaN(v)) {
        fillRect(
          plot,
          { x: Math.floor(pixelX(local, xScale, c.iterations[i]!)), y: 0, width: 2, height: 8 },
          ALARM_RED,
        );
      }
    });
  }
  blit(canvas, plot, frame.x, frame.y);
  drawAxes(canvas, frame, xAxis, yAxis, { fontScale: s });

  if (options.title) {
    // Centred over the frame, shrunk or shifted if needed so a long title stays on the canvas.
    const scale = textWidth(options.title, s) <= width - 8 ? s : 1;
    const half = textWidth(options.title, scale) / 2;
    const cx = Math.min(width - 4 - half, Math.max(4 + half, frame.x + frame.width / 2));
    drawText(canvas, options.title, cx, 6 * s, INK, { scale, align: 'center' });
  }
  const notes: string[] = [];
  if (yScale.kind === 'symlog') notes.push(`y symlog, linear within ±${formatTicks([yScale.linthresh])[0]!}`);
  if (weight > 0) notes.push(`bold: EMA ${String(Number.parseFloat(weight.toFixed(3)))}, faint: raw`);
  if (series.every((c) => c.values.length === c.nonFinite)) notes.push('no finite values to plot yet');
  drawText(canvas, notes.join('   '), frame.x + frame.width, frame.y - 5, MUTED_INK, {
    align: 'right',
    baseline: 'bottom',
  });

  const legendX = frame.x + frame.width + 14;
  const rowHeight = textHeight(s) + textHeight(1) + 14;
  legendText.forEach((t, row) => {
    const top = frame.y + rowHeight * row;
    const cy = top + textHeight(s) / 2;
    drawPolyline(
      canvas,
      [
        [legendX, cy],
        [legendX + sample, cy],
      ],
      series[row]!.colour,
      { width: 2.5 },
    );
    const textX = legendX + sample + 8;
    drawText(canvas, t.name, textX, top, INK, { scale: s });
    drawText(canvas, t.value, textX, top + textHeight(s) + 4, MUTED_INK);
    drawText(canvas, t.alarm, textX + textWidth(t.value), top + textHeight(s) + 4, ALARM_RED);
  });

  return { canvas, frame, xScale, yScale, smoothing: weight, series, project };
};

/**
 * Faint min–max band per pixel column: the shape of thousands of noisy raw values at the cost of one
 * rectangle per column, instead of a polyline that would paint the band anyway, slowly.
 */
const drawRangeBand = (canvas: Canvas, points: readonly Point[], colour: Rgb): void => {
  const lo = new Float64Array(canvas.width).fill(Infinity);
  const hi = new Float64Array(canvas.width).fill(-Infinity);
  let previous: number | undefined;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      previous = undefined;
      continue;
    }
    const column = Math.min(canvas.width - 1, Math.max(0, Math.floor(x)));
    // Each column also reaches the previous value, so the band is connected like the line it replaces.
    const from = previous ?? y;
    lo[column] = Math.min(lo[column]!, y, from);
    hi[column] = Math.max(hi[column]!, y, from);
    previous = y;
  }
  for (let x = 0; x < canvas.width; x++) {
    if (hi[x]! >= lo[x]!) {
      fillRect(
        canvas,
        { x, y: Math.floor(lo[x]!), width: 1, height: Math.max(1, Math.ceil(hi[x]!) - Math.floor(lo[x]!)) },
        colour,
        0.3,
      );
    }
  }
};

/**
 * A PNG of every loss series against the iteration, with legend, smoothing, symlog for wide ranges
 * and visible non-finite values. See {@link renderLossCurves} for the errors it raises.
 *
 * @example
 * const records = [0, 1, 2].map((i) => ({ iteration: i, losses: { reconstruction: 200 / (i + 1) } }));
 * writeFileSync('loss.png', lossCurves(records, { title: 'reconstruction' }));
 */
export const lossCurves = (records: readonly LossRecord[], options: LossCurvesOptions = {}): Buffer =>
  canvasToPng(renderLossCurves(records, options).canvas);
