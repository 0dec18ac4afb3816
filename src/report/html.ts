/**
 * The run report page: one self-contained HTML file (styles, chart data, pictures and the page
 * script inlined) that opens from disk with no network.
 *
 * The page is written here as static HTML — facts, tables, collapsed plan, sample grids as
 * `data:` PNGs — and every chart is a Vega-Lite spec in one inlined JSON block. The page script
 * (built from `web/report.ts` with esbuild, passed in as text) embeds each spec with `vega-embed`
 * and wires the epoch sliders; without it the page still shows everything but the charts.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * A picture or chart labelled by the epoch that made it (`1`, `2`, …, `final`).
 *
 * @example
 * const frame: Frame<Buffer> = { label: 'final', item: readFileSync('runs/aae/samples-final.png') };
 */
export interface Frame<T> {
  readonly label: string;
  readonly item: T;
}

/**
 * One run's part of the report.
 *
 * @example
 * const run: RunReport = { dir: 'runs/aae', title: 'aae', facts: [['seed', '0']], explain: '…', samples: [], latent: [], codes: [] };
 */
export interface RunReport {
  readonly dir: string;
  readonly title: string;
  /** Name–value lines: model, options, data, seed, length, backend, speed, … */
  readonly facts: readonly (readonly [string, string])[];
  /** The compiled plan (`saddle explain`), shown collapsed. */
  readonly explain: string;
  readonly loss?: TopLevelSpec;
  /** Sample grids (PNG bytes) by epoch, shown with a slider. */
  readonly samples: readonly Frame<Buffer>[];
  /** Latent scatter charts by epoch. */
  readonly latent: readonly Frame<TopLevelSpec>[];
  /** Code histogram charts by epoch. */
  readonly codes: readonly Frame<TopLevelSpec>[];
  /** The evaluation beside the paper's figure, when the run was evaluated. */
  readonly metrics?: TopLevelSpec;
  /** A line under the metrics (what was evaluated, when). */
  readonly metricsNote?: string;
}

/**
 * The whole page: one run, or several compared (their curves overlaid, metrics side by side).
 *
 * @example
 * writeFileSync('report.html', reportHtml({ title: 'aae', runs: [run] }, pageScript));
 */
export interface ReportPage {
  readonly title: string;
  readonly runs: readonly RunReport[];
  readonly compare?: { readonly loss?: TopLevelSpec; readonly metrics?: TopLevelSpec };
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a `<script>` element: no `</script>` or `<!--` can close it early. */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Script text safe inside a `<script>` element. */
const inlineScript = (code: string): string => code.replace(/<\/script/gi, '<\\/script');

const STYLE = `
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; } h3 { margin-top: 1.5em; }
table.facts td { padding: .15em 1em .15em 0; vertical-align: top; } table.facts td:first-child { color: #666; white-space: nowrap; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: 12px; }
.frames > [data-frame] { display: none; } .frames > [data-frame].shown { display: block; }
.slider { margin: .5em 0; } .slider input { width: 60%; vertical-align: middle; }
img.grid { image-rendering: pixelated; max-width: 100%; border: 1px solid #ccc; }
.note { color: #666; font-size: .9em; } .error { color: #b00; font-weight: bold; }
`;

/** A chart placeholder; the page script embeds spec `id` into it. */
const chart = (id: string): string => `<div class="chart" data-chart="${id}"></div>`;

/** Frames with a slider over their labels; the last frame is shown first. */
const framed = (id: string, frames: readonly Frame<string>[]): string => {
  const last = frames.length - 1;
  return (
    `<div class="slider"><label>epoch <input type="range" min="0" max="${last}" value="${last}" data-slider="${id}"> ` +
    `<output data-slider-label="${id}">${escapeHtml(frames[last]?.label ?? '')}</output></label></div>` +
    `<div class="frames" id="${id}">` +
    frames
      .map(
        (f, i) =>
          `<div data-frame="${i}" data-label="${escapeHtml(f.label)}"${i === last ? ' class="shown"' : ''}>${f.item}</div>`,
      )
      .join('') +
    `</div>`
  );
};

const runSection = (run: RunReport, index: number, specs: Record<string, TopLevelSpec>): string => {
  const prefix = `run${index}`;
  const parts: string[] = [
    `<h2>${escapeHtml(run.title)} <span class="note">${escapeHtml(run.dir)}</span></h2>`,
  ];
  parts.push(
    `<table class="facts">${run.facts.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
  );
  parts.push(
    `<details><summary>compiled plan (saddle explain)</summary><pre>${escapeHtml(run.explain)}</pre></details>`,
  );
  if (run.loss !== undefined) {
    specs[`${prefix}-loss`] = run.loss;
    parts.push(`<h3>Loss curves</h3>${chart(`${prefix}-loss`)}`);
  }
  if (run.metrics !== undefined) {
    specs[`${prefix}-metrics`] = run.metrics;
    parts.push(`<h3>Evaluation</h3>${chart(`${prefix}-metrics`)}`);
    if (run.metricsNote !== undefined) parts.push(`<p class="note">${escapeHtml(run.metricsNote)}</p>`);
  }
  if (run.samples.length > 0) {
    parts.push(
      `<h3>Samples</h3><p class="note">decoded from the same prior draws at every epoch</p>` +
        framed(
          `${prefix}-samples`,
          run.samples.map((f) => ({
            label: f.label,
            item: `<img class="grid" alt="samples, epoch ${escapeHtml(f.label)}" style="width: min(100%, 520px)" src="data:image/png;base64,${f.item.toString('base64')}">`,
          })),
        ),
    );
  }
  const charted = (name: string, heading: string, frames: readonly Frame<TopLevelSpec>[]): void => {
    if (frames.length === 0) return;
    parts.push(
      `<h3>${heading}</h3>` +
        framed(
          `${prefix}-${name}`,
          frames.map((f, i) => {
            specs[`${prefix}-${name}-${i}`] = f.item;
            return { label: f.label, item: chart(`${prefix}-${name}-${i}`) };
          }),
        ),
    );
  };
  charted('latent', 'Latent space', run.latent);
  charted('codes', 'Codes per dimension', run.codes);
  return parts.join('\n');
};

/**
 * The report page as one HTML string: `page` laid out, its chart specs inlined as JSON, and
 * `script` (the bundled page script, `dist/web/report.js`) inlined to embed them.
 *
 * @example
 * import { reportHtml } from 'saddle/report';
 * const script = readFileSync('node_modules/saddle/dist/web/report.js', 'utf8');
 * writeFileSync('runs/aae/report.html', reportHtml({ title: 'aae', runs: [run] }, script));
 */
export const reportHtml = (page: ReportPage, script: string): string => {
  const specs: Record<string, TopLevelSpec> = {};
  const body: string[] = [`<h1>${escapeHtml(page.title)}</h1>`];
  if (page.compare !== undefined) {
    body.push(`<h2>Compared</h2>`);
    if (page.compare.loss !== undefined) {
      specs['compare-loss'] = page.compare.loss;
      body.push(`<h3>Loss curves, overlaid</h3>${chart('compare-loss')}`);
    }
    if (page.compare.metrics !== undefined) {
      specs['compare-metrics'] = page.compare.metrics;
      body.push(`<h3>Metrics, side by side</h3>${chart('compare-metrics')}`);
    }
  }
  page.runs.forEach((run, i) => body.push(runSection(run, i, specs)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<p class="error" id="saddle-error" hidden></p>
${body.join('\n')}
<script type="application/json" id="saddle-charts">${scriptJson(specs)}</script>
<script>${inlineScript(script)}</script>
</body>
</html>
`;
};
