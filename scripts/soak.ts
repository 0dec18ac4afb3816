/**
 * Memory soak: train every zoo entry (or `--models a,b`) for `--steps` iterations (default 2,000)
 * on MNIST with a checkpoint every 100 steps, sample the live tensor count and the resident set size
 * every 100 steps, and report each one's slope per 1,000 steps after a warm-up quarter. A leak of
 * one tensor per step or per checkpoint shows as a positive tensor slope; the tensor count must be
 * flat (slope 0), and RSS growth above `--max-rss-mb` MB per 1,000 steps (default 8) fails too.
 *
 *     npm run soak                                   # every entry, 2,000 steps, best backend
 *     npm run soak -- --models aae --steps 500 --backend wasm
 *
 * Not part of `npm test`: it takes minutes per entry on a CPU.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from '../src/compile/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { selectBackend, type BackendChoice } from '../src/runtime/backend/index.js';
import { runTraining } from '../src/runtime/run.js';
import { createTrainer } from '../src/runtime/trainer.js';
import { entries } from '../src/zoo/index.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    models: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    'max-rss-mb': { type: 'string', default: '8' },
  },
});
const steps = Number(values.steps);
const maxRss = Number(values['max-rss-mb']);
const chosen =
  values.models === undefined ? entries : entries.filter((e) => values.models?.split(',').includes(e.id));
if (chosen.length === 0)
  throw new Error(`--models names no zoo entry (entries: ${entries.map((e) => e.id).join(', ')})`);

/** Least-squares slope of y over x. */
const slope = (xs: readonly number[], ys: readonly number[]): number => {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * ((ys[i] ?? 0) - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
};

const backend = await selectBackend(values.backend as BackendChoice);
console.log(`${backend.banner}; ${steps} steps per entry, checkpoint and sample every 100`);
const { train } = await loadMnist();
let failed = false;
for (const entry of chosen) {
  const plan = compile(entry.build(entry.defaults));
  if (E.isLeft(plan)) throw new Error(`${entry.id} does not compile`);
  const outDir = mkdtempSync(join(tmpdir(), `saddle-soak-${entry.id}-`));
  const trainer = createTrainer({ plan: plan.right, data: train, batchSize: entry.batchSize, seed: 0 });
  const at: number[] = [];
  const tensors: number[] = [];
  const rss: number[] = [];
  const started = Date.now();
  await runTraining({
    trainer,
    totalSteps: steps,
    every: 100,
    checkpointEvery: 100,
    outDir,
    onLog: (r) => {
      at.push(r.iteration);
      tensors.push(tf.memory().numTensors);
      rss.push(process.memoryUsage().rss / 2 ** 20);
    },
  });
  trainer.dispose();
  rmSync(outDir, { recursive: true, force: true });
  const from = Math.floor(at.length / 4);
  const x = at.slice(from);
  const tensorSlope = 1000 * slope(x, tensors.slice(from));
  const rssSlope = 1000 * slope(x, rss.slice(from));
  const ok = Math.abs(tensorSlope) < 1e-9 && rssSlope <= maxRss;
  failed ||= !ok;
  console.log(
    `${ok ? 'flat' : 'GROWS'}  ${entry.id.padEnd(20)} tensors ${tensors[from]} → ${tensors.at(-1)} (slope ${tensorSlope.toFixed(2)} / 1000 steps), ` +
      `RSS ${rss[from]?.toFixed(0)} → ${rss.at(-1)?.toFixed(0)} MB (slope ${rssSlope.toFixed(2)} MB / 1000 steps), ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  // The samples themselves: a slope from a noisy series is a place to look, not a verdict.
  console.log(`      RSS MB every 100 steps: ${rss.map((r) => r.toFixed(0)).join(' ')}`);
}
process.exitCode = failed ? 1 : 0;
