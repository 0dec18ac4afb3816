/**
 * `npm run bench`: training throughput of saddle models against hand-written tfjs loops doing the
 * same updates, on every backend configuration this machine has.
 *
 * For each backend (node-gpu, node, native, wasm, cpu — whichever can be had) and each model (the
 * paper AAE; an MMD-AE of the same size), both implementations train in the same process on the
 * same synthetic MNIST-shaped data, batch 100: warm-up iterations, then several timed runs
 * alternating saddle / hand-written (so load changes hit both alike); each run ends by reading the
 * losses back, so all queued work is inside the timing. Reported: the median ms per iteration,
 * the median process CPU time per iteration (all threads; what a busy shared machine distorts least),
 * samples per second, and saddle ÷ hand-written (wall clock). The hand-written loops get the optimizer saddle
 * would pick (the native one when the kernel pack is active), so the ratio measures the DSL's cost
 * and nothing else.
 *
 * Options: `--json` (one JSON object per line), `--models=aae,mmd-ae`,
 * `--backends=native,wasm,cpu`, `--runs=N`, `--steps=N` (iterations per timed run),
 * `--warmup=N`. cpu defaults to fewer iterations (it is ~100× slower). Each backend runs in a child
 * process of its own.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import * as tf from '@tensorflow/tfjs';
import { compile } from '../src/compile/index.js';
import type { Optimizer } from '../src/dsl/ast.js';
import { createDataset } from '../src/data/dataset.js';
import type { Dataset } from '../src/data/dataset.js';
import type { BackendInfo, BackendName } from '../src/runtime/backend/index.js';
import { BackendUnavailableError, nativeOptimizer, selectBackend } from '../src/runtime/backend/index.js';
import { createTrainer } from '../src/runtime/trainer.js';
import { aae, mmdAe, resolveOptions } from '../src/zoo/index.js';
import type { ZooEntry } from '../src/zoo/index.js';
import { handwrittenAae } from './handwritten/aae.js';
import type { HandwrittenModel, OptimizerFactory } from './handwritten/model.js';
import { handwrittenMmdAe } from './handwritten/mmd-ae.js';

const BATCH = 100;
const SEED = 1;

interface BenchModel {
  readonly id: string;
  readonly entry: ZooEntry<Record<string, unknown>>;
  readonly sets: readonly string[];
  readonly handwritten: (makeOptimizer: OptimizerFactory, seed: number) => HandwrittenModel;
}

const MODELS: readonly BenchModel[] = [
  {
    id: 'aae',
    entry: aae as unknown as ZooEntry<Record<string, unknown>>,
    sets: [],
    handwritten: handwrittenAae,
  },
  {
    id: 'mmd-ae',
    entry: mmdAe as unknown as ZooEntry<Record<string, unknown>>,
    sets: ['latent=8', 'hidden=[1000,1000]', 'inputDropout=0'],
    handwritten: handwrittenMmdAe,
  },
];

const BACKENDS: readonly BackendName[] = ['node-gpu', 'node', 'native', 'wasm', 'cpu'];

interface Options {
  readonly json: boolean;
  readonly models: readonly string[];
  readonly backends: readonly BackendName[];
  readonly runs: number;
  readonly steps?: number;
  readonly warmup?: number;
  /** Internal: this process benchmarks one backend for a parent bench process. */
  readonly child: boolean;
}

