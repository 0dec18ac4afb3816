/**
 * A tiny RGB raster with the few primitives plots need: rectangles, anti-aliased round and square
 * markers, anti-aliased polylines, and text in the built-in 5×7 font.
 *
 * Coordinates are in pixels, x to the right and y down; pixel (i, j) covers the square
 * [i, i+1) × [j, j+1), so its centre is (i + ½, j + ½). Shapes take real-valued coordinates and
 * blend their coverage with `alpha` over what is already there, so thousands of overlapping points
 * show density instead of a solid blob. Drawing outside the canvas is clipped silently: that is what
 * a plot wants for marks near an edge.
 *
 * A canvas is a mutable buffer on purpose: plots are built by painting layers in order, and copying
 * megabytes per mark would buy nothing.
 *
 * @example
 * const c = createCanvas(120, 40);
 * drawText(c, 'epoch 3', 60, 20, INK, { scale: 2, align: 'center', baseline: 'middle' });
 * fs.writeFileSync('label.png', canvasToPng(c));
 *
 * @module
 */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphOf, glyphPixel } from './font.js';
import type { Rgb } from './palette.js';
import { WHITE } from './palette.js';
import { encodePng } from './png.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * An RGB raster, row-major: pixel (x, y) is `data[3·(y·width + x) + 0..2]`.
 *
 * @example
 * const canvas: Canvas = createCanvas(100, 50);
 * canvas.data.length;   // 100 · 50 · 3
 */
export interface Canvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * An axis-aligned rectangle in pixels.
 *
 * @example
 * const { frame }: { frame: Rect } = renderLossCurves(records);   // the plot area inside the canvas
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A point in pixel coordinates. */
export type Point = readonly [number, number];

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * A blank canvas filled with `background` (white by default, as figures in papers are).
 *
 * @throws RangeError when a dimension is not a positive integer.
 *
 * @example
 * const figure = createCanvas(640, 320);              // white
 * const dark = createCanvas(64, 64, [0, 0, 0]);
 */
export const createCanvas = (width: number, height: number, background: Rgb = WHITE): Canvas => {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(
      `createCanvas: width and height must be positive integers, got ${String(width)}×${String(height)}`,
    );
  }
  const data = new Uint8Array(width * height * 3);
  data.set(background);
  // Fill by doubling the already-painted prefix: a handful of copies instead of one call per pixel.
  for (let filled = 3; filled < data.length; filled *= 2)
    data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  return { width, height, data };
};

/**
 * Encodes the canvas as an RGB PNG: the last step of every picture.
 *
 * @example
 * writeFileSync('figure.png', canvasToPng(figure));
 */
export const canvasToPng = (canvas: Canvas): Buffer =>
  encodePng({ width: canvas.width, height: canvas.height, channels: 3, data: canvas.data });

// -------------------------------------------------------------------------------------------------
// pixels
// -------------------------------------------------------------------------------------------------

/**
 * The colour at integer pixel (x, y); reads outside the canvas are an error, not a guess.
 *
 * @example
 * const [r, g, b] = getPixel(grid.canvas, 0, 0);   // the padding colour
 */
export const getPixel = (canvas: Canvas, x: number, y: number): Rgb => {
  if (
    !Number.isInteger(x) ||
    !Number.isInteger(y) ||
    x < 0 ||
    y < 0 ||
    x >= canvas.width ||
    y >= canvas.height
  ) {
    throw new RangeError(
      `getPixel: (${String(x)}, ${String(y)}) is outside the ${String(canvas.width)}×${String(canvas.height)} canvas`,
    );
  }
  const i = 3 * (y * canvas.width + x);
  return [canvas.data[i]!, canvas.data[i + 1]!, canvas.data[i + 2]!];
};

/**
 * Mixes `colour` into integer pixel (x, y) with opacity `alpha` ∈ [0, 1] (source-over). The one
 * place pixels change, so every shape blends the same way; out-of-canvas writes are dropped.
 */
export const blendPixel = (canvas: Canvas, x: number, y: number, colour: Rgb, alpha = 1): void => {
  if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height || !(alpha > 0)) return;
  const i = 3 * (y * canvas.width + x);
  const a = alpha >= 1 ? 1 : alpha;
  const d = canvas.data;
  d[i] = Math.round(d[i]! + (colour[0] - d[i]!) * a);
  d[i + 1] = Math.round(d[i + 1]! + (colour[1] - d[i + 1]!) * a);
  d[i + 2] = Math.round(d[i + 2]! + (colour[2] - d[i + 2]!) * a);
};

/**
 * Copies `source` onto `target` with its top-left corner at integer (x, y), clipping at the edges.
 *
 * @example
 * const figure = createCanvas(left.canvas.width * 2, left.canvas.height);
 * blit(figure, left.canvas, 0, 0);
 * blit(figure, right.canvas, left.canvas.width, 0);
 */
