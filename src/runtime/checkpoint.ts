/**
 * Checkpoints: everything needed to continue a run exactly, written so that a crash at any moment
 * leaves an earlier good checkpoint, and checked on reading so that a damaged one is reported and
 * passed over instead of being loaded.
 *
 * Layout of a checkpoint directory (the newest two checkpoints are kept, so one damaged file never
 * costs the run):
 * - `checkpoint-<iteration>.bin`: every tensor (parameters, batch-norm statistics, each phase's
 *   optimizer state) as float32, concatenated;
 * - `checkpoint-<iteration>.json`: its manifest — the run it belongs to (model, seed, batch size,
 *   data), the trainer's progress (iteration, RNG and stream states), per tensor its name, shape and
 *   offset, the binary's length and SHA-256, and the manifest's own SHA-256.
 *
 * Atomicity: each file is written durably (`durable.ts`: temporary file, fsync, rename, directory
 * fsync); the binary first, the manifest second — the manifest's rename is the commit point. Older
 * checkpoints are pruned only after that. A reader takes the newest manifest whose checksums hold
 * and reports every newer one it had to pass over.
 *
 * Checkpoints of saddle 0.1 (`checkpoint.json` naming one binary, version 1, no checksums) are
 * still read.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurably } from './durable.js';
import { getOptimizerWeights, setOptimizerWeights, type NamedTensor } from './optimizers.js';
import { createTrainer, type Trainer, type TrainerConfig, type TrainerProgress } from './trainer.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export const CHECKPOINT_FORMAT = 'saddle-checkpoint';
export const CHECKPOINT_VERSION = 2;
/** The manifest of saddle 0.1's single checkpoint (version 1). */
export const LEGACY_MANIFEST_FILE = 'checkpoint.json';
/** How many checkpoints a directory keeps: the newest, and one to fall back on. */
export const CHECKPOINTS_KEPT = 2;

const manifestName = (iteration: number): string => `checkpoint-${iteration}.json`;
const weightsName = (iteration: number): string => `checkpoint-${iteration}.bin`;
const MANIFEST_PATTERN = /^checkpoint-(\d+)\.json$/;

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
 * The JSON half of a checkpoint (`checkpoint-<iteration>.json`): which model, seed, batch size and
 * data it belongs to, the run's progress (iteration, generator and stream states), where every
 * variable and optimizer slot lies in the binary weights file, and checksums of both files. Checked
 * on restore, so a checkpoint is never loaded into the wrong run, nor loaded damaged.
 *
 * @example
 * const manifest: CheckpointManifest = readManifest('runs/aae/checkpoint');
 * console.log(`${manifest.model} at iteration ${manifest.progress.iteration}, seed ${manifest.seed}`);
 */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: 1 | typeof CHECKPOINT_VERSION;
  readonly model: string;
  readonly seed: number;
  readonly batchSize: number;
  /** The training set's name and size (absent in version 1). */
  readonly data?: { readonly name: string; readonly size: number };
  readonly weightsFile: string;
  /** SHA-256 (hex) of the weights file (absent in version 1). */
  readonly weightsSha256?: string;
  readonly progress: TrainerProgress;
  readonly variables: readonly TensorEntry[];
  /** Per phase name, its optimizer's state in `getOptimizerWeights` order. */
  readonly optimizers: Readonly<Record<string, readonly TensorEntry[]>>;
  /** SHA-256 (hex) of this manifest's JSON without this field (absent in version 1). */
  readonly sha256?: string;
}

/**
 * A checkpoint that cannot be written, is damaged, or does not fit the run (the message names the
 * file).
 *
 * @example
 * try { await restoreTrainer('runs/aae/checkpoint', { ...config, seed: 2 }); }
 * catch (e) { if (e instanceof CheckpointError) console.error(e.message); }   // names the file and the mismatch
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

// -------------------------------------------------------------------------------------------------
// a trainer's tensors as one float buffer (checkpoints, and rolling back a skipped batch)
// -------------------------------------------------------------------------------------------------

/** Every tensor of a trainer, downloaded: the layout and the values. */
export interface TrainerState {
  readonly variables: readonly TensorEntry[];
  readonly optimizers: Readonly<Record<string, readonly TensorEntry[]>>;
  readonly floats: Float32Array;
}

