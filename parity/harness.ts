/**
 * The parity harness: saddle's trainer and an independent PyTorch reference (`parity/reference.py`)
 * run the same iterations of one model, and every phase loss and every updated parameter is compared
 * after each iteration.
 *
 * What is shared, and what is not. saddle exports what a reference cannot know without copying
 * saddle's random streams: the initial weights, every batch each phase reads, and every prior,
 * noise, ε and dropout-mask draw (recorded through `TrainerHooks.record`). The reference receives
 * those and the model's options — and nothing of the compiled plan: it builds each model from the
 * paper and the zoo entry's documentation (its nets, losses, schedule, optimizers), so a lowering
 * bug, a wrong loss, a phase updating the wrong nets or an optimizer off by a step shows up as a
 * mismatch instead of being replayed faithfully.
 *
 * The export is a directory: `manifest.json` (options, tensor index, draws per iteration, saddle's
 * losses) and `tensors.bin` (every tensor as little-endian float32, back to back).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import type * as tf from '@tensorflow/tfjs';
import { compile } from '../src/compile/index.js';
import { formatErrors } from '../src/dsl/codec/report.js';
import type { Dataset } from '../src/data/dataset.js';
import { getOptimizerWeights } from '../src/runtime/optimizers.js';
import { createTrainer, type Trainer } from '../src/runtime/trainer.js';
import { resolveOptions } from '../src/zoo/entry.js';
import { zoo } from '../src/zoo/index.js';
import type { ParityCase } from './cases.js';

/** Where a tensor sits in `tensors.bin`: offset and length in float32 elements. */
export interface TensorRef {
  readonly offset: number;
  readonly shape: readonly number[];
}

/** One recorded external value of one phase evaluation. */
export interface DrawRecord {
  readonly phase: string;
  readonly repeat: number;
  readonly key: string;
  readonly tensor: string;
}

/** What `reference.py` reads. */
export interface ParityManifest {
  readonly case: string;
  readonly entry: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly batchSize: number;
  readonly backend: string;
  /** The tolerance the run is judged against (the reference resolves rounding-sized ReLU kinks only for iterations above it). */
  readonly tolerance: number;
  readonly iterations: number;
  readonly tensors: Readonly<Record<string, TensorRef>>;
  /** Names of the initial tensors, `init/<param>`. */
  readonly init: readonly string[];
  /** Per iteration (0-based), the draws in the order the phases took them. */
  readonly draws: readonly (readonly DrawRecord[])[];
  /** Per iteration, saddle's loss of each phase (mean over its repeats). */
  readonly losses: readonly Readonly<Record<string, number>>[];
  /** Per iteration, `param/<iteration>/<name>` of every trainable parameter after the iteration. */
  readonly params: readonly Readonly<Record<string, string>>[];
  /**
   * Per iteration, each phase's optimizer state after the iteration: parameter name → slot
   * (`m`, `v` for Adam; `rms`, `momentum` for RMSProp; `momentum` for SGD) → tensor, plus the
   * step count. The reference starts iteration i + 1 from exactly this state (see `reference.py`).
   */
  readonly optimizers: readonly Readonly<Record<string, OptimizerExport>>[];
}

