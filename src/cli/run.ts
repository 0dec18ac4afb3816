/**
 * A run directory: `run.json` (how to rebuild the run), and opening a run for training, sampling
 * or evaluation — decode and compile the spec, select the backend, load the data, and create or
 * restore the trainer.
 *
 * Everything that can be checked without tensors (the spec, the data's shape) is checked before a
 * backend is loaded, so mistakes are reported in milliseconds.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../compile/index.js';
import type { Plan } from '../compile/plan.js';
import { exampleWidth, type Dataset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { ring, swissRollSet, tinyDigits } from '../data/synthetic.js';
import { decodeModel } from '../dsl/codec.js';
import { selectBackend, type BackendChoice, type BackendInfo } from '../runtime/backend/index.js';
import { hasCheckpoint, restoreTrainer } from '../runtime/checkpoint.js';
import { writeDurably } from '../runtime/durable.js';
import { checkpointDir } from '../runtime/run.js';
import { createTrainer, type Trainer } from '../runtime/trainer.js';
import { compileFailure, UsageError } from './errors.js';
import type { ModelSource } from './resolve.js';

export const backendChoices: readonly BackendChoice[] = ['auto', 'node-gpu', 'node', 'native', 'wasm', 'cpu'];

/** Data sets a run can train on: real MNIST, or small synthetic sets for quick experiments. */
export const dataChoices = ['mnist', 'ring', 'swissroll', 'tiny'] as const;
export type DataChoice = (typeof dataChoices)[number];

/** What `run.json` holds. */
export interface RunFile {
  readonly version: 1;
  /** The model spec (the codec's encoding): the run is rebuilt from it, not from the zoo. */
  readonly model: unknown;
  readonly source: ModelSource;
  readonly seed: number;
  readonly batchSize: number;
  readonly data: DataChoice;
  /** The run's total length in iterations, as last requested. */
  readonly totalSteps: number;
  /**
   * MNIST training images held out of training (`--validation N`, the last N): `saddle eval`
   * chooses Parzen's σ on them, so no figure is tuned on images the model trained on. Absent in
   * runs of older saddles (and 0): nothing held out.
   */
  readonly validation?: number;
}

export const runFile = (dir: string): string => join(dir, 'run.json');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Read and check `dir/run.json`. */
export const readRunFile = (command: string, dir: string): RunFile => {
  const path = runFile(dir);
  if (!existsSync(path)) {
    throw new UsageError(
      `saddle ${command}: ${dir} is not a saddle run directory (no run.json); train one with \`saddle train\``,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `saddle ${command}: ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (isRecord(json) && typeof json['version'] === 'number' && json['version'] > 1) {
    throw new UsageError(
      `saddle ${command}: ${path} was written by a newer saddle (run.json version ${json['version']}; this saddle reads version 1); use that saddle`,
    );
  }
  const ok =
    isRecord(json) &&
    json['version'] === 1 &&
    Number.isSafeInteger(json['seed']) &&
    Number.isSafeInteger(json['batchSize']) &&
    Number.isSafeInteger(json['totalSteps']) &&
    (dataChoices as readonly unknown[]).includes(json['data']) &&
    isRecord(json['source']) &&
    'model' in json &&
    (json['validation'] === undefined ||
      (Number.isSafeInteger(json['validation']) && (json['validation'] as number) >= 0));
  if (!ok) throw new UsageError(`saddle ${command}: ${path} is damaged or from another version of saddle`);
  return json as unknown as RunFile;
};

/** Write `run.json` durably (temp file, fsync, rename): a crash leaves the old or the new file. */
export const writeRunFile = (dir: string, run: RunFile): void => {
  writeDurably(runFile(dir), `${JSON.stringify(run, null, 2)}\n`);
};

export interface RunData {
  readonly train: Dataset;
  /** Held-out examples for pictures and evaluation (MNIST's test set). */
  readonly test: Dataset;
  /** Training images held out of training (`--validation N`), for choosing Parzen's σ. */
  readonly validation?: Dataset;
}

const loadData = async (choice: DataChoice, seed: number, validation: number): Promise<RunData> => {
  if (validation > 0 && choice !== 'mnist') {
    throw new UsageError(
      `--validation holds out MNIST training images; it does not apply to --data ${choice}`,
    );
  }
  switch (choice) {
    case 'mnist': {
      if (validation === 0) {
        const { train, test } = await loadMnist();
        return { train, test };
      }
      const split = await loadMnist({ validation });
      return split.validation === undefined
        ? { train: split.train, test: split.test }
        : { train: split.train, test: split.test, validation: split.validation };
    }
    case 'ring':
      return { train: ring(20_000, { seed }), test: ring(2_000, { seed: seed + 1 }) };
    case 'swissroll':
      return { train: swissRollSet(20_000, { seed }), test: swissRollSet(2_000, { seed: seed + 1 }) };
    case 'tiny':
      return { train: tinyDigits(5_000, { seed }), test: tinyDigits(1_000, { seed: seed + 1 }) };
  }
};

/** Decode and compile a run's spec; errors are the user's to fix (exit 2). */
export const planOf = (command: string, run: RunFile): Plan => {
  const model = decodeModel(run.model);
  if (E.isLeft(model)) throw compileFailure(`the spec in run.json`, model.left);
  const plan = compile(model.right);
  if (E.isLeft(plan)) throw compileFailure(`model '${model.right.name}'`, plan.left);
  return plan.right;
};

export interface OpenRun {
  readonly plan: Plan;
  readonly backend: BackendInfo;
  readonly data: RunData;
  readonly trainer: Trainer;
  /** The `encode` view yields 2-D codes: latent pictures apply. */
  readonly hasLatent2d: boolean;
}

/**
 * Compile, select the backend, load the data and build the trainer — fresh, or restored from
 * `resumeFrom`'s newest good checkpoint (damaged newer ones are named on stderr).
 */
export const openRun = async (
  command: string,
  run: RunFile,
  options: { readonly backend: BackendChoice; readonly resumeFrom: string | undefined },
): Promise<OpenRun> => {
  const plan = planOf(command, run);
  if (options.resumeFrom !== undefined && !hasCheckpoint(checkpointDir(options.resumeFrom))) {
    throw new UsageError(
      `saddle ${command}: ${options.resumeFrom} has no checkpoint yet; train it first (saddle train --resume --out ${options.resumeFrom})`,
    );
  }
  const data = await loadData(run.data, run.seed, run.validation ?? 0);
  const xWidth = exampleWidth(data.train.shape);
  if (xWidth !== exampleWidth(plan.data.x) || data.train.classes < plan.data.classes) {
    throw new UsageError(
      `saddle ${command}: model '${plan.model}' declares data of shape [${plan.data.x.join(', ')}] with ${plan.data.classes} classes, ` +
        `but '${run.data}' has shape [${data.train.shape.join(', ')}] with ${data.train.classes} classes`,
    );
  }
  const backend = await selectBackend(options.backend);
  const config = { plan, data: data.train, batchSize: run.batchSize, seed: run.seed };
  const trainer =
    options.resumeFrom !== undefined
      ? await restoreTrainer(checkpointDir(options.resumeFrom), config, {
          // Said on stderr, so no command silently continues from (or scores) an older checkpoint.
          onRejected: (problem) =>
            process.stderr.write(`saddle ${command}: passing over a damaged checkpoint: ${problem}\n`),
        })
      : createTrainer(config);
  const encodeShape = plan.views.encode?.instrs[plan.views.encode.output]?.shape;
  return {
    plan,
    backend,
    data,
    trainer,
    hasLatent2d: encodeShape !== undefined && exampleWidth(encodeShape) === 2,
  };
};