/** Download every parameter and optimizer slot of `trainer` into one buffer. */
export const captureState = async (trainer: Trainer): Promise<TrainerState> => {
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
  const floats = new Float32Array(offset);
  const datas = await Promise.all(named.map((n) => n.tensor.data()));
  let at = 0;
  datas.forEach((d, i) => {
    floats.set(d, at);
    at += named[i]?.tensor.size ?? 0;
  });
  // getWeights hands out the optimizers' own variables, plus a fresh tensor for the iteration count.
  tf.dispose(named.filter((n) => !(n.tensor instanceof tf.Variable)).map((n) => n.tensor));
  return { variables, optimizers, floats };
};

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Assign `state` to `trainer`'s parameters and optimizers. Every parameter must be present with
 * its shape; `where` names the source in messages.
 */
export const applyState = async (trainer: Trainer, state: TrainerState, where: string): Promise<void> => {
  const { floats } = state;
  const tensorOf = (e: TensorEntry): tf.Tensor =>
    tf.tensor(floats.subarray(e.offset, e.offset + e.length), [...e.shape], 'float32');
  const model = trainer.plan.model;
  const saved = new Set(state.variables.map((e) => e.name));
  for (const name of trainer.variables.keys()) {
    if (!saved.has(name)) throw new CheckpointError(`${where} has no value for parameter '${name}'`);
  }
  for (const e of state.variables) {
    const v = trainer.variables.get(e.name);
    if (v === undefined) {
      throw new CheckpointError(`${where} holds parameter '${e.name}', which model '${model}' does not have`);
    }
    if (shapeText(v.shape) !== shapeText(e.shape)) {
      throw new CheckpointError(
        `${where}: parameter '${e.name}' has shape ${shapeText(e.shape)}, the model expects ${shapeText(v.shape)}`,
      );
    }
    const t = tensorOf(e);
    v.assign(t);
    t.dispose();
  }
  for (const [phase, optimizer] of trainer.optimizers) {
    const entries = state.optimizers[phase];
    if (entries === undefined)
      throw new CheckpointError(`${where} has no optimizer state for phase '${phase}'`);
    const weights = entries.map((e) => ({ name: e.name.slice(phase.length + 1), tensor: tensorOf(e) }));
    await setOptimizerWeights(optimizer, weights);
    tf.dispose(weights.map((w) => w.tensor));
  }
};

// -------------------------------------------------------------------------------------------------
// writing
// -------------------------------------------------------------------------------------------------

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** The manifest's text: its JSON with a checksum of that JSON (without the checksum) appended. */
const manifestText = (body: Omit<CheckpointManifest, 'sha256'>): string => {
  const json = JSON.stringify(body);
  return `${JSON.stringify({ ...body, sha256: sha256(json) }, null, 1)}\n`;
};

/** The checkpoints in `dir` by iteration, newest first (version-1 `checkpoint.json` last). */
const manifestFiles = (dir: string): string[] => {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir);
  const numbered = files
    .map((f) => MANIFEST_PATTERN.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map((m) => m[0]);
  return files.includes(LEGACY_MANIFEST_FILE) ? [...numbered, LEGACY_MANIFEST_FILE] : numbered;
};

/** Keep the newest `CHECKPOINTS_KEPT` checkpoints; remove older ones and temporary files of killed writers. */
const prune = (dir: string): void => {
  const kept = manifestFiles(dir)
    .filter((f) => f !== LEGACY_MANIFEST_FILE)
    .slice(0, CHECKPOINTS_KEPT);
  const keep = new Set(kept.flatMap((f) => [f, f.replace(/\.json$/, '.bin')]));
  for (const f of readdirSync(dir)) {
    const ours = /^checkpoint(-\d+)?\.(json|bin)(\.tmp-\d+)?$/.test(f);
    if (ours && !keep.has(f)) rmSync(join(dir, f), { force: true });
  }
};

