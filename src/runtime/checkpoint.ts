/**
 * Checkpoints: everything needed to continue a run exactly, written so that a crash at any moment
 * leaves the previous checkpoint intact.
 *
 * Layout of a checkpoint directory:
 * - `checkpoint-<iteration>.bin`: every tensor (parameters, batch-norm statistics, each phase's
 *   optimizer state) as float32, concatenated;
 * - `checkpoint.json`: the manifest — config fingerprint, the trainer's progress (iteration, RNG and
 *   stream states) and, per tensor, its name, shape and offset in the binary file.
 *
 * Atomicity: the binary is written under its own new name, then the manifest is written to a
 * temporary file, fsync'ed and renamed over `checkpoint.json` — the single commit point. Binaries no
 * longer named by the manifest are removed only after that rename. A reader therefore always sees a
 * complete old checkpoint or a complete new one.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { getOptimizerWeights, setOptimizerWeights, type NamedTensor } from './optimizers.js';
import { createTrainer, type Trainer, type TrainerConfig, type TrainerProgress } from './trainer.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export const CHECKPOINT_FORMAT = 'saddle-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = 'checkpoint.json';

/**
 * Where one tensor lives in the binary file (offsets and lengths in float32 elements).
 *
 * @example
 * const manifest = readManifest('runs/aae/checkpoint');
 * for (const v of manifest.variables) console.log(v.name, v.shape);   // encoder/0/kernel [784, 1000] ...
 */
export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

/**
 * The JSON half of a checkpoint (`checkpoint.json`): which model, seed and batch size it belongs to,
 * the run's progress (iteration, generator and stream states), and where every variable and optimizer
 * slot lies in the binary weights file. Checked on restore, so a checkpoint is never loaded into the
 * wrong run.
 *
 * @example
 * const manifest: CheckpointManifest = readManifest('runs/aae/checkpoint');
 * console.log(`${manifest.model} at iteration ${manifest.progress.iteration}, seed ${manifest.seed}`);
 */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: typeof CHECKPOINT_VERSION;
  readonly model: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly weightsFile: string;
  readonly progress: TrainerProgress;
  readonly variables: readonly TensorEntry[];
  /** Per phase name, its optimizer's state in `getOptimizerWeights` order. */
  readonly optimizers: Readonly<Record<string, readonly TensorEntry[]>>;
}

/**
 * A checkpoint that cannot be written or does not fit the run (the message names the file).
 *
 * @example
 * try { await restoreTrainer('runs/aae/checkpoint', { ...config, seed: 2 }); }
 * catch (e) { if (e instanceof CheckpointError) console.error(e.message); }   // names the file and the mismatch
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

// -------------------------------------------------------------------------------------------------
// writing
// -------------------------------------------------------------------------------------------------

/** Write `data` to `path` durably: a temporary file in the same directory, fsync, rename. */
const writeAtomically = (path: string, data: Uint8Array | string): void => {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
};

/** Make a directory's entries (the renames just done) durable; not every platform allows it. */
const syncDirectory = (dir: string): void => {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directories cannot be opened for fsync on some platforms (Windows); the renames still happened.
  }
};

/**
 * Save the trainer's complete state to `dir` (created if missing), replacing any previous
 * checkpoint there atomically. Refuses while losses are unread: a checkpoint is only written once
 * every loss since the previous one is known to be finite, so the last checkpoint is always good.
 *
 * @example
 * await trainer.readLosses();                        // a checkpoint needs every loss read (and finite)
 * await saveCheckpoint('runs/aae/checkpoint', trainer);
 */
export const saveCheckpoint = async (dir: string, trainer: Trainer): Promise<CheckpointManifest> => {
  if (trainer.pendingLosses > 0) {
    throw new CheckpointError(
      `saveCheckpoint: ${trainer.pendingLosses} iterations' losses are unread; read them (trainer.readLosses()) first so a non-finite loss never reaches a checkpoint`,
    );
  }
  const named: NamedTensor[] = [];
  const variables: TensorEntry[] = [];
  const optimizers: Record<string, TensorEntry[]> = {};
  let offset = 0;
  const entry = (name: string, tensor: tf.Tensor): TensorEntry => {
    const e = { name, shape: [...tensor.shape], offset, length: tensor.size };
    offset += tensor.size;
    named.push({ name, tensor });
    return e;
  };
  for (const [name, v] of trainer.variables) variables.push(entry(name, v));
  for (const [phase, optimizer] of trainer.optimizers) {
    optimizers[phase] = (await getOptimizerWeights(optimizer)).map((w) =>
      entry(`${phase}:${w.name}`, w.tensor),
    );
  }
  const buffer = new Float32Array(offset);
  const datas = await Promise.all(named.map((n) => n.tensor.data()));
  let at = 0;
  datas.forEach((d, i) => {
    buffer.set(d, at);
    at += named[i]?.tensor.size ?? 0;
  });
  // getWeights hands out the optimizers' own variables, plus a fresh tensor for the iteration count.
  tf.dispose(named.filter((n) => !(n.tensor instanceof tf.Variable)).map((n) => n.tensor));

  const progress = trainer.progress();
  const weightsFile = `checkpoint-${progress.iteration}.bin`;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: trainer.plan.model,
    seed: trainer.config.seed,
    batchSize: trainer.config.batchSize,
    weightsFile,
    progress,
    variables,
    optimizers,
  };
  mkdirSync(dir, { recursive: true });
  writeAtomically(
    join(dir, weightsFile),
    new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
  );
  writeAtomically(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  syncDirectory(dir);
  for (const f of readdirSync(dir)) {
    if (/^checkpoint-\d+\.bin$/.test(f) && f !== weightsFile) rmSync(join(dir, f), { force: true });
  }
  return manifest;
};

