/**
 * Latent scatter plots: 2-D codes coloured by class over samples of the prior, the AAE paper's
 * Figures 2 and 4 ("does q(z) match p(z)?").
 *
 * Prior samples are painted first in light grey so codes sit on top of the target shape; codes use
 * one `tab10` colour per label with a legend. Both axes share one unit length, so a circle in latent
 * space is a circle on the page. The view covers codes and prior with a margin, but a few wild
 * codes cannot shrink the picture to a dot: when the full range is more than twice the 0.5–99.5
 * percentile range, the view is clipped to those percentiles widened by a tenth of their span, outliers are pinned to the frame edge as
 * hollow markers, and a note says how many. NaN codes are skipped and counted in a note.
 *
 * @example
 * import { latentScatter } from 'saddle/report';
 * fs.writeFileSync('latent.png', latentScatter({ codes, labels, prior, title: 'epoch 3' }));
 *
 * @module
 */
import type { Axis, Scale } from './axes.js';
import { axesMargins, drawAxes, drawGrid, niceTicks, pixelX, pixelY } from './axes.js';
import type { Canvas, Rect } from './canvas.js';
import {
  blit,
  canvasToPng,
  createCanvas,
  drawText,
  fillCircle,
  fillSquare,
  textHeight,
  textWidth,
} from './canvas.js';
import type { Rgb } from './palette.js';
import { ALARM_RED, categoricalColour, INK, MUTED_INK, PRIOR_GREY } from './palette.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * What to plot: n codes (x, y interleaved) with n labels, and optionally m prior samples.
 *
 * @example
 * const input: LatentScatterInput = { codes, labels, prior: priorDraws, title: 'AAE, epoch 10' };
 * writeFileSync('latent.png', latentScatter(input));
 */
export interface LatentScatterInput {
  /** n × 2 values, row-major: code i is (codes[2i], codes[2i+1]). */
  readonly codes: Float32Array;
  /** The class of each code (digit for MNIST); selects its colour. */
  readonly labels: Int32Array;
  /** m × 2 samples of the prior, drawn behind the codes. */
  readonly prior?: Float32Array;
  /** Canvas width and height in pixels (default 600). */
  readonly size?: number;
  readonly title?: string;
  /** Legend name of the grey backdrop (default `prior`; e.g. `data` when plotting samples over data). */
  readonly priorName?: string;
  /** Legend name of label i (default: the number itself), e.g. class names. */
  readonly labelNames?: readonly string[];
  /** Axis titles (default `z1`, `z2`). */
  readonly xTitle?: string;
  readonly yTitle?: string;
}

/**
 * The data rectangle shown in the frame.
 *
 * @example
 * const { view } = renderLatentScatter({ codes, labels });
 * console.log(`x in [${view.xMin}, ${view.xMax}]`);
 */
