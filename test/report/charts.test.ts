import { describe, expect, it } from 'vitest';
import {
  chooseYScale,
  codeHistogramSpec,
  compareLossSpec,
  decodePng,
  latentScatterSpec,
  lossCurvesSpec,
  renderPng,
  renderSvg,
  tableSpec,
} from '../../src/report/index.js';

const records = Array.from({ length: 20 }, (_, i) => ({
  iteration: 10 * i,
  losses: { reconstruction: 0.7 - 0.02 * i, critic: i === 5 ? null : 1.4, generator: 0.7 },
}));

/** The data rows of every layer of a (possibly concatenated) spec. */
const rowsOf = (spec: unknown): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const values = (node as { data?: { values?: unknown } }).data?.values;
      if (Array.isArray(values)) out.push(...(values as Record<string, unknown>[]));
      const datasets = (node as { datasets?: Record<string, Record<string, unknown>[]> }).datasets;
      if (datasets !== undefined) out.push(...Object.values(datasets).flat());
      for (const [k, v] of Object.entries(node)) if (k !== 'data' && k !== 'datasets') walk(v);
    }
  };
  walk(spec);
  return out;
};

const count = (svg: string, pattern: RegExp): number => (svg.match(pattern) ?? []).length;

describe('loss curves', () => {
  it('draws one panel per phase, leaves non-finite values out of the line and marks and counts them', async () => {
    const spec = lossCurvesSpec(records, { title: 't' });
    const svg = await renderSvg(spec);
    expect(count(svg, /class="mark-line role-mark/g)).toBe(3);
    expect(count(svg, /class="mark-rule role-mark/g)).toBe(1);
    expect(svg).toContain('1 non-finite value (NaN/∞) not drawn');
    expect(svg).toContain('iteration (optimizer steps)');
    for (const phase of ['reconstruction', 'critic', 'generator']) expect(svg).toContain(`phase '${phase}'`);
    const lines = rowsOf(spec).filter((r) => 'loss' in r);
    expect(lines).toHaveLength(59);
  });

  it('keeps a linear y axis for narrow ranges and switches to symlog across decades', () => {
    expect(chooseYScale([0.5, 0.7])).toBe('linear');
    expect(chooseYScale([10, 1e-4])).toBe('symlog');
    expect(chooseYScale([10, 1e-4], 'linear')).toBe('linear');
    const wide = records.map((r, i) => ({ iteration: r.iteration, losses: { mmd: 10 ** -(i / 4) } }));
    expect(JSON.stringify(lossCurvesSpec(wide))).toContain('"type":"symlog"');
    expect(JSON.stringify(lossCurvesSpec(records))).not.toContain('symlog');
  });

  it('overlays several runs, one colour per run', async () => {
    const svg = await renderSvg(
      compareLossSpec([
        { name: 'run-a', records },
        { name: 'run-b', records: records.map((r) => ({ ...r, losses: { reconstruction: 1 } })) },
      ]),
    );
    expect(svg).toMatch(/role-legend-label[^]*run-a[^]*run-b/);
    expect(count(svg, /class="mark-line role-mark/g)).toBeGreaterThanOrEqual(3);
  });

  it('renders to a PNG with the chart on white', async () => {
    const png = decodePng(await renderPng(lossCurvesSpec(records)));
    expect(png.width).toBeGreaterThan(600);
    expect(png.height).toBeGreaterThan(300);
    expect([...png.data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });
});

describe('latent scatter and code histograms', () => {
  const codes = Float32Array.of(0, 1, 1, 0, Number.NaN, 2, -1, -1);
  const labels = Int32Array.of(3, 7, 1, 3);

  it('draws codes by class over grey prior draws, dropping and counting non-finite codes', async () => {
    const spec = latentScatterSpec({
      codes,
      labels,
      prior: Float32Array.of(0, 0, 0.5, 0.5),
      labelTitle: 'digit',
    });
    const rows = rowsOf(spec);
    expect(rows.filter((r) => r['source'] === 'code').map((r) => r['label'])).toEqual([3, 7, 3]);
    expect(rows.filter((r) => r['source'] === 'prior draw')).toHaveLength(2);
    const svg = await renderSvg(spec);
    expect(count(svg, /<path[^>]*class="|role-mark/g)).toBeGreaterThan(0);
    expect(svg).toContain('1 non-finite code not drawn');
    expect(svg).toContain('digit');
    expect(svg).toContain('z1');
  });

  it('bins every finite value of each dimension once, codes and prior alike', () => {
    const n = 500;
    const wide = Float32Array.from({ length: 3 * n }, (_, i) => Math.sin(i));
    const spec = codeHistogramSpec(wide, 3, {
      prior: Float32Array.from({ length: 3 * n }, (_, i) => Math.cos(i)),
    });
    const rows = rowsOf(spec) as { dimension: string; count: number; source: string }[];
    for (const dim of ['z1', 'z2', 'z3']) {
      for (const source of ['code', 'prior']) {
        const total = rows
          .filter((r) => r.dimension === dim && r.source === source)
          .reduce((a, r) => a + r.count, 0);
        expect(total).toBe(n);
      }
    }
    expect(JSON.stringify(codeHistogramSpec(wide, 3, { maxDims: 2 }))).not.toContain('"z3"');
  });
});

describe('tables', () => {
  it('lays cells out by row and column, in the order given', async () => {
    const svg = await renderSvg(
      tableSpec([
        { row: 'parzen', column: 'saddle', text: '171.4 ± 1.2 nats' },
        { row: 'parzen', column: 'paper', text: 'Parzen LL 340 ± 2' },
      ]),
    );
    expect(svg).toContain('171.4 ± 1.2 nats');
    expect(svg).toContain('Parzen LL 340 ± 2');
    expect(svg.indexOf('>saddle<')).toBeLessThan(svg.indexOf('>paper<'));
  });
});