const parseArgs = (argv: readonly string[]): Options => {
  const value = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const count = (name: string): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
    return n;
  };
  const list = (name: string, all: readonly string[]): string[] => {
    const raw = value(name);
    if (raw === undefined) return [...all];
    const picked = raw.split(',').filter((s) => s.length > 0);
    const unknown = picked.filter((p) => !all.includes(p));
    if (unknown.length > 0)
      throw new Error(`--${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
    return picked;
  };
  const known = ['json', 'models', 'backends', 'runs', 'steps', 'warmup', 'child'];
  const bad = argv.filter((a) => !known.some((k) => a === `--${k}` || a.startsWith(`--${k}=`)));
  if (bad.length > 0)
    throw new Error(`unknown argument ${bad.join(' ')} (known: ${known.map((k) => `--${k}`).join(' ')})`);
  const steps = count('steps');
  const warmup = count('warmup');
  return {
    json: argv.includes('--json'),
    child: argv.includes('--child'),
    models: list(
      'models',
      MODELS.map((m) => m.id),
    ),
    backends: list('backends', BACKENDS) as BackendName[],
    runs: count('runs') ?? 5,
    ...(steps !== undefined ? { steps } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
  };
};

/** MNIST-shaped random data (pixels in [0, 1)); throughput does not depend on the values. */
const syntheticMnist = (): Dataset => {
  const size = 1000;
  let s = 12345;
  const x = new Float32Array(size * 784).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
  return createDataset({ name: 'bench-random', x, shape: [784], labels: new Int32Array(size), classes: 10 });
};

/** What the hand-written loops use: saddle's native optimizer when active, else tf.train's own. */
const handwrittenOptimizer: OptimizerFactory = (spec: Optimizer) => {
  const native = nativeOptimizer(spec);
  if (native !== undefined) return native;
  if (spec.kind !== 'adam') throw new Error(`bench: hand-written loops use Adam, got ${spec.kind}`);
  return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
};

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** A timed thing: `run(n)` performs n iterations and resolves when their results are read back. */
interface Runner {
  run(iterations: number): Promise<void>;
  dispose(): void;
}

const saddleRunner = (model: BenchModel, data: Dataset): Runner => {
  const options = resolveOptions(model.entry, model.sets);
  if (E.isLeft(options))
    throw new Error(`bench: bad options for ${model.id}: ${JSON.stringify(options.left)}`);
  const plan = compile(model.entry.build(options.right));
  if (E.isLeft(plan)) throw new Error(`bench: ${model.id} does not compile: ${JSON.stringify(plan.left)}`);
  const trainer = createTrainer({ plan: plan.right, data, batchSize: BATCH, seed: SEED });
  return {
    run: async (iterations) => {
      for (let i = 0; i < iterations; i++) trainer.step();
      await trainer.readLosses();
    },
    dispose: () => trainer.dispose(),
  };
};

const handwrittenRunner = (model: BenchModel, data: Dataset): Runner => {
  const hw = model.handwritten(handwrittenOptimizer, SEED);
  let next = 0;
  const batch = (): tf.Tensor2D => {
    if (next + BATCH > data.size) next = 0;
    const x = tf.tensor2d(data.x.subarray(next * 784, (next + BATCH) * 784), [BATCH, 784]);
    next += BATCH;
    return x;
  };
  return {
    run: async (iterations) => {
      const losses: tf.Scalar[] = [];
      for (let i = 0; i < iterations; i++) {
        const x = batch();
        losses.push(...hw.step(x));
        x.dispose();
      }
      await Promise.all(losses.map((l) => l.data()));
      tf.dispose(losses);
    },
    dispose: () => hw.dispose(),
  };
};

/** Wall-clock and process-CPU milliseconds per iteration (CPU time is what load on a shared box inflates least). */
const time = async (runner: Runner, iterations: number): Promise<{ wall: number; cpu: number }> => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await runner.run(iterations);
  const used = process.cpuUsage(cpu);
  return {
    wall: (performance.now() - start) / iterations,
    cpu: (used.user + used.system) / 1000 / iterations,
  };
};

interface Row {
  readonly model: string;
  readonly backend: BackendName;
  readonly impl: 'saddle' | 'handwritten';
  readonly batchSize: number;
  readonly msPerStep: number;
  readonly samplesPerSec: number;
  readonly runsMs: readonly number[];
  /** Median process CPU time per iteration (all threads), ms. */
  readonly cpuMsPerStep: number;
  readonly stepsPerRun: number;
  readonly ratio?: number;
  readonly tfjsVersion: string;
  readonly tfjsBackend: string;
  readonly wasmThreads?: number;
  readonly blas?: string;
  readonly blasThreads?: number;
  readonly cores: number;
  readonly loadAvg: readonly number[];
}

const fmt = (x: number, digits = 1): string => x.toFixed(digits);

const benchModel = async (
  model: BenchModel,
  info: BackendInfo,
  options: Options,
  data: Dataset,
  log: (line: string) => void,
): Promise<Row[]> => {
  const slow = info.name === 'cpu';
  const steps = options.steps ?? (slow ? 1 : 5);
  const warmup = options.warmup ?? (slow ? 1 : 3);
  const runs = slow ? Math.min(options.runs, 3) : options.runs;
  const runners = { saddle: saddleRunner(model, data), handwritten: handwrittenRunner(model, data) } as const;
  const loadBefore = os.loadavg();
  try {
    await runners.saddle.run(warmup);
    await runners.handwritten.run(warmup);
    const times: Record<'saddle' | 'handwritten', number[]> = { saddle: [], handwritten: [] };
    const cpuTimes: Record<'saddle' | 'handwritten', number[]> = { saddle: [], handwritten: [] };
    for (let r = 0; r < runs; r++) {
      // Alternate which goes first, so drifting load does not favour one side.
      const order = r % 2 === 0 ? (['saddle', 'handwritten'] as const) : (['handwritten', 'saddle'] as const);
      for (const impl of order) {
        const t = await time(runners[impl], steps);
        times[impl].push(t.wall);
        cpuTimes[impl].push(t.cpu);
      }
    }
    const loadAvg = os.loadavg().map((l, i) => Math.max(l, loadBefore[i] ?? 0));
    const saddleMs = median(times.saddle);
    const handMs = median(times.handwritten);
    const base = {
      model: model.id,
      backend: info.name,
      batchSize: BATCH,
      stepsPerRun: steps,
      tfjsVersion: info.details.tfjsVersion,
      tfjsBackend: info.tfjsBackend,
      ...(info.details.wasmThreads !== undefined ? { wasmThreads: info.details.wasmThreads } : {}),
      ...(info.details.blas !== undefined ? { blas: info.details.blas } : {}),
      ...(info.details.blasThreads !== undefined ? { blasThreads: info.details.blasThreads } : {}),
      cores: os.cpus().length,
      loadAvg: loadAvg.map((l) => Math.round(l * 100) / 100),
    };
    const rows: Row[] = [
      {
        ...base,
        impl: 'saddle',
        msPerStep: saddleMs,
        samplesPerSec: (1000 * BATCH) / saddleMs,
        runsMs: times.saddle,
        cpuMsPerStep: median(cpuTimes.saddle),
        ratio: saddleMs / handMs,
      },
      {
        ...base,
        impl: 'handwritten',
        msPerStep: handMs,
        samplesPerSec: (1000 * BATCH) / handMs,
        runsMs: times.handwritten,
        cpuMsPerStep: median(cpuTimes.handwritten),
      },
    ];
    for (const row of rows) {
      log(
        `${row.model.padEnd(7)} ${row.backend.padEnd(8)} ${row.impl.padEnd(11)} ${String(BATCH).padStart(5)} ` +
          `${fmt(row.msPerStep).padStart(9)} ${fmt(row.cpuMsPerStep).padStart(9)} ${fmt(row.samplesPerSec, 0).padStart(10)} ` +
          `${row.ratio === undefined ? '' : fmt(row.ratio, 3).padStart(6)}`,
      );
    }
    return rows;
  } finally {
    runners.saddle.dispose();
    runners.handwritten.dispose();
  }
};

/** One backend configuration, in this process (the `--child` side). */
const benchBackend = async (backend: BackendName, options: Options): Promise<void> => {
  const out = (line: string): void => {
    if (!options.json) console.log(line);
  };
  let info: BackendInfo;
  try {
    info = await selectBackend(backend);
  } catch (error) {
    if (error instanceof BackendUnavailableError) {
      out(`- ${error.message}`);
      return;
    }
    throw error;
  }
  out('');
  out(info.banner);
  info.warnings.forEach((w) => out(`  ${w}`));
  out('model   backend  impl        batch  ms/step    cpu ms  samples/s  saddle/handwritten');
  const data = syntheticMnist();
  for (const model of MODELS.filter((m) => options.models.includes(m.id))) {
    const rows = await benchModel(model, info, options, data, out);
    if (options.json) rows.forEach((row) => console.log(JSON.stringify(row)));
  }
};

/** Run `args` as a child of this script and wait for it (output streams straight through). */
const child = (args: readonly string[]): Promise<number> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
    proc.on('error', reject);
    proc.on('exit', (code) => resolve(code ?? 1));
  });

const loadText = (): string =>
  os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ');

/**
 * Each backend configuration runs in its own process: tfjs backends are process-global, and the
 * first wasm start fixes the wasm thread count (1 beside the native pack, one per core without).
 */
const main = async (): Promise<void> => {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) {
    const [backend] = options.backends;
    if (backend !== undefined) await benchBackend(backend, options);
    return;
  }
  const out = (line: string): void => {
    if (!options.json) console.log(line);
  };
  out(
    `saddle bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ` +
      `load average ${loadText()}; batch ${BATCH}; median ms per iteration`,
  );
  const passOn = process.argv.slice(2).filter((a) => !a.startsWith('--backends='));
  for (const backend of options.backends) {
    const code = await child(['--child', `--backends=${backend}`, ...passOn]);
    if (code !== 0) throw new Error(`the ${backend} benchmark exited with code ${code}`);
  }
  out('');
  out(`load average at the end: ${loadText()}`);
};

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
