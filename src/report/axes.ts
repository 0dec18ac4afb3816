/**
 * Axes: scales from data to pixels, tick positions people can read, tick labels, and the frame
 * drawn around a plot.
 *
 * Two scales cover saddle's plots: linear, and symmetric-log (`symlog`) for losses whose values span
 * many decades or cross zero (a GAN critic's loss can go negative while a reconstruction error sits
 * near 1e-3). Ticks land on 1-2-5 multiples (or on powers of ten for symlog), and labels for one axis
 * share their number of decimals, as readers expect.
 *
 * @module
 */
import type { Canvas, Rect } from './canvas.js';
import { drawText, fillRect, strokeRect, textHeight, textWidth } from './canvas.js';
import type { Rgb } from './palette.js';
import { GRID, INK, MUTED_INK } from './palette.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * A map from a data interval to the unit interval: linear, or symlog with a linear zone of ±`linthresh`.
 *
 * @example
 * const y: Scale = renderLossCurves(records).yScale;
 * if (y.kind === 'symlog') console.log(`linear within ±${y.linthresh}`);
 */
export type Scale =
  | { readonly kind: 'linear'; readonly min: number; readonly max: number }
  | { readonly kind: 'symlog'; readonly min: number; readonly max: number; readonly linthresh: number };

/** One axis of a plot: its scale, where ticks go, and an optional title. */
export interface Axis {
  readonly scale: Scale;
  readonly ticks: readonly number[];
  readonly title?: string;
}

// -------------------------------------------------------------------------------------------------
// scales
// -------------------------------------------------------------------------------------------------

const symlog = (v: number, linthresh: number): number =>
  Math.sign(v) * Math.log10(1 + Math.abs(v) / linthresh);

/**
 * Where `v` falls on `scale` as a fraction: 0 at `min`, 1 at `max` (outside that range, beyond 0..1).
 * Pixel positions are this fraction stretched over a frame.
 */
export const unitPosition = (scale: Scale, v: number): number => {
  if (scale.kind === 'linear') {
    return scale.max === scale.min ? 0.5 : (v - scale.min) / (scale.max - scale.min);
  }
  const lo = symlog(scale.min, scale.linthresh);
  const hi = symlog(scale.max, scale.linthresh);
  return hi === lo ? 0.5 : (symlog(v, scale.linthresh) - lo) / (hi - lo);
};

/** Pixel x of data `v` in a frame: left edge at `min`, right edge at `max`. */
export const pixelX = (frame: Rect, scale: Scale, v: number): number =>
  frame.x + unitPosition(scale, v) * frame.width;

/** Pixel y of data `v` in a frame: bottom edge at `min`, top edge at `max` (data up, pixels down). */
export const pixelY = (frame: Rect, scale: Scale, v: number): number =>
  frame.y + (1 - unitPosition(scale, v)) * frame.height;

// -------------------------------------------------------------------------------------------------
// ticks
// -------------------------------------------------------------------------------------------------

const tidy = (v: number): number => {
  const r = Number.parseFloat(v.toPrecision(12));
  return Object.is(r, -0) ? 0 : r;
};

/**
 * The 1-2-5 step that puts about `target` intervals over [min, max]. Exported so callers can pad a
 * range to whole steps before asking for ticks.
 */
export const niceStep = (min: number, max: number, target = 5): number => {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return nice * magnitude;
};

/** Multiples of a 1-2-5 step inside [min, max]: the ticks a person would pick for a linear axis. */
export const niceTicks = (min: number, max: number, target = 5): number[] => {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [tidy(min)];
  const step = niceStep(min, max, target);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  // Round to a few digits below the step: removes float noise (0.30000000000000004) at any magnitude.
  const decimals = Math.min(20, Math.max(0, 2 - Math.floor(Math.log10(step))));
  for (let k = first; k <= last; k++) ticks.push(tidy(Number.parseFloat((k * step).toFixed(decimals))));
  return ticks;
};

/**
 * Ticks for a symlog axis: zero when in range, and ±powers of ten from ten times the linear
 * threshold outwards, thinned to every second (third, ...) decade so that at most about `maxTicks` remain.
 */
