/**
 * Pictures for run reports: sample grids, latent scatter plots and loss curves, as PNG buffers.
 *
 * Everything works on plain `Float32Array`s and records, with no tensors and no native image
 * libraries, so reports render the same on any machine (and in tests). The raster, font, axes and
 * PNG layers are exported too, for callers composing their own figures.
 *
 * @module
 */
export { encodePng, decodePng, readPngChunks, crc32, PNG_SIGNATURE } from './png.js';
export type { Channels, RawImage, PngChunk } from './png.js';
export {
  createCanvas,
  canvasToPng,
  getPixel,
  blendPixel,
  blit,
  fillRect,
  strokeRect,
  fillCircle,
  fillSquare,
  drawPolyline,
  drawText,
  textWidth,
  textHeight,
} from './canvas.js';
export type { Canvas, Rect, Point, StrokeOptions, TextOptions } from './canvas.js';
export { FONT_CHARACTERS, GLYPH_WIDTH, GLYPH_HEIGHT, glyphOf, glyphPixel } from './font.js';
export type { Glyph } from './font.js';
export {
  TAB10,
  TAB10_LIGHT,
  categoricalColour,
  WHITE,
  BLACK,
  INK,
  MUTED_INK,
  GRID,
  PRIOR_GREY,
  ALARM_RED,
} from './palette.js';
export type { Rgb } from './palette.js';
export {
  unitPosition,
  pixelX,
  pixelY,
  niceStep,
  niceTicks,
  symlogTicks,
  ticksFor,
  formatTicks,
  axesMargins,
  drawGrid,
  drawAxes,
} from './axes.js';
export type { Scale, Axis, AxesStyle } from './axes.js';
export { sampleGrid, renderSampleGrid, gridCellOrigin } from './grid.js';
export type { SampleGridOptions, SampleGridRender } from './grid.js';
export { latentScatter, renderLatentScatter } from './latent.js';
export type { LatentScatterInput, LatentScatterRender, View } from './latent.js';
export { lossCurves, renderLossCurves, chooseYScale, smoothSeries, defaultSmoothing } from './curves.js';
export type { LossRecord, LossCurvesOptions, LossCurvesRender, CurveSeries } from './curves.js';
