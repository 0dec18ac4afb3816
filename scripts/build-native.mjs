#!/usr/bin/env node
/**
 * Builds saddle's optional native kernel pack (`native/`: OpenBLAS matrix products and fused
 * optimizer updates for the wasm backend) at install time.
 *
 * Why a script instead of a root `binding.gyp`: npm runs node-gyp by itself for a package with a
 * root `binding.gyp`, and then a machine without OpenBLAS fails `npm ci`. This script builds only
 * where a `cblas.h` exists, and NEVER fails the install: without headers it prints one line and
 * exits 0; if the build or the load check fails it says so in one line and exits 0. saddle then uses
 * the wasm backend with its kernel fixes.
 *
 * node-gyp is the one npm bundles (`npm_config_node_gyp` during npm scripts, else npm's own copy, or
 * a local one); Node's headers come from the running Node's prefix when present, so the build needs
 * no network. The full build log goes to `native/build/build.log`.
 *
 * Environment: SADDLE_NATIVE=0 skips the build; SADDLE_CBLAS_INCLUDE=<dir> adds a header directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'native');
const addonPath = path.join(nativeDir, 'build', 'Release', 'saddle_native.node');
const FALLBACK = "using the wasm backend with saddle's kernel fixes";

const say = (line) => console.log(`saddle: ${line}`);

/** The first directory holding `cblas.h`, or undefined. */
const findCblas = () => {
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
  const candidates = [
    process.env.SADDLE_CBLAS_INCLUDE,
    `/usr/include/${arch}-linux-gnu`,
    '/usr/include/openblas',
    '/usr/include',
    '/usr/local/include',
    '/usr/local/opt/openblas/include',
    '/opt/homebrew/opt/openblas/include',
  ];
  return candidates.find((dir) => dir && existsSync(path.join(dir, 'cblas.h')));
};

/** node-gyp's entry script: npm's, a local one, or the one next to this Node. */
const findNodeGyp = () => {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: fine
  }
  if (process.env.npm_execpath) {
    candidates.push(
      path.join(
        path.dirname(process.env.npm_execpath),
        '..',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
    );
  }
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  candidates.push(
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((file) => file && file.endsWith('.js') && existsSync(file));
};

/** Node's installation prefix if it ships the N-API headers (so node-gyp downloads nothing). */
const findNodeDir = () => {
  const prefixes = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  return prefixes.find((p) => p && existsSync(path.join(p, 'include', 'node', 'node_api.h')));
};

const lastLine = (text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('gyp ') && !l.startsWith('make'))
    .slice(-1)[0] ?? 'no output';

const main = () => {
  if (process.env.SADDLE_NATIVE === '0') {
    say(`native kernel pack disabled (SADDLE_NATIVE=0); ${FALLBACK}`);
    return;
  }
  const include = findCblas();
  if (include === undefined) {
    say(`OpenBLAS headers not found; ${FALLBACK} (apt install libopenblas-dev for the fast CPU path)`);
    return;
  }
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) {
    say(`node-gyp not found, native kernel pack not built; ${FALLBACK}`);
    return;
  }
  const openblas = readFileSync(path.join(include, 'cblas.h'), 'utf8').includes('openblas_set_num_threads');
  const args = [nodeGyp, 'rebuild'];
  const nodeDir = findNodeDir();
  if (nodeDir !== undefined) args.push(`--nodedir=${nodeDir}`);
  args.push(
    '--',
    `-Dcblas_include=${include}`,
    `-Dopenblas=${openblas ? 1 : 0}`,
    `-Dblas_libs=${openblas ? '-lopenblas' : '-lcblas -lblas'}`,
  );
  const build = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: 'utf8' });
  const log = `${build.stdout ?? ''}\n${build.stderr ?? ''}`;
  mkdirSync(path.join(nativeDir, 'build'), { recursive: true });
  writeFileSync(path.join(nativeDir, 'build', 'build.log'), log);
  if (build.status !== 0 || !existsSync(addonPath)) {
    say(
      `building the OpenBLAS kernel pack failed (${lastLine(log)}; see native/build/build.log); ${FALLBACK}`,
    );
    return;
  }
  // Load it in a child process: an unresolved symbol must not surface later, inside a training run.
  const check = spawnSync(
    process.execPath,
    ['-e', `const a = require(${JSON.stringify(addonPath)}); process.stdout.write(a.info().blas)`],
    { encoding: 'utf8' },
  );
  if (check.status !== 0) {
    rmSync(addonPath, { force: true });
    say(`the OpenBLAS kernel pack built but does not load (${lastLine(check.stderr ?? '')}); ${FALLBACK}`);
    return;
  }
  say(`OpenBLAS kernel pack built (${check.stdout.split(' ').slice(0, 2).join(' ')})`);
};

try {
  main();
} catch (error) {
  say(
    `native kernel pack not built (${error instanceof Error ? error.message : String(error)}); ${FALLBACK}`,
  );
}
process.exitCode = 0;
