/**
 * Pictures and the run report: every chart (loss curves, latent scatter, code histograms, metric
 * tables) is described once as a Vega-Lite spec, rendered to SVG/PNG in Node (`renderSvg`,
 * `renderPng`) and embedded unchanged, interactive, in the HTML report (`reportHtml`). Sample
 * grids are plain rasters (`sampleGrid`), written as PNG by saddle's own small encoder.
 *
 * Everything works on plain `Float32Array`s and records, with no tensors, so reports render the
 * same in a training run, in `saddle report` and in tests.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * import { latentScatterSpec, renderPng, sampleGrid } from 'saddle/report';
 * const images = new Float32Array(4 * 28 * 28).fill(0.5);
 * writeFileSync('grid.png', sampleGrid(images, { rows: 2, cols: 2, height: 28, width: 28 }));
 * const spec = latentScatterSpec({ codes: Float32Array.of(0, 1, 1, 0), labels: Int32Array.of(3, 7) });
 * writeFileSync('latent.png', await renderPng(spec));
 *
 * @module saddle/report
 */
export { sampleGrid, renderSampleGrid, gridCellOrigin } from './grid.js';
export type { Rgb, SampleGridOptions, SampleGridRender } from './grid.js';
export { lossCurvesSpec, compareLossSpec, chooseYScale } from './loss.js';
export type { LossRecord, LossCurvesOptions, LossRun } from './loss.js';
export { latentScatterSpec, codeHistogramSpec } from './latent.js';
export type { LatentScatterInput, ScatterRow } from './latent.js';
export { tableSpec } from './table.js';
export type { TableCell } from './table.js';
export { renderSvg, svgToPng, renderPng, lossCurves, latentScatter } from './render.js';
export { reportHtml } from './html.js';
export type { Frame, ReportPage, RunReport } from './html.js';
export { encodePng, decodePng } from './png.js';
export type { Channels, RawImage } from './png.js';