export interface View {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/**
 * A rendered scatter with what a caller may want to check or log about it.
 *
 * @example
 * const plot: LatentScatterRender = renderLatentScatter({ codes, labels });
 * const [px, py] = plot.project(0, 0);   // where the origin is drawn
 * if (plot.skipped > 0) console.warn(`${plot.skipped} codes were NaN`);
 */
export interface LatentScatterRender {
  readonly canvas: Canvas;
  /** The plot area in canvas pixels. */
  readonly frame: Rect;
  readonly view: View;
  /** Canvas pixel position (real-valued) of data point (x, y). */
  readonly project: (x: number, y: number) => readonly [number, number];
  /** Codes skipped because a coordinate was NaN or infinite. */
  readonly skipped: number;
  /** Finite codes outside the (percentile-clipped) view, drawn pinned to its edge. */
  readonly clipped: number;
  /** Whether the view was clipped to percentiles because of outliers. */
  readonly robustView: boolean;
}

// -------------------------------------------------------------------------------------------------
// view
// -------------------------------------------------------------------------------------------------

const percentile = (sorted: Float64Array, p: number): number => {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
};

/** [lo, hi] of one coordinate, and whether outliers forced a percentile clip. */
const axisRange = (values: Float64Array): { lo: number; hi: number; robust: boolean } => {
  if (values.length === 0) return { lo: -1, hi: 1, robust: false };
  const sorted = values.slice().sort();
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const rlo = percentile(sorted, 0.005);
  const rhi = percentile(sorted, 0.995);
  if (hi - lo <= 2 * (rhi - rlo)) return { lo, hi, robust: false };
  // Outliers: keep a tenth of the robust span beyond each percentile, so the legitimate tails of
  // the distribution stay in view and only the wild points are pinned to the edge.
  const reach = 0.1 * (rhi - rlo);
  return { lo: Math.max(lo, rlo - reach), hi: Math.min(hi, rhi + reach), robust: true };
};

/**
 * The view for the given finite points: their (robust) range, 5% margins, then widened along one
 * axis so that one data unit is the same number of pixels in x and y.
 */
const fitView = (xs: Float64Array, ys: Float64Array, frame: Rect): { view: View; robust: boolean } => {
  const x = axisRange(xs);
  const y = axisRange(ys);
  const centre = (r: { lo: number; hi: number }): number => (r.lo + r.hi) / 2;
  const span = (r: { lo: number; hi: number }): number => Math.max(r.hi - r.lo, 1e-9);
  let xSpan = span(x) * 1.1;
  let ySpan = span(y) * 1.1;
  if (xSpan < 1e-6 && ySpan < 1e-6) xSpan = ySpan = 2;
  const unitsPerPixel = Math.max(xSpan / frame.width, ySpan / frame.height);
  xSpan = unitsPerPixel * frame.width;
  ySpan = unitsPerPixel * frame.height;
  return {
    view: {
      xMin: centre(x) - xSpan / 2,
      xMax: centre(x) + xSpan / 2,
      yMin: centre(y) - ySpan / 2,
      yMax: centre(y) + ySpan / 2,
    },
    robust: x.robust || y.robust,
  };
};

// -------------------------------------------------------------------------------------------------
// rendering
// -------------------------------------------------------------------------------------------------

const validate = (input: LatentScatterInput): void => {
  const { codes, labels, prior, size } = input;
  if (codes.length % 2 !== 0) {
    throw new RangeError(
      `latentScatter: codes has ${String(codes.length)} values; 2-D codes need an even count`,
    );
  }
  if (labels.length !== codes.length / 2) {
    throw new RangeError(
      `latentScatter: labels has ${String(labels.length)} entries but codes holds ${String(codes.length / 2)} points`,
    );
  }
  if (prior !== undefined && prior.length % 2 !== 0) {
    throw new RangeError(
      `latentScatter: prior has ${String(prior.length)} values; 2-D samples need an even count`,
    );
  }
  if (size !== undefined && (!Number.isInteger(size) || size < 200)) {
    throw new RangeError(
      `latentScatter: size must be an integer of at least 200 pixels, got ${String(size)}`,
    );
  }
};

const finitePairs = (values: Float32Array): { xs: Float64Array; ys: Float64Array; index: Int32Array } => {
  const index: number[] = [];
  for (let i = 0; i < values.length / 2; i++) {
    if (Number.isFinite(values[2 * i]) && Number.isFinite(values[2 * i + 1])) index.push(i);
  }
  return {
    xs: Float64Array.from(index, (i) => values[2 * i]!),
    ys: Float64Array.from(index, (i) => values[2 * i + 1]!),
    index: Int32Array.from(index),
  };
};

const concat = (a: Float64Array, b: Float64Array): Float64Array => {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

interface LegendEntry {
  readonly text: string;
  readonly colour: Rgb;
  readonly alpha: number;
}

/**
 * Draws the scatter and returns the canvas with its geometry, so callers can compose it or check
 * where a point landed. {@link latentScatter} is this, encoded as PNG.
 *
 * @throws RangeError naming the field when lengths disagree or `size` is too small.
 *
 * @example
 * const plot = renderLatentScatter({ codes: new Float32Array([0, 0, 1, 1]), labels: new Int32Array([0, 1]) });
 * writeFileSync('latent.png', canvasToPng(plot.canvas));
 */
export const renderLatentScatter = (input: LatentScatterInput): LatentScatterRender => {
  validate(input);
  const size = input.size ?? 600;
  const s = size >= 480 ? 2 : 1;
  const codes = finitePairs(input.codes);
  const prior = finitePairs(input.prior ?? new Float32Array(0));
  const skipped = input.labels.length - codes.index.length;

  // Legend: one row per label present (with its count), then the prior.
  const counts = new Map<number, number>();
  for (const i of codes.index) counts.set(input.labels[i]!, (counts.get(input.labels[i]!) ?? 0) + 1);
  const legend: LegendEntry[] = [...counts.keys()]
    .sort((a, b) => a - b)
    .map((label) => ({
      text: input.labelNames?.[label] ?? String(label),
      colour: categoricalColour(label),
      alpha: 1,
    }));
  if (prior.index.length > 0) legend.push({ text: input.priorName ?? 'prior', colour: PRIOR_GREY, alpha: 1 });
  const rowHeight = textHeight(s) + 6 * s;
  const markerRadius = 3 * s;
  const legendWidth =
    legend.length === 0
      ? 0
      : 12 + 2 * markerRadius + 6 + Math.max(...legend.map((e) => textWidth(e.text, s))) + 12;

  // Layout: title band on top, legend on the right, tick labels left and below.
  const titleBand = input.title ? textHeight(s) + 10 * s : 0;
  const notesBand = textHeight(1) + 10;
  const xTitle = input.xTitle ?? 'z1';
  const yTitle = input.yTitle ?? 'z2';
  const allXs = concat(codes.xs, prior.xs);
  const allYs = concat(codes.ys, prior.ys);
  /** Frame, view and axes for a given left margin; run twice so the margin fits the real labels. */
  const geometry = (left: number, bottom: number) => {
    const frame: Rect = {
      x: left + 6,
      y: titleBand + notesBand,
      width: size - left - 6 - legendWidth - 12,
      height: size - titleBand - notesBand - bottom - 6,
    };
    const { view, robust } = fitView(allXs, allYs, frame);
    const xScale: Scale = { kind: 'linear', min: view.xMin, max: view.xMax };
    const yScale: Scale = { kind: 'linear', min: view.yMin, max: view.yMax };
    const xAxis: Axis = {
      scale: xScale,
      ticks: niceTicks(view.xMin, view.xMax, Math.max(3, Math.round(frame.width / (45 * s)))),
      title: xTitle,
    };
    const yAxis: Axis = {
      scale: yScale,
      ticks: niceTicks(view.yMin, view.yMax, Math.max(3, Math.round(frame.height / (45 * s)))),
      title: yTitle,
    };
    return { frame, view, robust, xScale, yScale, xAxis, yAxis };
  };
  const guess = geometry(8 * (6 * s) + 20 * s, 12 * s + 20);
  const fitted = axesMargins(guess.xAxis, guess.yAxis, { fontScale: s });
  const { frame, view, robust, xScale, yScale, xAxis, yAxis } = geometry(fitted.left, fitted.bottom);
  const project = (x: number, y: number): readonly [number, number] => [
    pixelX(frame, xScale, x),
    pixelY(frame, yScale, y),
  ];

  // Plot area, drawn on its own canvas so marks are clipped to the frame.
  const canvas = createCanvas(size, size);
  const plot = createCanvas(frame.width, frame.height);
  const local: Rect = { x: 0, y: 0, width: frame.width, height: frame.height };
  drawGrid(plot, local, xAxis, yAxis);
  const priorRadius = prior.index.length > 5000 ? 1.2 : 1.6;
  for (let i = 0; i < prior.xs.length; i++) {
    fillCircle(
      plot,
      pixelX(local, xScale, prior.xs[i]!),
      pixelY(local, yScale, prior.ys[i]!),
      priorRadius,
      PRIOR_GREY,
      0.45,
    );
  }
  const n = codes.index.length;
  const radius = (n <= 500 ? 3.2 : n <= 5000 ? 2.4 : 1.8) * (s === 2 ? 1 : 0.75);
  const alpha = n <= 2000 ? 0.85 : 0.6;
  let clipped = 0;
  for (let j = 0; j < n; j++) {
    const colour = categoricalColour(input.labels[codes.index[j]!]!);
    const px = pixelX(local, xScale, codes.xs[j]!);
    const py = pixelY(local, yScale, codes.ys[j]!);
    const inside = px >= 0 && px <= local.width && py >= 0 && py <= local.height;
    if (inside) {
      fillCircle(plot, px, py, radius, colour, alpha);
    } else {
      clipped++;
      const edge = radius + 1;
      const ex = Math.min(local.width - edge, Math.max(edge, px));
      const ey = Math.min(local.height - edge, Math.max(edge, py));
      fillSquare(plot, ex, ey, radius, colour);
      fillSquare(plot, ex, ey, Math.max(0.5, radius - 1.5), [255, 255, 255]);
    }
  }
  blit(canvas, plot, frame.x, frame.y);
  drawAxes(canvas, frame, xAxis, yAxis, { fontScale: s });

  if (input.title) {
    // Centred over the frame, shrunk or shifted if needed so a long title stays on the canvas.
    const scale = textWidth(input.title, s) <= size - 8 ? s : 1;
    const half = textWidth(input.title, scale) / 2;
    const cx = Math.min(size - 4 - half, Math.max(4 + half, frame.x + frame.width / 2));
    drawText(canvas, input.title, cx, 6 * s, INK, { scale, align: 'center' });
  }
  const notes: { text: string; colour: Rgb }[] = [];
  if (skipped > 0)
    notes.push({ text: `${String(skipped)} NaN code${skipped === 1 ? '' : 's'} skipped`, colour: ALARM_RED });
  if (robust) {
    notes.push({
      text: `${String(clipped)} outliers pinned to the edge`,
      colour: MUTED_INK,
    });
  }
  let noteX = frame.x + frame.width;
  for (const note of notes.reverse()) {
    drawText(canvas, note.text, noteX, frame.y - 5, note.colour, { align: 'right', baseline: 'bottom' });
    noteX -= textWidth(note.text) + 12;
  }

  const legendX = frame.x + frame.width + 12;
  const legendRows = Math.max(1, Math.floor(frame.height / rowHeight));
  legend.slice(0, legendRows).forEach((entry, row) => {
    const cy = frame.y + rowHeight * (row + 0.5);
    fillCircle(canvas, legendX + markerRadius, cy, markerRadius, entry.colour, entry.alpha);
    drawText(canvas, entry.text, legendX + 2 * markerRadius + 6, cy, INK, { scale: s, baseline: 'middle' });
  });
  if (legend.length > legendRows) {
    drawText(canvas, `+${String(legend.length - legendRows)}`, legendX, frame.y + frame.height, MUTED_INK, {
      baseline: 'bottom',
    });
  }

  return { canvas, frame, view, project, skipped, clipped, robustView: robust };
};

/**
 * A PNG scatter of 2-D latent codes coloured by label over grey prior samples, with equal axis
 * units, ticks, a legend, and notes for skipped NaN codes and clipped outliers.
 * See {@link renderLatentScatter} for the errors it raises.
 *
 * @example
 * const codes = new Float32Array([0.1, -0.3, 1.2, 0.8, -1, 0.5]);   // three 2-D codes
 * writeFileSync('latent.png', latentScatter({ codes, labels: new Int32Array([0, 1, 2]) }));
 */
export const latentScatter = (input: LatentScatterInput): Buffer =>
  canvasToPng(renderLatentScatter(input).canvas);
