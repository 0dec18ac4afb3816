/**
 * Pictures for run reports: sample grids, latent scatter plots and loss curves, as PNG buffers.
 *
 * Everything works on plain `Float32Array`s and records, with no tensors and no native image
 * libraries, so reports render the same on any machine (and in tests). Each picture comes in two
 * forms: `sampleGrid`, `latentScatter` and `lossCurves` return PNG bytes; their `render*` twins
 * return the canvas and its geometry, for a caller composing several pictures into one figure
 * (`createCanvas`, `blit`, `drawText`, then `canvasToPng`). The raster, font, axes and palette
 * layers underneath are internal: their modules are not part of the public surface.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * import { blit, canvasToPng, createCanvas, drawText, renderSampleGrid } from 'saddle/report';
 * const images = new Float32Array(4 * 28 * 28).fill(0.5);
 * const grid = renderSampleGrid(images, { rows: 2, cols: 2, height: 28, width: 28 });
 * const figure = createCanvas(grid.canvas.width, grid.canvas.height + 20);
 * drawText(figure, 'epoch 3', 4, 4, [0, 0, 0]);
 * blit(figure, grid.canvas, 0, 20);
 * writeFileSync('figure.png', canvasToPng(figure));
 *
 * @module saddle/report
 */
export { sampleGrid, renderSampleGrid, gridCellOrigin } from './grid.js';
export type { SampleGridOptions, SampleGridRender } from './grid.js';
export { latentScatter, renderLatentScatter } from './latent.js';
export type { LatentScatterInput, LatentScatterRender, View } from './latent.js';
export { lossCurves, renderLossCurves } from './curves.js';
export type { LossRecord, LossCurvesOptions, LossCurvesRender, CurveSeries } from './curves.js';
export type { Scale } from './axes.js';
export { createCanvas, canvasToPng, getPixel, blit, drawText, textWidth, textHeight } from './canvas.js';
export type { Canvas, Rect, TextOptions } from './canvas.js';
export { TAB10, categoricalColour } from './palette.js';
export type { Rgb } from './palette.js';
export { encodePng, decodePng } from './png.js';
export type { Channels, RawImage } from './png.js';
