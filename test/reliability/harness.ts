/**
 * Real `saddle` processes for the reliability tests: the CLI bundled from the sources once per test
 * file (so the tests never run a stale dist/), spawned, watched line by line, and killed.
 *
 * The bundle lives in node_modules/.cache (its imports of tfjs and friends resolve to the
 * project's node_modules from there) and starts as fast as dist/ does, about half the time of
 * running the sources through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { encodeModel } from '../../src/dsl/codec.js';
import { aaeDefaults, buildAae } from '../../src/zoo/aae.js';

const root = resolve(import.meta.dirname, '../..');

/** Bundle src/cli/main.ts into one ES module; returns its path. */
export const bundleCli = async (): Promise<string> => {
  const dir = join(root, 'node_modules', '.cache', 'saddle-reliability');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `cli-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
};

/** The small AAE on 9×9 tiny digits the tests train: a checkpoint is ~40 kB, a step a few ms. */
export const writeTinySpec = (dir: string): string => {
  const spec = join(dir, 'tiny-aae.json');
  writeFileSync(
    spec,
    JSON.stringify(
      encodeModel(buildAae({ ...aaeDefaults, hidden: 16, latent: 2 }, { x: [81], classes: 10 })),
    ),
  );
  return spec;
};

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `saddle`: its output so far, a way to wait for a line, and its end. */
export interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line (stdout or stderr) matching `test`, or undefined if the process ends first. */
  waitForLine(test: (line: string) => boolean): Promise<string | undefined>;
  readonly done: Promise<Finished>;
}

export interface SpawnOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly uid?: number;
  readonly gid?: number;
}

export const spawnSaddle = (cli: string, args: readonly string[], options: SpawnOptions = {}): Running => {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, CI: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let out = '';
  let err = '';
  const watchers: { test: (line: string) => boolean; resolve: (line: string | undefined) => void }[] = [];
  const feed = (text: string): void => {
    for (const line of text.split('\n')) {
      for (const w of [...watchers]) {
        if (w.test(line)) {
          watchers.splice(watchers.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  /** Feed whole lines to the watchers; keep a partial last line until its end arrives. */
  const lineReader = (keep: (chunk: string) => void) => {
    let tail = '';
    const read = (chunk: string): void => {
      keep(chunk);
      const text = tail + chunk;
      const cut = text.lastIndexOf('\n');
      tail = text.slice(cut + 1);
      if (cut >= 0) feed(text.slice(0, cut));
    };
    return { read, rest: () => tail };
  };
  const outLines = lineReader((c) => (out += c));
  const errLines = lineReader((c) => (err += c));
  child.stdout?.setEncoding('utf8').on('data', outLines.read);
  child.stderr?.setEncoding('utf8').on('data', errLines.read);
  const done = new Promise<Finished>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      feed(`${outLines.rest()}\n${errLines.rest()}`);
      for (const w of watchers.splice(0)) w.resolve(undefined);
      resolveDone({ code, signal, stdout: out, stderr: err });
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    waitForLine: (test) => new Promise((r) => watchers.push({ test, resolve: r })),
    done,
  };
};

/** Run `saddle` to its end. */
export const runSaddle = (
  cli: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<Finished> => spawnSaddle(cli, args, options).done;

/** The iteration of a progress line (`12/40  epoch 0 ...`), if it is one. */
export const progressStep = (line: string): number | undefined => {
  const m = /^(\d+)\/\d+\s+epoch/.exec(line);
  return m === null ? undefined : Number(m[1]);
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * SIGKILL `running` `delayMs` after a line matching `test` appears. Resolves with whether the kill
 * landed (false: the process ended first).
 */
export const killAfter = async (
  running: Running,
  test: (line: string) => boolean,
  delayMs: number,
): Promise<boolean> => {
  const line = await running.waitForLine(test);
  if (line === undefined) return false;
  await sleep(delayMs);
  const killed = running.child.kill('SIGKILL');
  const end = await running.done;
  return killed && end.signal === 'SIGKILL';
};

/** `metrics.jsonl` without its wall-clock field: what two runs of the same seed must share. */
export const metricsLines = (dir: string): string[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });

/** The iterations logged in `metrics.jsonl`, in file order. */
export const loggedIterations = (dir: string): number[] =>
  metricsLines(dir).map((l) => (JSON.parse(l) as { iteration: number }).iteration);

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * What must be identical between an interrupted-and-resumed run and an uninterrupted one: the
 * newest checkpoint's weights and the exported nets' weights (by hash).
 */
export const weightsOf = (dir: string): Record<string, string> => {
  const ckpt = join(dir, 'checkpoint');
  const newest = readdirSync(ckpt)
    .filter((f) => /^checkpoint-\d+\.bin$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(b)?.[0]) - Number(/\d+/.exec(a)?.[0]))[0];
  const out: Record<string, string> = {
    checkpoint: `${newest ?? 'none'} ${newest ? sha(join(ckpt, newest)) : ''}`,
  };
  const exportDir = join(dir, 'export');
  if (existsSync(exportDir)) {
    for (const net of readdirSync(exportDir).sort()) out[net] = sha(join(exportDir, net, 'weights.bin'));
  }
  return out;
};

/** No stack trace in a command's output: no `    at f (file:line)` frames. */
export const hasStackTrace = (text: string): boolean => /\n\s+at .+[:(]/.test(text);