export const blit = (target: Canvas, source: Canvas, x: number, y: number): void => {
  for (let sy = 0; sy < source.height; sy++) {
    const ty = y + sy;
    if (ty < 0 || ty >= target.height) continue;
    const from = Math.max(0, -x);
    const to = Math.min(source.width, target.width - x);
    if (to <= from) return;
    target.data.set(
      source.data.subarray(3 * (sy * source.width + from), 3 * (sy * source.width + to)),
      3 * (ty * target.width + x + from),
    );
  }
};

// -------------------------------------------------------------------------------------------------
// shapes
// -------------------------------------------------------------------------------------------------

/** Fills the pixels whose centres lie in `rect` (so integer rectangles fill exactly their pixels). */
export const fillRect = (canvas: Canvas, rect: Rect, colour: Rgb, alpha = 1): void => {
  const x0 = Math.max(0, Math.ceil(rect.x - 0.5));
  const x1 = Math.min(canvas.width, Math.ceil(rect.x + rect.width - 0.5));
  const y0 = Math.max(0, Math.ceil(rect.y - 0.5));
  const y1 = Math.min(canvas.height, Math.ceil(rect.y + rect.height - 0.5));
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) blendPixel(canvas, x, y, colour, alpha);
};

/** Outlines `rect` with a one-pixel line inside its edge: frames and legend boxes. */
export const strokeRect = (canvas: Canvas, rect: Rect, colour: Rgb, alpha = 1): void => {
  const { x, y, width, height } = rect;
  fillRect(canvas, { x, y, width, height: 1 }, colour, alpha);
  fillRect(canvas, { x, y: y + height - 1, width, height: 1 }, colour, alpha);
  fillRect(canvas, { x, y: y + 1, width: 1, height: height - 2 }, colour, alpha);
  fillRect(canvas, { x: x + width - 1, y: y + 1, width: 1, height: height - 2 }, colour, alpha);
};

const clamp01 = (v: number): number => (v <= 0 ? 0 : v >= 1 ? 1 : v);

/**
 * A filled disc centred at real (cx, cy), with its edge anti-aliased over one pixel: scatter-plot
 * markers that look round at radius 2.
 */
export const fillCircle = (
  canvas: Canvas,
  cx: number,
  cy: number,
  radius: number,
  colour: Rgb,
  alpha = 1,
): void => {
  const x0 = Math.floor(cx - radius - 1);
  const x1 = Math.ceil(cx + radius + 1);
  const y0 = Math.floor(cy - radius - 1);
  const y1 = Math.ceil(cy + radius + 1);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const coverage = clamp01(radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy));
      if (coverage > 0) blendPixel(canvas, x, y, colour, coverage * alpha);
    }
  }
};

/** A filled axis-aligned square of half-side `half` centred at real (cx, cy), edges anti-aliased. */
export const fillSquare = (
  canvas: Canvas,
  cx: number,
  cy: number,
  half: number,
  colour: Rgb,
  alpha = 1,
): void => {
  const x0 = Math.floor(cx - half - 1);
  const x1 = Math.ceil(cx + half + 1);
  const y0 = Math.floor(cy - half - 1);
  const y1 = Math.ceil(cy + half + 1);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const coverage =
        clamp01(half + 0.5 - Math.abs(x + 0.5 - cx)) * clamp01(half + 0.5 - Math.abs(y + 0.5 - cy));
      if (coverage > 0) blendPixel(canvas, x, y, colour, coverage * alpha);
    }
  }
};

/** Options for {@link drawPolyline}. */
export interface StrokeOptions {
  /** Line width in pixels (default 1.5). */
  readonly width?: number;
  /** Opacity of the whole line (default 1). */
  readonly alpha?: number;
}

const distanceToSegment = (px: number, py: number, a: Point, b: Point): number => {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : clamp01(((px - a[0]) * dx + (py - a[1]) * dy) / lengthSquared);
  return Math.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy));
};

/**
 * An anti-aliased polyline through `points`. Coverage is taken as the maximum over segments before
 * blending once, so joints are not darker than the line and a translucent curve stays even.
 * Non-finite points break the line into pieces (a missing value is a gap, not a spike).
 */