export const symlogTicks = (min: number, max: number, linthresh: number, maxTicks = 8): number[] => {
  const maxAbs = Math.max(Math.abs(min), Math.abs(max));
  // The first decade above the linear threshold, so ±linthresh do not crowd the zero tick.
  const lowest = Math.floor(Math.log10(linthresh)) + 1;
  const highest = Math.ceil(Math.log10(Math.max(maxAbs, linthresh)));
  const decades: number[] = [];
  for (let k = lowest; k <= highest; k++) decades.push(k);
  const sides = (min < 0 ? 1 : 0) + (max > 0 ? 1 : 0);
  const every = Math.max(1, Math.ceil((decades.length * Math.max(1, sides)) / maxTicks));
  const kept = decades.filter((k) => (highest - k) % every === 0);
  const ticks = new Set<number>();
  if (min <= 0 && max >= 0) ticks.add(0);
  for (const k of kept) {
    const p = tidy(10 ** k);
    if (p >= min && p <= max) ticks.add(p);
    if (-p >= min && -p <= max) ticks.add(-p);
  }
  return [...ticks].sort((a, b) => a - b);
};

/** The ticks that suit `scale`: 1-2-5 multiples for linear, decades for symlog. */
export const ticksFor = (scale: Scale, target = 5): number[] =>
  scale.kind === 'linear'
    ? niceTicks(scale.min, scale.max, target)
    : symlogTicks(scale.min, scale.max, scale.linthresh, 3 * target);

const decimalsToShow = (values: readonly number[]): number => {
  for (let d = 0; d <= 12; d++) {
    const f = 10 ** d;
    if (values.every((v) => Math.abs(Math.round(v * f) - v * f) < 1e-6 * Math.max(1, Math.abs(v * f))))
      return d;
  }
  return 12;
};

const powerOfTen = (v: number): number | undefined => {
  const k = Math.round(Math.log10(Math.abs(v)));
  return v !== 0 && Math.abs(Math.abs(v) / 10 ** k - 1) < 1e-9 ? k : undefined;
};

/**
 * Labels for a set of ticks, sharing one style: `0.25 0.50 0.75`, `20k 40k`, `1e-4 1e-3`. Large
 * numbers get k/M suffixes and tiny ones exponents so a label stays a few characters wide.
 */
export const formatTicks = (ticks: readonly number[]): string[] => {
  const finite = ticks.filter(Number.isFinite);
  const maxAbs = Math.max(0, ...finite.map(Math.abs));
  const nonZero = finite.filter((t) => t !== 0);
  const minAbs = nonZero.length > 0 ? Math.min(...nonZero.map(Math.abs)) : 0;
  const decadesOnly = nonZero.length > 0 && nonZero.every((t) => powerOfTen(t) !== undefined);
  const exponential = (t: number, digits: number): string =>
    t
      .toExponential(digits)
      .replace('e+', 'e')
      .replace(/\.?0+e/, 'e');
  return ticks.map((t) => {
    if (!Number.isFinite(t)) return String(t);
    if (t === 0) return '0';
    if (decadesOnly && (maxAbs >= 1e4 || minAbs < 1e-2 || nonZero.length < finite.length)) {
      const k = powerOfTen(t)!;
      return k >= -3 && k <= 3 ? String(tidy(t)) : `${t < 0 ? '-' : ''}1e${String(k)}`;
    }
    if (maxAbs >= 1e9 || maxAbs < 1e-3) return exponential(t, 3);
    if (maxAbs >= 1e4) {
      const [unit, suffix] = maxAbs >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
      return `${(t / unit).toFixed(decimalsToShow(finite.map((v) => v / unit)))}${suffix}`;
    }
    return t.toFixed(decimalsToShow(finite));
  });
};

// -------------------------------------------------------------------------------------------------
// drawing
// -------------------------------------------------------------------------------------------------

/** Options shared by plots when drawing their axes. */
export interface AxesStyle {
  /** Font scale of tick labels and axis titles (default 1). */
  readonly fontScale?: number;
  /** Light grid lines at every tick (default true). */
  readonly grid?: boolean;
  readonly ink?: Rgb;
}

/** Length of tick marks outside the frame, and the gap between marks and labels. */
export const TICK_LENGTH = 4;
export const TICK_GAP = 3;

/**
 * The pixels {@link drawAxes} needs around a frame for these axes' tick labels and titles: callers
 * size their margins from it so long labels never collide with the canvas edge.
 */
export const axesMargins = (
  x: Axis,
  y: Axis,
  style: AxesStyle = {},
): { readonly left: number; readonly bottom: number } => {
  const s = style.fontScale ?? 1;
  const yLabelWidth = Math.max(0, ...formatTicks(y.ticks).map((l) => textWidth(l, s)));
  const titleBand = (title: string | undefined): number => (title ? textHeight(s) + 3 * TICK_GAP : 0);
  return {
    left: TICK_LENGTH + TICK_GAP + yLabelWidth + titleBand(y.title) + TICK_GAP,
    bottom: TICK_LENGTH + TICK_GAP + textHeight(s) + titleBand(x.title) + TICK_GAP,
  };
};

