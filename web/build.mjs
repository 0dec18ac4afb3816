// Bundles the browser pages' scripts with esbuild into dist/web/: report.js (inlined into every
// report.html by `saddle report`) and explorer.js (served by `saddle serve`). Run by `npm run
// build`, so `npm ci` (whose `prepare` builds) leaves both ready; the browser tests run it too.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: { report: 'web/report.ts', explorer: 'web/explorer.ts' },
  outdir: 'dist/web',
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
});