export const drawPolyline = (
  canvas: Canvas,
  points: readonly Point[],
  colour: Rgb,
  options: StrokeOptions = {},
): void => {
  const half = (options.width ?? 1.5) / 2;
  const alpha = options.alpha ?? 1;
  const finite = (p: Point): boolean => Number.isFinite(p[0]) && Number.isFinite(p[1]);
  const segments: [Point, Point][] = [];
  points.forEach((p, i) => {
    const next = points[i + 1];
    if (next !== undefined && finite(p) && finite(next)) segments.push([p, next]);
    else if (finite(p) && (i === 0 || !finite(points[i - 1]!)) && (next === undefined || !finite(next))) {
      segments.push([p, p]); // an isolated point still shows as a dot
    }
  });
  if (segments.length === 0) return;
  const margin = half + 1;
  const xs = segments.flatMap(([a, b]) => [a[0], b[0]]);
  const ys = segments.flatMap(([a, b]) => [a[1], b[1]]);
  const bx0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
  const bx1 = Math.min(canvas.width - 1, Math.ceil(Math.max(...xs) + margin));
  const by0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
  const by1 = Math.min(canvas.height - 1, Math.ceil(Math.max(...ys) + margin));
  if (bx1 < bx0 || by1 < by0) return;
  const maskWidth = bx1 - bx0 + 1;
  const mask = new Float32Array(maskWidth * (by1 - by0 + 1));
  for (const [a, b] of segments) {
    const x0 = Math.max(bx0, Math.floor(Math.min(a[0], b[0]) - margin));
    const x1 = Math.min(bx1, Math.ceil(Math.max(a[0], b[0]) + margin));
    const y0 = Math.max(by0, Math.floor(Math.min(a[1], b[1]) - margin));
    const y1 = Math.min(by1, Math.ceil(Math.max(a[1], b[1]) + margin));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const coverage = clamp01(half + 0.5 - distanceToSegment(x + 0.5, y + 0.5, a, b));
        const m = (y - by0) * maskWidth + (x - bx0);
        if (coverage > mask[m]!) mask[m] = coverage;
      }
    }
  }
  for (let y = by0; y <= by1; y++) {
    for (let x = bx0; x <= bx1; x++) {
      const coverage = mask[(y - by0) * maskWidth + (x - bx0)]!;
      if (coverage > 0) blendPixel(canvas, x, y, colour, coverage * alpha);
    }
  }
};

// -------------------------------------------------------------------------------------------------
// text
// -------------------------------------------------------------------------------------------------

/**
 * Options for {@link drawText}.
 *
 * @example
 * const title: TextOptions = { scale: 2, align: 'center' };
 * drawText(figure, 'epoch 10', figure.width / 2, 4, [0, 0, 0], title);
 */
export interface TextOptions {
  /** Integer magnification of the 5×7 font (default 1: glyphs 7 px tall). */
  readonly scale?: number;
  /** Where `x` sits along the text: its start, middle or end (default `'left'`). */
  readonly align?: 'left' | 'center' | 'right';
  /** Where `y` sits across the text: its top, middle or bottom (default `'top'`). */
  readonly baseline?: 'top' | 'middle' | 'bottom';
  /** Run the text upwards (rotated 90° counter-clockwise), as y-axis titles are. */
  readonly rotate?: boolean;
}

/**
 * Width in pixels that {@link drawText} gives `text` at `scale` (no trailing gap).
 *
 * @example
 * const w = textWidth('epoch 10', 2);   // pixels, to right-align or centre a label yourself
 */
export const textWidth = (text: string, scale = 1): number =>
  text.length === 0 ? 0 : ([...text].length * (GLYPH_WIDTH + 1) - 1) * scale;

/**
 * Height in pixels of one line of text at `scale`, baseline to cap (descenders hang 2·scale below).
 *
 * @example
 * const lineGap = textHeight(2) + 4;   // stack lines of 2× text 4 px apart
 */
export const textHeight = (scale = 1): number => GLYPH_HEIGHT * scale;

/**
 * Draws one line of `text` in the built-in 5×7 font, anchored at (x, y) by `align` and `baseline`.
 * Pixels are solid (no smoothing), which keeps small labels crisp.
 *
 * @example
 * drawText(figure, 'samples', 4, 4, [0, 0, 0]);
 * drawText(figure, 'z2', 10, 200, [0, 0, 0], { rotate: true, baseline: 'middle' });
 */
export const drawText = (
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  colour: Rgb,
  options: TextOptions = {},
): void => {
  const scale = Math.max(1, Math.round(options.scale ?? 1));
  const along = textWidth(text, scale);
  const across = textHeight(scale);
  const u0 = options.align === 'center' ? -along / 2 : options.align === 'right' ? -along : 0;
  const v0 = options.baseline === 'middle' ? -across / 2 : options.baseline === 'bottom' ? -across : 0;
  const ox = Math.round(x + (options.rotate ? v0 : u0));
  const oy = Math.round(y + (options.rotate ? -u0 : v0));
  [...text].forEach((ch, index) => {
    const glyph = glyphOf(ch);
    for (let gy = 0; gy < glyph.length; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!glyphPixel(glyph, gx, gy)) continue;
        const u = (index * (GLYPH_WIDTH + 1) + gx) * scale;
        const v = gy * scale;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) {
            if (options.rotate) blendPixel(canvas, ox + v + sy, oy - u - sx - 1, colour);
            else blendPixel(canvas, ox + u + sx, oy + v + sy, colour);
          }
        }
      }
    }
  });
};