/**
 * Save the trainer's complete state to `dir` (created if missing) as a new checkpoint, durably, and
 * keep the newest two. Refuses while losses are unread: a checkpoint is only written once every loss
 * since the previous one is known to be finite, so the last checkpoint is always good. A failed
 * write (a full disk) leaves the earlier checkpoints as they were.
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
  const { variables, optimizers, floats } = await captureState(trainer);
  const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  const progress = trainer.progress();
  const body: Omit<CheckpointManifest, 'sha256'> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: trainer.plan.model,
    seed: trainer.config.seed,
    batchSize: trainer.config.batchSize,
    data: { name: trainer.config.data.name, size: trainer.config.data.size },
    weightsFile: weightsName(progress.iteration),
    weightsSha256: sha256(bytes),
    progress,
    variables,
    optimizers,
  };
  mkdirSync(dir, { recursive: true });
  writeDurably(join(dir, body.weightsFile), bytes);
  writeDurably(join(dir, manifestName(progress.iteration)), manifestText(body));
  prune(dir);
  return { ...body };
};

// -------------------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------------------

/**
 * Whether `dir` holds a checkpoint (good or not: restoring says which).
 *
 * @example
 * if (hasCheckpoint('runs/aae/checkpoint')) console.log('resuming');
 */
export const hasCheckpoint = (dir: string): boolean => manifestFiles(dir).length > 0;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isEntry = (e: unknown): e is TensorEntry =>
  isRecord(e) &&
  typeof e['name'] === 'string' &&
  Array.isArray(e['shape']) &&
  (e['shape'] as unknown[]).every((d) => Number.isSafeInteger(d) && (d as number) >= 0) &&
  Number.isSafeInteger(e['offset']) &&
  Number.isSafeInteger(e['length']);

/** A manifest from a newer saddle: not damage to pass over, but a reason to stop. */
class NewerVersionError extends CheckpointError {}

/** Parse and check one manifest file (format, version, checksum, fields); throws naming the file. */
const parseManifest = (path: string): CheckpointManifest => {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    // The parser quotes the text around the error, newlines included: keep the message one line.
    const why = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ');
    throw new CheckpointError(`${path} is not valid JSON: ${why}`);
  }
  if (!isRecord(raw) || raw['format'] !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${path} is not a saddle checkpoint (format should be '${CHECKPOINT_FORMAT}')`);
  }
  const version = raw['version'];
  if (typeof version === 'number' && version > CHECKPOINT_VERSION) {
    throw new NewerVersionError(
      `${path} was written by a newer saddle (checkpoint version ${version}; this saddle reads versions 1 to ${CHECKPOINT_VERSION}); use that saddle`,
    );
  }
  if (version !== 1 && version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${path} has version ${String(version)}; this saddle reads versions 1 to ${CHECKPOINT_VERSION}`,
    );
  }
  if (version === CHECKPOINT_VERSION) {
    const { sha256: recorded, ...body } = raw;
    if (recorded !== sha256(JSON.stringify(body))) {
      throw new CheckpointError(`${path} fails its checksum (the file is damaged or was edited)`);
    }
  }
  const optimizers = raw['optimizers'];
  const progress = raw['progress'];
  const ok =
    typeof raw['model'] === 'string' &&
    Number.isSafeInteger(raw['seed']) &&
    Number.isSafeInteger(raw['batchSize']) &&
    typeof raw['weightsFile'] === 'string' &&
    /^checkpoint-\d+\.bin$/.test(raw['weightsFile']) &&
    Array.isArray(raw['variables']) &&
    (raw['variables'] as unknown[]).every(isEntry) &&
    isRecord(optimizers) &&
    Object.values(optimizers).every((es) => Array.isArray(es) && es.every(isEntry)) &&
    isRecord(progress) &&
    Number.isSafeInteger(progress['iteration']);
  if (!ok) {
    throw new CheckpointError(
      `${path} is incomplete (model, seed, batchSize, weightsFile, variables, optimizers and progress are required)`,
    );
  }
  return raw as unknown as CheckpointManifest;
};

/** A checkpoint read whole and verified: its manifest, its weights and where it came from. */
interface LoadedCheckpoint {
  readonly manifest: CheckpointManifest;
  readonly path: string;
  readonly floats: Float32Array;
}