/** One optimizer's state: its step count and, per parameter, its slots. */
export interface OptimizerExport {
  readonly step: number;
  readonly slots: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The reference's verdict on one iteration. */
export interface IterationResult {
  readonly iteration: number;
  /** Phase → { saddle, reference, relativeError }. */
  readonly losses: Readonly<Record<string, { saddle: number; reference: number; relativeError: number }>>;
  /** The parameter with the largest relative error, and that error. */
  readonly worstParam: { readonly name: string; readonly relativeError: number };
  /** The parameter with the largest element-wise error (relative to its largest entry); information. */
  readonly maxElementError: { readonly name: string; readonly relativeError: number };
  /** max over the losses and the parameters of this iteration (what is judged). */
  readonly maxRelativeError: number;
  /** ReLU pre-activations within float32 rounding of 0, and how many the reference resolved the other way. */
  readonly kinks: { readonly nearZero: number; readonly resolvedOtherWay: number };
  /** The same iteration replayed from the initial weights only (no per-iteration reset): the drift. */
  readonly freeRunning: {
    readonly maxRelativeError: number;
    readonly worstParam: { readonly name: string; readonly relativeError: number };
  };
}

/** One model's parity run. */
export interface CaseResult {
  readonly case: string;
  readonly backend: string;
  readonly iterations: readonly IterationResult[];
  readonly maxRelativeError: number;
  readonly tolerance: number;
  readonly pass: boolean;
}

/**
 * How errors are measured (the reference computes them in float64): a loss's error is
 * `|saddle − reference| / max(|reference|, 1)` — relative for the nats-sized losses, absolute for
 * game values that hover around 0, where a relative error means nothing; a parameter's error is
 * `max |saddle − reference| / max |reference|` over the tensor (relative to its scale, so one
 * near-zero entry does not dominate).
 */
export const TOLERANCE: Readonly<Record<string, number>> = { cpu: 1e-4, native: 1e-3, wasm: 1e-3 };

const here = dirname(fileURLToPath(import.meta.url));
/** The reference script; found beside this file's source, also when run from `dist/parity`. */
export const referenceScript = (): string => {
  const candidates = [join(here, 'reference.py'), join(here, '..', '..', 'parity', 'reference.py')];
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
};

/** A Python 3 with PyTorch, or why there is none. */
export type TorchPython =
  | { readonly ok: true; readonly python: string; readonly torch: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Find a Python with `torch` importable: `$SADDLE_PYTHON`, then `/usr/bin/python3` (Debian's
 * `python3-torch` installs there), then `python3` on PATH (which may be a pyenv or venv without it).
 */
export const findTorchPython = (): TorchPython => {
  const candidates = [process.env['SADDLE_PYTHON'], '/usr/bin/python3', 'python3'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return { ok: true, python, torch: probe.stdout.trim() };
  }
  return {
    ok: false,
    reason: `no Python 3 with PyTorch found (tried ${candidates.join(', ')}); install it with \`apt-get install python3-torch\``,
  };
};

/** The options a case trains with: the entry's defaults, the case's overrides, narrowed unless `full`. */
export const caseOptions = (c: ParityCase, full: boolean): Record<string, unknown> => {
  const entry = zoo[c.entry];
  if (entry === undefined) throw new Error(`parity: no zoo entry '${c.entry}'`);
  const sets = Object.entries({ ...c.options, ...(full ? {} : c.narrow) }).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  const resolved = resolveOptions(entry, sets);
  if (E.isLeft(resolved)) throw new Error(`parity case '${c.name}': ${formatErrors(resolved.left)}`);
  return resolved.right as Record<string, unknown>;
};

/** Appends float32 tensors to one file and remembers where each went. */
const tensorWriter = (path: string) => {
  const fd = openSync(path, 'w');
  let offset = 0;
  const tensors: Record<string, TensorRef> = {};
  return {
    tensors,
    write(name: string, values: Float32Array, shape: readonly number[]): string {
      if (tensors[name] !== undefined) throw new Error(`parity: tensor '${name}' written twice`);
      tensors[name] = { offset, shape: [...shape] };
      writeSync(fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      offset += values.length;
      return name;
    },
    close: () => closeSync(fd),
  };
};

/** A tensor's values as a fresh Float32Array. */
const asFloat32 = (t: tf.Tensor): Float32Array => {
  const data = t.dataSync();
  return data instanceof Float32Array
    ? Float32Array.from(data)
    : Float32Array.from(data as ArrayLike<number>);
};

/**
 * Write every variable of a fresh trainer as `init/<parameter name>` (the naming `reference.py` and
 * the twin `scripts/recipes/aae2d.py` read); returns the tensor names.
 */
const writeInitialWeights = (writer: ReturnType<typeof tensorWriter>, trainer: Trainer): string[] =>
  [...trainer.variables].map(([name, v]) => writer.write(`init/${name}`, asFloat32(v), v.shape));

/**
 * A trainer's initial weights alone, as a parity export in `dir` (`tensors.bin` and `manifest.json`
 * with `tensors` and the `extra` fields): what the twin's `--init` loads.
 */
export const exportInitialWeights = (
  dir: string,
  trainer: Trainer,
  extra: Record<string, unknown> = {},
): void => {
  mkdirSync(dir, { recursive: true });
  const writer = tensorWriter(join(dir, 'tensors.bin'));
  try {
    writeInitialWeights(writer, trainer);
  } finally {
    writer.close();
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...extra, tensors: writer.tensors }));
};

/**
 * Train one case for `iterations` steps on the current tfjs backend and export everything the
 * reference needs to `dir`. Returns the manifest (also written as `dir/manifest.json`).
 */
export const exportCase = async (
  c: ParityCase,
  options: {
    readonly data: Dataset;
    readonly iterations: number;
    readonly backend: string;
    readonly full: boolean;
    readonly seed: number;
    readonly dir: string;
  },
): Promise<ParityManifest> => {
  const entry = zoo[c.entry];
  if (entry === undefined) throw new Error(`parity: no zoo entry '${c.entry}'`);
  const modelOptions = caseOptions(c, options.full);
  const plan = compile(entry.build(modelOptions));
  if (E.isLeft(plan))
    throw new Error(`parity case '${c.name}' does not compile:\n${formatErrors(plan.left)}`);
  const batchSize = options.full ? entry.batchSize : (c.narrowBatch ?? entry.batchSize);

  const writer = tensorWriter(join(options.dir, 'tensors.bin'));
  const draws: DrawRecord[][] = [];
  let current: DrawRecord[] = [];
  let counter = 0;
  const trainer = createTrainer(
    { plan: plan.right, data: options.data, batchSize, seed: options.seed },
    undefined,
    {
      record: ({ phase, repeat }, key, value) => {
        const name = writer.write(`draw/${draws.length}/${counter++}`, asFloat32(value), value.shape);
        current.push({ phase, repeat, key, tensor: name });
      },
    },
  );
  try {
    const trainable = plan.right.nets.flatMap((n) => n.params.filter((p) => p.trainable).map((p) => p.name));
    const init = writeInitialWeights(writer, trainer);
    const losses: Record<string, number>[] = [];
    const params: Record<string, string>[] = [];
    const optimizers: Record<string, OptimizerExport>[] = [];
    // tfjs names optimizer slots `<variable name>/<slot>`; variable names carry a per-trainer prefix.
    const paramOf = new Map([...trainer.variables].map(([name, v]) => [v.name, name]));
    for (let i = 0; i < options.iterations; i++) {
      current = [];
      counter = 0;
      trainer.step();
      draws.push(current);
      const [record] = await trainer.readLosses();
      losses.push({ ...(record?.losses ?? {}) });
      const snapshot: Record<string, string> = {};
      for (const name of trainable) {
        const v = trainer.variables.get(name);
        if (v !== undefined) snapshot[name] = writer.write(`param/${i}/${name}`, asFloat32(v), v.shape);
      }
      params.push(snapshot);
      const states: Record<string, OptimizerExport> = {};
      for (const [phase, optimizer] of trainer.optimizers) {
        const slots: Record<string, Record<string, string>> = {};
        let step = 0;
        for (const w of await getOptimizerWeights(optimizer)) {
          if (w.name === 'iter') step = (await w.tensor.data())[0] ?? 0;
          const cut = w.name.lastIndexOf('/');
          const param = paramOf.get(w.name.slice(0, cut));
          if (param === undefined) continue;
          const slot = w.name.slice(cut + 1);
          (slots[param] ??= {})[slot] = writer.write(
            `opt/${i}/${phase}/${param}/${slot}`,
            asFloat32(w.tensor),
            w.tensor.shape,
          );
        }
        states[phase] = { step, slots };
      }
      optimizers.push(states);
    }
    const manifest: ParityManifest = {
      case: c.name,
      entry: c.entry,
      options: modelOptions,
      batchSize,
      backend: options.backend,
      tolerance: TOLERANCE[options.backend] ?? 1e-3,
      iterations: options.iterations,
      tensors: writer.tensors,
      init,
      draws,
      losses,
      params,
      optimizers,
    };
    writeFileSync(join(options.dir, 'manifest.json'), JSON.stringify(manifest));
    return manifest;
  } finally {
    writer.close();
    trainer.dispose();
  }
};

/** Raised when the reference itself fails (a crash, a shape it refuses): never a silent pass. */
export class ReferenceError extends Error {
  override readonly name = 'ParityReferenceError';
}

/** Run `reference.py` on an export directory and parse its per-iteration verdict. */
export const runReference = (python: string, dir: string): IterationResult[] => {
  const run = spawnSync(python, [referenceScript(), dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    throw new ReferenceError(`reference.py failed on ${dir} (exit ${run.status}):\n${run.stderr.trim()}`);
  }
  try {
    return JSON.parse(run.stdout) as IterationResult[];
  } catch {
    throw new ReferenceError(
      `reference.py printed something that is not JSON:\n${run.stdout.slice(0, 2000)}`,
    );
  }
};

/**
 * One case end to end: export on the current backend, run the reference, judge against the
 * backend's tolerance. The export directory is removed afterwards unless `keep` is set.
 */
export const runCase = async (
  c: ParityCase,
  options: {
    readonly python: string;
    readonly data: Dataset;
    readonly iterations: number;
    readonly backend: string;
    readonly full?: boolean;
    readonly seed?: number;
    readonly keep?: boolean;
  },
): Promise<CaseResult> => {
  const dir = mkdtempSync(join(tmpdir(), `saddle-parity-${c.name.replace(/\W/g, '-')}-`));
  try {
    await exportCase(c, {
      data: options.data,
      iterations: options.iterations,
      backend: options.backend,
      full: options.full ?? false,
      seed: options.seed ?? 1,
      dir,
    });
    const iterations = runReference(options.python, dir);
    const maxRelativeError = Math.max(...iterations.map((i) => i.maxRelativeError));
    const tolerance = TOLERANCE[options.backend] ?? 1e-3;
    return {
      case: c.name,
      backend: options.backend,
      iterations,
      maxRelativeError,
      tolerance,
      pass: iterations.length === options.iterations && maxRelativeError <= tolerance,
    };
  } finally {
    if (options.keep !== true) rmSync(dir, { recursive: true, force: true });
  }
};
