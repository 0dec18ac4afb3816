/**
 * `saddle serve DIR [--port N]`: the latent-space explorer of a trained run, on localhost.
 *
 * A `node:http` server (no framework) hands the browser the page, its bundled script
 * (`dist/web/explorer.js`), the exported decoder's `model.json` + `weights.bin` (so the page decodes
 * with `tf.loadLayersModel` over HTTP), the test codes the run's encoder gives (the scatter and the
 * interpolation endpoints, encoded here once), and the run's report page.
 *
 * A run that cannot be explored — no export, a decoder whose input is not the code — is said in
 * the terminal and on the page, and the report is still served; a port in use is a one-line error.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { exampleWidth } from '../data/dataset.js';
import type { ExplorerInfo } from './explorer-info.js';
import { latentScatterSpec } from '../report/index.js';
import { reportHtml } from '../report/html.js';
import { hasCheckpoint } from '../runtime/checkpoint.js';
import { checkpointDir } from '../runtime/run.js';
import { parse, positionals } from './args.js';
import { UsageError } from './errors.js';
import { imageSize } from './pictures.js';
import { gatherRun, webAsset } from './report.js';
import { openRun, planOf, readRunFile } from './run.js';

/** Test codes in the scatter, prior draws behind them, and test images offered for interpolation. */
const SCATTER_CODES = 2000;
const SCATTER_PRIOR = 1000;
const INTERPOLATION_IMAGES = 64;

export type { ExplorerInfo };

const rowsOf = (values: Float32Array, width: number, n: number): number[][] =>
  Array.from({ length: n }, (_, i) =>
    Array.from(values.subarray(i * width, (i + 1) * width), (v) => Number(v.toPrecision(6))),
  );

/**
 * The input width of an exported net: the product of its first layer's `batch_input_shape` (less
 * the batch axis) in `model.json`, which is what `tf.loadLayersModel` builds its input from.
 */
export const exportedInputWidth = (dir: string): number | undefined => {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology?: { config?: { layers?: { config?: { batch_input_shape?: (number | null)[] } }[] } };
  };
  const shape = json.modelTopology?.config?.layers?.find((l) => l.config?.batch_input_shape !== undefined)
    ?.config?.batch_input_shape;
  return shape === undefined ? undefined : shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
};

/**
 * What the explorer needs from run `dir`: the decoder's URL, the codes and images; `error` says
 * why the run cannot be explored (the page shows it; `startServer` prints it).
 */
export const explorerInfo = async (dir: string): Promise<ExplorerInfo> => {
  const run = readRunFile('serve', dir);
  const plan = planOf('serve', run);
  const sample = plan.views.sample;
  const decoderOp = sample?.instrs[sample.output]?.op;
  const decoder = decoderOp?.kind === 'apply' ? decoderOp.net : undefined;
  const encode = plan.views.encode;
  const latentWidth = exampleWidth(encode?.instrs[encode.output]?.shape ?? [0]);
  const empty = {
    model: plan.model,
    latentWidth,
    image: imageSize(plan.data.x) ?? null,
    decoderUrl: `export/${decoder ?? 'decoder'}/model.json`,
    test: { images: [], labels: [], codes: [] },
    ranges: [],
  };
  const problem = (error: string): ExplorerInfo => ({ ...empty, error: `${dir}: ${error}` });
  if (decoder === undefined || encode === undefined) {
    return problem(
      `model '${plan.model}' has no 'sample' view applying a decoder to a code and no 'encode' view; there is nothing to explore`,
    );
  }
  const exportDir = join(dir, 'export', decoder);
  if (!existsSync(join(exportDir, 'model.json')) || !hasCheckpoint(checkpointDir(dir))) {
    return problem(
      `no exported decoder (${join('export', decoder, 'model.json')}); train the run to its end (saddle train --resume --out ${dir}) to export its nets`,
    );
  }
  const inputWidth = exportedInputWidth(exportDir);
  if (inputWidth !== latentWidth) {
    return problem(
      `the exported decoder '${decoder}' takes ${String(inputWidth)} inputs but the encoder's codes have ${latentWidth} dimensions, so the explorer cannot decode the scatter's points`,
    );
  }
  const opened = await openRun('serve', run, { backend: 'cpu', resumeFrom: dir });
  try {
    const test = opened.data.test;
    const n = Math.min(SCATTER_CODES, test.size);
    const xWidth = exampleWidth(test.shape);
    const labels = test.labels.subarray(0, n);
    const codes = await opened.trainer.readView('encode', {
      x: test.x.subarray(0, n * xWidth),
      labels,
      rows: n,
    });
    const prior =
      latentWidth === 2 && plan.views.prior !== undefined
        ? await opened.trainer.readView('prior', undefined, SCATTER_PRIOR, { seed: 20151118 })
        : undefined;
    const ranges = Array.from({ length: latentWidth }, (_, d): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = codes[i * latentWidth + d]!;
        if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
      const pad = 0.1 * (hi - lo) || 1;
      return Number.isFinite(lo) ? [Number((lo - pad).toFixed(3)), Number((hi + pad).toFixed(3))] : [-3, 3];
    });
    const shown = Math.min(INTERPOLATION_IMAGES, n);
    return {
      ...empty,
      ...(latentWidth === 2
        ? {
            scatter: latentScatterSpec({
              codes,
              labels,
              ...(prior !== undefined ? { prior } : {}),
              labelTitle: plan.data.classes === 10 ? 'digit' : 'class',
              title: `${plan.model}: test codes, prior in grey — drag the black point`,
              size: 420,
            }),
          }
        : {}),
      test: {
        images: rowsOf(test.x, xWidth, shown),
        labels: Array.from(labels.subarray(0, shown)),
        codes: rowsOf(codes, latentWidth, shown),
      },
      ranges,
    };
  } finally {
    opened.trainer.dispose();
  }
};

