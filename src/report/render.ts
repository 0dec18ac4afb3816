/**
 * Rendering Vega-Lite specs without a browser: `vega-lite` compiles the spec to Vega, `vega`'s
 * headless view (no canvas package) writes SVG, and `@resvg/resvg-js` (a prebuilt Rust rasterizer
 * shipped on npm) turns the SVG into PNG. Text uses the machine's fonts (DejaVu Sans on Debian).
 *
 * The libraries replace saddle's former hand-written raster, bitmap font and axis code: they lay
 * out ticks, legends and titles better than that code did, and the same spec is what the report
 * page embeds interactively.
 *
 * @module
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { latentScatterSpec, type LatentScatterInput } from './latent.js';
import { lossCurvesSpec, type LossCurvesOptions, type LossRecord } from './loss.js';

/**
 * A spec as SVG text, drawn by Vega's headless renderer.
 *
 * @example
 * import { lossCurvesSpec, renderSvg } from 'saddle/report';
 * const svg = await renderSvg(lossCurvesSpec(records));   // '<svg xmlns=… class="marks" …'
 */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

/**
 * SVG text as PNG bytes on a white background, magnified by `zoom` (default 2, for sharp text).
 *
 * @example
 * writeFileSync('chart.png', svgToPng(await renderSvg(spec)));
 */
export const svgToPng = (svg: string, zoom = 2): Buffer =>
  Buffer.from(
    new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: zoom },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng(),
  );

/**
 * A spec as PNG bytes: {@link renderSvg}, then {@link svgToPng}.
 *
 * @example
 * writeFileSync('latent.png', await renderPng(latentScatterSpec({ codes, labels })));
 */
export const renderPng = async (spec: TopLevelSpec, zoom = 2): Promise<Buffer> =>
  svgToPng(await renderSvg(spec), zoom);

/**
 * The loss curves of a run's log as a PNG (see `lossCurvesSpec` for the chart).
 *
 * @example
 * import { lossCurves } from 'saddle/report';
 * writeFileSync('loss.png', await lossCurves(readMetrics('runs/aae'), { title: 'aae: phase losses' }));
 */
export const lossCurves = (
  records: readonly LossRecord[],
  options: LossCurvesOptions = {},
): Promise<Buffer> => renderPng(lossCurvesSpec(records, options));

/**
 * Codes over prior draws as a PNG (see `latentScatterSpec` for the chart).
 *
 * @example
 * import { latentScatter } from 'saddle/report';
 * writeFileSync('latent.png', await latentScatter({ codes, labels, prior, title: 'test codes' }));
 */
export const latentScatter = (input: LatentScatterInput): Promise<Buffer> =>
  renderPng(latentScatterSpec(input));
