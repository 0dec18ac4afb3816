/**
 * Pictures of codes as Vega-Lite specs: the scatter of 2-D test codes coloured by class over grey
 * prior draws (the adversarial autoencoder paper's figure), and, for codes of any width, a
 * histogram per dimension of the codes beside the prior's.
 *
 * The scatter's data rows are `{ z1, z2, label, source }`; the latent explorer reads the same rows
 * to draw its scatter, so the page and the PNG show the same points.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * What the latent scatter draws.
 *
 * @example
 * const input: LatentScatterInput = { codes, labels, prior, title: 'aae: test codes, epoch 3' };
 * const spec = latentScatterSpec(input);
 */
export interface LatentScatterInput {
  /** n × 2 values, row-major: code i is (codes[2i], codes[2i+1]). */
  readonly codes: Float32Array;
  /** The class of each code (digit for MNIST); selects its colour. */
  readonly labels: Int32Array;
  /** m × 2 samples of the prior, drawn behind the codes. */
  readonly prior?: Float32Array;
  /** Plot width and height in pixels (default 440). */
  readonly size?: number;
  readonly title?: string;
  /** Legend name of the grey backdrop (default `prior draw`; e.g. `data` when plotting samples over data). */
  readonly priorName?: string;
  /** Legend title of the classes (default `class`). */
  readonly labelTitle?: string;
  /** Axis titles (default `z1`, `z2`). */
  readonly xTitle?: string;
  readonly yTitle?: string;
}

/**
 * One point of the scatter, as the spec (and the explorer) holds it.
 *
 * @example
 * const row: ScatterRow = { z1: 0.5, z2: -1.2, label: 3, source: 'code' };
 */
export interface ScatterRow {
  readonly z1: number;
  readonly z2: number;
  readonly label: number;
  readonly source: string;
}

/** Four significant digits: well below a pixel, and a quarter of the bytes of a full float. */
const round = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

const pairs = (values: Float32Array, label: (i: number) => number, source: string): ScatterRow[] =>
  Array.from({ length: Math.floor(values.length / 2) }, (_, i) => ({
    z1: round(values[2 * i]!),
    z2: round(values[2 * i + 1]!),
    label: label(i),
    source,
  }));

const FONT = { font: 'DejaVu Sans, Verdana, sans-serif' };

/**
 * The Vega-Lite spec of 2-D codes over prior draws: prior in grey behind, codes coloured by class
 * (category10, legend titled `labelTitle`), axes `z1`/`z2`. Non-finite codes are dropped and
 * counted in the subtitle.
 *
 * @example
 * import { latentScatterSpec, renderPng } from 'saddle/report';
 * const spec = latentScatterSpec({ codes, labels, prior, title: 'test codes, prior in grey' });
 * writeFileSync('latent.png', await renderPng(spec));
 */
export const latentScatterSpec = (input: LatentScatterInput): TopLevelSpec => {
  const all = pairs(input.codes, (i) => input.labels[i] ?? 0, 'code');
  const codes = all.filter((r) => Number.isFinite(r.z1) && Number.isFinite(r.z2));
  const prior =
    input.prior === undefined ? [] : pairs(input.prior, () => -1, input.priorName ?? 'prior draw');
  const dropped = all.length - codes.length;
  const size = input.size ?? 440;
  const axis = (field: 'z1' | 'z2', title: string | undefined) => ({
    field,
    type: 'quantitative' as const,
    title: title ?? field,
    scale: { zero: false, nice: true },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: input.title ?? 'codes',
      subtitle:
        dropped > 0
          ? `${dropped} non-finite code${dropped === 1 ? '' : 's'} not drawn`
          : `${codes.length} codes${prior.length > 0 ? `, ${prior.length} ${input.priorName ?? 'prior draws'} in grey` : ''}`,
    },
    width: size,
    height: size,
    config: FONT,
    layer: [
      ...(prior.length > 0
        ? [
            {
              data: { values: prior },
              mark: { type: 'circle' as const, size: 6, color: '#b0b0b0', opacity: 0.5 },
              encoding: { x: axis('z1', input.xTitle), y: axis('z2', input.yTitle) },
            },
          ]
        : []),
      {
        data: { values: codes },
        mark: { type: 'circle', size: 8, opacity: 0.8 },
        encoding: {
          x: axis('z1', input.xTitle),
          y: axis('z2', input.yTitle),
          color: {
            field: 'label',
            type: 'nominal',
            title: input.labelTitle ?? 'class',
            scale: { scheme: 'category10' },
          },
        },
      },
    ],
  } as TopLevelSpec;
};

/** Counts of `values` in `bins` equal bins over [lo, hi] (bounds included). */
const histogram = (values: readonly number[], lo: number, hi: number, bins: number): number[] => {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins || 1;
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
  return counts;
};

/**
 * The spec of per-dimension histograms of `codes` (n × `width`) beside `prior` draws of the same
 * width: one small panel per dimension (at most `maxDims`, default 16), the codes' bars over the
 * prior's in grey — a code distribution that missed the prior shows at a glance. The counts are
 * binned here (30 bins over both sets' range), so the spec stays small whatever n is.
 *
 * @example
 * const spec = codeHistogramSpec(codes, 8, { prior, title: 'aae: codes vs prior, epoch 3' });
 * writeFileSync('codes.svg', await renderSvg(spec));
 */
export const codeHistogramSpec = (
  codes: Float32Array,
  width: number,
  options: { readonly prior?: Float32Array; readonly title?: string; readonly maxDims?: number } = {},
): TopLevelSpec => {
  const dims = Math.min(width, options.maxDims ?? 16);
  const BINS = 30;
  const column = (values: Float32Array, d: number): number[] => {
    const out: number[] = [];
    for (let i = d; i < values.length; i += width) if (Number.isFinite(values[i])) out.push(values[i]!);
    return out;
  };
  const rows: { dimension: string; start: number; end: number; count: number; source: string }[] = [];
  for (let d = 0; d < dims; d++) {
    const sets: [string, number[]][] = [['code', column(codes, d)]];
    if (options.prior !== undefined) sets.push(['prior', column(options.prior, d)]);
    const all = sets.flatMap(([, v]) => v);
    if (all.length === 0) continue;
    const lo = all.reduce((a, b) => Math.min(a, b));
    const hi = all.reduce((a, b) => Math.max(a, b));
    const step = (hi - lo) / BINS || 1;
    for (const [source, values] of sets) {
      histogram(values, lo, hi, BINS).forEach((count, b) =>
        rows.push({
          dimension: `z${d + 1}`,
          start: round(lo + b * step),
          end: round(lo + (b + 1) * step),
          count,
          source,
        }),
      );
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: options.title ?? 'codes per dimension',
      subtitle: `${dims} of ${width} dimensions; counts of codes${options.prior !== undefined ? ' and prior draws (grey)' : ''}`,
    },
    config: FONT,
    data: { values: rows },
    facet: { field: 'dimension', type: 'ordinal', title: null, sort: { field: 'dimension' } },
    columns: 4,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 150,
      height: 90,
      mark: { type: 'bar', opacity: 0.6 },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'value' },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', title: 'count', stack: null },
        color: {
          field: 'source',
          type: 'nominal',
          title: 'drawn from',
          scale: { domain: ['code', 'prior'], range: ['#1f77b4', '#b0b0b0'] },
        },
      },
    },
  } as TopLevelSpec;
};