/** Light grid lines at each tick, drawn first so data covers them. */
export const drawGrid = (canvas: Canvas, frame: Rect, x: Axis, y: Axis, colour: Rgb = GRID): void => {
  for (const t of x.ticks) {
    const px = Math.floor(pixelX(frame, x.scale, t));
    if (px > frame.x && px < frame.x + frame.width - 1)
      fillRect(canvas, { x: px, y: frame.y, width: 1, height: frame.height }, colour);
  }
  for (const t of y.ticks) {
    const py = Math.floor(pixelY(frame, y.scale, t));
    if (py > frame.y && py < frame.y + frame.height - 1)
      fillRect(canvas, { x: frame.x, y: py, width: frame.width, height: 1 }, colour);
  }
};

/**
 * Which tick labels to draw so that none overlap: zero first, then larger magnitudes before smaller
 * ones (a symlog axis keeps its round decades and drops the crowded ones near zero).
 */
const visibleLabels = (
  positions: readonly number[],
  values: readonly number[],
  extents: readonly number[],
): boolean[] => {
  const order = values
    .map((v, i) => i)
    .sort((a, b) =>
      values[a] === 0 ? -1 : values[b] === 0 ? 1 : Math.abs(values[b]!) - Math.abs(values[a]!),
    );
  const kept: number[] = [];
  const visible = values.map(() => false);
  for (const i of order) {
    const clear = kept.every(
      (j) => Math.abs(positions[i]! - positions[j]!) >= (extents[i]! + extents[j]!) / 2 + 4,
    );
    if (clear) {
      kept.push(i);
      visible[i] = true;
    }
  }
  return visible;
};

/**
 * The frame, tick marks, tick labels and axis titles around `frame`. Labels sit outside the frame
 * (x below, y to the left), so call {@link axesMargins} to leave room for them.
 */
export const drawAxes = (canvas: Canvas, frame: Rect, x: Axis, y: Axis, style: AxesStyle = {}): void => {
  const s = style.fontScale ?? 1;
  const ink = style.ink ?? INK;
  strokeRect(canvas, frame, ink);
  const bottom = frame.y + frame.height;
  const xLabels = formatTicks(x.ticks);
  const xPositions = x.ticks.map((t) => Math.floor(pixelX(frame, x.scale, t)));
  const xVisible = visibleLabels(
    xPositions,
    x.ticks,
    xLabels.map((l) => textWidth(l, s)),
  );
  xLabels.forEach((label, i) => {
    const px = xPositions[i]!;
    fillRect(canvas, { x: px, y: bottom, width: 1, height: TICK_LENGTH }, ink);
    if (xVisible[i])
      drawText(canvas, label, px + 0.5, bottom + TICK_LENGTH + TICK_GAP, MUTED_INK, {
        scale: s,
        align: 'center',
      });
  });
  const yLabels = formatTicks(y.ticks);
  const yPositions = y.ticks.map((t) => Math.floor(pixelY(frame, y.scale, t)));
  const yVisible = visibleLabels(
    yPositions,
    y.ticks,
    yLabels.map(() => textHeight(s)),
  );
  yLabels.forEach((label, i) => {
    const py = yPositions[i]!;
    fillRect(canvas, { x: frame.x - TICK_LENGTH, y: py, width: TICK_LENGTH, height: 1 }, ink);
    if (yVisible[i])
      drawText(canvas, label, frame.x - TICK_LENGTH - TICK_GAP, py + 0.5, MUTED_INK, {
        scale: s,
        align: 'right',
        baseline: 'middle',
      });
  });
  if (x.title) {
    drawText(
      canvas,
      x.title,
      frame.x + frame.width / 2,
      bottom + TICK_LENGTH + TICK_GAP + textHeight(s) + 2 * TICK_GAP,
      ink,
      { scale: s, align: 'center' },
    );
  }
  if (y.title) {
    const labelWidth = Math.max(0, ...yLabels.map((l) => textWidth(l, s)));
    drawText(
      canvas,
      y.title,
      frame.x - TICK_LENGTH - TICK_GAP - labelWidth - 2 * TICK_GAP,
      frame.y + frame.height / 2,
      ink,
      { scale: s, align: 'center', baseline: 'bottom', rotate: true },
    );
  }
};