/** Read one checkpoint (manifest and weights) and verify every length and checksum. */
const loadOne = (dir: string, file: string): LoadedCheckpoint => {
  const path = join(dir, file);
  const manifest = parseManifest(path);
  const numbered = MANIFEST_PATTERN.exec(file);
  if (numbered !== null && Number(numbered[1]) !== manifest.progress.iteration) {
    throw new CheckpointError(`${path} holds iteration ${manifest.progress.iteration}, not ${numbered[1]}`);
  }
  const binPath = join(dir, manifest.weightsFile);
  if (!existsSync(binPath)) throw new CheckpointError(`${binPath} (named by ${path}) is missing`);
  const bytes = readFileSync(binPath);
  const entries = [...manifest.variables, ...Object.values(manifest.optimizers).flat()];
  const total = entries.reduce((a, e) => a + e.length, 0);
  if (bytes.byteLength !== total * 4) {
    throw new CheckpointError(`${binPath} holds ${bytes.byteLength} bytes; ${path} describes ${total * 4}`);
  }
  if (manifest.weightsSha256 !== undefined && sha256(bytes) !== manifest.weightsSha256) {
    throw new CheckpointError(`${binPath} fails its checksum (the file is damaged)`);
  }
  for (const e of entries) {
    const size = e.shape.reduce((a, d) => a * d, 1);
    if (size !== e.length || e.offset < 0 || e.offset + e.length > total) {
      throw new CheckpointError(`${path}: tensor '${e.name}' does not fit ${binPath}`);
    }
  }
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { manifest, path, floats };
};

/**
 * The newest good checkpoint in `dir`. Damaged ones newer than it are passed to `onRejected` (one
 * message each, naming the file); when none is good, one error names every file and what is wrong
 * with it. A checkpoint from a newer saddle stops the search: passing over it would silently lose
 * that saddle's progress.
 */
const loadNewestGood = (dir: string, onRejected: (problem: string) => void): LoadedCheckpoint => {
  const files = manifestFiles(dir);
  if (files.length === 0) throw new CheckpointError(`no checkpoint in ${dir}`);
  const problems: string[] = [];
  for (const file of files) {
    try {
      const loaded = loadOne(dir, file);
      problems.forEach(onRejected);
      return loaded;
    } catch (e) {
      if (!(e instanceof CheckpointError) || e instanceof NewerVersionError) throw e;
      problems.push(e.message);
    }
  }
  throw new CheckpointError(
    problems.length === 1
      ? `${problems[0] ?? ''}, and ${dir} holds no earlier checkpoint`
      : `no usable checkpoint in ${dir}: ${problems.join('; ')}`,
  );
};

/**
 * The manifest of the newest good checkpoint in `dir`; every problem names the file.
 *
 * @example
 * const { progress } = readManifest('runs/aae/checkpoint');
 * console.log(`saved at iteration ${progress.iteration}`);
 */
export const readManifest = (dir: string): CheckpointManifest => loadNewestGood(dir, () => {}).manifest;

/**
 * How `restoreTrainer` reports what it passed over.
 *
 * @example
 * const options: RestoreOptions = { onRejected: (problem) => console.warn(`skipped: ${problem}`) };
 * const trainer = await restoreTrainer('runs/aae/checkpoint', config, options);
 */
export interface RestoreOptions {
  /** Called once per damaged checkpoint newer than the one restored, with what is wrong. */
  readonly onRejected?: (problem: string) => void;
}

/**
 * A trainer for `config` continuing the run saved in `dir` — from its newest good checkpoint:
 * parameters, optimizer states, iteration, RNG and stream positions. Its next `step()` computes
 * exactly what the saved run's next step would have. Damaged checkpoints (truncated, edited, failing
 * their checksums) are reported through `onRejected` and the previous one is used; throws
 * `CheckpointError` when none is good, or when the checkpoint belongs to another model, seed,
 * batch size or data set.
 *
 * @example
 * const trainer = await restoreTrainer('runs/aae/checkpoint', { plan, data: train, batchSize: 100, seed: 1 },
 *   { onRejected: (problem) => console.warn(problem) });
 * trainer.step();   // exactly the step the saved run would have taken next
 */
export const restoreTrainer = async (
  dir: string,
  config: TrainerConfig,
  options: RestoreOptions = {},
): Promise<Trainer> => {
  const { manifest, path, floats } = loadNewestGood(dir, options.onRejected ?? (() => {}));
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
  const data = manifest.data;
  if (data !== undefined && (data.name !== config.data.name || data.size !== config.data.size)) {
    throw new CheckpointError(
      `${path} was trained on '${data.name}' (${data.size} examples); this run has '${config.data.name}' (${config.data.size} examples)`,
    );
  }
  const trainer = createTrainer(config, manifest.progress);
  try {
    await applyState(trainer, { ...manifest, floats }, path);
  } catch (e) {
    trainer.dispose();
    throw e;
  }
  return trainer;
};