// -------------------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------------------

/**
 * Whether `dir` holds a checkpoint.
 *
 * @example
 * if (hasCheckpoint('runs/aae/checkpoint')) console.log('resuming');
 */
export const hasCheckpoint = (dir: string): boolean => existsSync(join(dir, MANIFEST_FILE));

/**
 * Read and check a manifest; every problem names the file.
 *
 * @example
 * const { progress } = readManifest('runs/aae/checkpoint');
 * console.log(`saved at iteration ${progress.iteration}`);
 */
export const readManifest = (dir: string): CheckpointManifest => {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new CheckpointError(`no checkpoint in ${dir} (${MANIFEST_FILE} is missing)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const m = raw as Partial<CheckpointManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${path} is not a saddle checkpoint (format should be '${CHECKPOINT_FORMAT}')`);
  }
  if (m.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${path} has version ${String(m.version)}; this saddle reads version ${CHECKPOINT_VERSION}`,
    );
  }
  if (
    typeof m.weightsFile !== 'string' ||
    !Array.isArray(m.variables) ||
    typeof m.optimizers !== 'object' ||
    typeof m.progress !== 'object'
  ) {
    throw new CheckpointError(
      `${path} is incomplete (weightsFile, variables, optimizers and progress are required)`,
    );
  }
  return m as CheckpointManifest;
};

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * A trainer for `config` continuing the run saved in `dir`: parameters, optimizer states,
 * iteration, RNG and stream positions. Its next `step()` computes exactly what the saved run's next
 * step would have. Throws `CheckpointError` when the checkpoint belongs to another model, seed or
 * batch size, or its files are damaged.
 *
 * @example
 * const trainer = await restoreTrainer('runs/aae/checkpoint', { plan, data: train, batchSize: 100, seed: 1 });
 * trainer.step();   // exactly the step the saved run would have taken next
 */
export const restoreTrainer = async (dir: string, config: TrainerConfig): Promise<Trainer> => {
  const manifest = readManifest(dir);
  const path = join(dir, MANIFEST_FILE);
  if (manifest.model !== config.plan.model) {
    throw new CheckpointError(
      `${path} is a checkpoint of model '${manifest.model}', not '${config.plan.model}'`,
    );
  }
  if (manifest.seed !== config.seed || manifest.batchSize !== config.batchSize) {
    throw new CheckpointError(
      `${path} was written with seed ${manifest.seed} and batch size ${manifest.batchSize}; this run has seed ${config.seed} and batch size ${config.batchSize}`,
    );
  }
  const binPath = join(dir, manifest.weightsFile);
  if (!existsSync(binPath)) throw new CheckpointError(`${binPath} (named by ${path}) is missing`);
  const bytes = readFileSync(binPath);
  const total = [...manifest.variables, ...Object.values(manifest.optimizers).flat()].reduce(
    (a, e) => a + e.length,
    0,
  );
  if (bytes.byteLength !== total * 4) {
    throw new CheckpointError(`${binPath} holds ${bytes.byteLength} bytes; ${path} describes ${total * 4}`);
  }
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensorOf = (e: TensorEntry): tf.Tensor =>
    tf.tensor(floats.subarray(e.offset, e.offset + e.length), [...e.shape], 'float32');

  const trainer = createTrainer(config, manifest.progress);
  try {
    const saved = new Set(manifest.variables.map((e) => e.name));
    for (const name of trainer.variables.keys()) {
      if (!saved.has(name)) throw new CheckpointError(`${path} has no value for parameter '${name}'`);
    }
    for (const e of manifest.variables) {
      const v = trainer.variables.get(e.name);
      if (v === undefined)
        throw new CheckpointError(
          `${path} holds parameter '${e.name}', which model '${config.plan.model}' does not have`,
        );
      if (shapeText(v.shape) !== shapeText(e.shape)) {
        throw new CheckpointError(
          `${path}: parameter '${e.name}' has shape ${shapeText(e.shape)}, the model expects ${shapeText(v.shape)}`,
        );
      }
      const t = tensorOf(e);
      v.assign(t);
      t.dispose();
    }
    for (const [phase, optimizer] of trainer.optimizers) {
      const entries = manifest.optimizers[phase];
      if (entries === undefined)
        throw new CheckpointError(`${path} has no optimizer state for phase '${phase}'`);
      const weights = entries.map((e) => ({ name: e.name.slice(phase.length + 1), tensor: tensorOf(e) }));
      await setOptimizerWeights(optimizer, weights);
      tf.dispose(weights.map((w) => w.tensor));
    }
  } catch (e) {
    trainer.dispose();
    throw e;
  }
  return trainer;
};