const explorerPage = (model: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${model.replace(/</g, '&lt;')}: latent-space explorer</title>
<style>
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 1em 2em; color: #222; }
#error { color: #b00; font-weight: bold; }
.row { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
#scatter-box { position: relative; cursor: crosshair; touch-action: none; user-select: none; }
#marker { position: absolute; width: 14px; height: 14px; margin: -7px 0 0 -7px; border-radius: 50%;
  background: #000; border: 2px solid #fff; pointer-events: none; }
canvas { image-rendering: pixelated; border: 1px solid #ccc; }
#sliders label { display: block; } #sliders input { width: 260px; vertical-align: middle; }
.note { color: #666; font-size: .9em; }
</style>
</head>
<body>
<h1 id="title">latent-space explorer</h1>
<p id="error" hidden></p>
<p class="note"><span id="backend">loading the decoder…</span> · <a href="report.html">run report</a></p>
<div class="row">
  <div id="scatter-box" hidden><div id="scatter"></div><div id="marker" hidden></div></div>
  <div><canvas id="decoded" width="8" height="8"></canvas><p id="code" class="note"></p><div id="sliders" hidden></div></div>
</div>
<div id="interpolation" hidden>
  <h2>Interpolate between two test images</h2>
  <label>from test image <input id="from" type="number" min="0" value="0"></label>
  <label>to <input id="to" type="number" min="0" value="1"></label>
  <div class="row"><canvas id="from-image"></canvas>
  <label>t <input id="t" type="range" min="0" max="1" step="0.01" value="0"></label>
  <canvas id="to-image"></canvas></div>
</div>
<script src="explorer.js"></script>
</body>
</html>
`;

/**
 * A running explorer: its URL, and why the run cannot be explored, if it cannot (the page shows
 * it too).
 *
 * @example
 * const s = await startServer('runs/aae-2d', { port: 0 });   // 0: any free port
 * console.log(s.url); await s.close();
 */
export interface ExplorerServer {
  readonly url: string;
  readonly problem: string | undefined;
  readonly server: Server;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, type: string, body: string | Buffer): void => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
};

/** Start the explorer of run `dir` on `host:port` (port 0: any free one). */
export const startServer = async (
  dir: string,
  options: { readonly port: number; readonly host?: string },
): Promise<ExplorerServer> => {
  readRunFile('serve', dir);
  const scriptPath = webAsset('explorer.js');
  if (!existsSync(scriptPath)) {
    throw new UsageError(
      `saddle serve: the page script ${scriptPath} is missing; build it with \`npm run build\``,
    );
  }
  // The page's data, filled in once the port is ours (a busy port is reported before any work).
  let info: ExplorerInfo = {
    model: '',
    latentWidth: 0,
    image: null,
    decoderUrl: '',
    test: { images: [], labels: [], codes: [] },
    ranges: [],
  };
  const script = readFileSync(scriptPath);
  const exportRoot = join(dir, 'export');
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path === '/' || path === '/index.html')
      return send(res, 200, 'text/html; charset=utf-8', explorerPage(info.model));
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    if (path === '/explorer.js') return send(res, 200, 'text/javascript; charset=utf-8', script);
    if (path === '/api/explorer.json') return send(res, 200, 'application/json', JSON.stringify(info));
    if (path === '/report.html') {
      const page = reportHtml(
        { title: `saddle run report: ${info.model}`, runs: [gatherRun(dir)] },
        readFileSync(webAsset('report.js'), 'utf8'),
      );
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    if (path.startsWith('/export/')) {
      const file = normalize(join(exportRoot, path.slice('/export/'.length)));
      if (file.startsWith(exportRoot + sep) && existsSync(file) && /\.(json|bin)$/.test(file)) {
        return send(
          res,
          200,
          file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          readFileSync(file),
        );
      }
    }
    send(res, 404, 'text/plain', `not found: ${path}\n`);
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      send(res, 500, 'text/plain', `saddle serve: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError(`saddle serve: port ${options.port} is in use; choose another with --port N`)
          : e.code === 'EACCES'
            ? new UsageError(
                `saddle serve: port ${options.port} needs privileges; choose one above 1023 with --port N`,
              )
            : e,
      ),
    );
    server.listen(options.port, host, () => resolveListen());
  });
  try {
    info = await explorerInfo(dir);
  } catch (e) {
    server.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    problem: info.error,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};

/** `saddle serve DIR [--port N]`: serve until Ctrl-C. */
export const serveCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('serve', args, { port: { type: 'string' } });
  const [dir = ''] = positionals('serve', parsed, ['run-dir']);
  const rawPort = parsed.values['port'];
  const port = rawPort === undefined ? 8080 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`saddle serve: --port must be an integer from 0 to 65535, got "${String(rawPort)}"`);
  }
  const served = await startServer(dir, { port });
  if (served.problem !== undefined) process.stderr.write(`saddle serve: ${served.problem}\n`);
  process.stdout.write(
    `explorer: ${served.url}\nreport:   ${served.url}report.html\n(Ctrl-C stops the server)\n`,
  );
  await new Promise<void>((done) => process.once('SIGINT', done));
  await served.close();
  return 0;
};
