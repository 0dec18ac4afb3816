/**
 * Where saddle's MNIST classifier lives between runs: trained once, then loaded from a cache
 * directory in tfjs's own `model.json` + `weights.bin` layout (loadable by `tf.loadLayersModel`
 * anywhere), with its `ClassifierInfo` in the model's user-defined metadata.
 *
 * Why check on load: a cache written by an older recipe, or an interrupted or unlucky training,
 * must not silently score runs. A cached net is used only if it records this version and a test
 * accuracy of at least 99%; otherwise `ensureClassifier` retrains it (and says why).
 *
 * Location: `$SADDLE_CACHE/mnist-classifier/` if `SADDLE_CACHE` is set, else
 * `$XDG_CACHE_HOME/saddle/mnist-classifier/`, else `~/.cache/saddle/mnist-classifier/`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import {
  CLASSIFIER_VERSION,
  REQUIRED_TEST_ACCURACY,
  trainClassifier,
  type ClassifierInfo,
  type MnistClassifier,
  type TrainClassifierOptions,
} from './classifier.js';
import { EvalError } from './errors.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** The cache directory for the classifier, from the environment (see the module doc). */
export const classifierCacheDir = (env: NodeJS.ProcessEnv = process.env): string => {
  const root = env['SADDLE_CACHE'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'saddle');
  return join(root, 'mnist-classifier');
};

/**
 * Write `classifier` to `dir` as `model.json` + `weights.bin`. Each file is written to a temporary
 * name and renamed, so an interrupted save never leaves a half-written model to be loaded.
 */
export const saveClassifier = async (dir: string, classifier: MnistClassifier): Promise<void> => {
  mkdirSync(dir, { recursive: true });
  classifier.model.setUserDefinedMetadata({ saddle: classifier.info });
  await classifier.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
      const weights = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata === undefined
          ? {}
          : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      writeFileSync(join(dir, `${WEIGHTS_FILE}.tmp`), weights);
      writeFileSync(join(dir, `${MODEL_FILE}.tmp`), JSON.stringify(modelJson));
      renameSync(join(dir, `${WEIGHTS_FILE}.tmp`), join(dir, WEIGHTS_FILE));
      renameSync(join(dir, `${MODEL_FILE}.tmp`), join(dir, MODEL_FILE));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.length,
        },
      };
    }),
  );
};

const isInfo = (x: unknown): x is ClassifierInfo => {
  const o = x as Partial<ClassifierInfo> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    o.kind === 'saddle-mnist-classifier' &&
    typeof o.version === 'number' &&
    typeof o.testAccuracy === 'number'
  );
};

/** Why a cached classifier cannot be used, or `undefined` if it can. */
export const rejectionReason = (info: ClassifierInfo): string | undefined =>
  info.version !== CLASSIFIER_VERSION
    ? `it was trained by recipe version ${info.version}, this saddle uses version ${CLASSIFIER_VERSION}`
    : !(info.testAccuracy >= REQUIRED_TEST_ACCURACY)
      ? `its recorded test accuracy ${(100 * info.testAccuracy).toFixed(2)}% is below the required ${100 * REQUIRED_TEST_ACCURACY}%`
      : undefined;

/**
 * The classifier cached in `dir`: `undefined` when there is none, an `EvalError` naming the file
 * when it is unreadable or carries no saddle metadata. The recorded accuracy is returned, not
 * checked: `ensureClassifier` decides what to do with a weak one.
 */
export const loadClassifier = async (dir: string): Promise<MnistClassifier | undefined> => {
  const modelPath = join(dir, MODEL_FILE);
  if (!existsSync(modelPath)) return undefined;
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(modelPath, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new EvalError(
      `classifier cache: cannot read ${modelPath} (${e instanceof Error ? e.message : String(e)}); delete ${dir} to retrain`,
    );
  }
  const meta = (json.userDefinedMetadata as { saddle?: unknown } | undefined)?.saddle;
  if (!isInfo(meta))
    throw new EvalError(
      `classifier cache: ${modelPath} has no saddle classifier metadata; delete ${dir} to retrain`,
    );
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const specs = manifest.flatMap((group) => group.weights);
      const buffers = manifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dir, p))));
      const bytes = Buffer.concat(buffers);
      return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
    });
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    return { model, info: meta };
  } catch (e) {
    throw new EvalError(
      `classifier cache: cannot load ${modelPath} (${e instanceof Error ? e.message : String(e)}); delete ${dir} to retrain`,
    );
  }
};

/**
 * Where the MNIST classifier is cached and how to get the data if it must be trained. `data` is a
 * function, so MNIST is loaded only when no sound cached classifier exists.
 *
 * @example
 * const options: EnsureClassifierOptions = { data: async () => loadMnist(), log: console.log };
 * const classifier = await ensureClassifier(options);
 */
export interface EnsureClassifierOptions extends TrainClassifierOptions {
  /** Cache directory; default `classifierCacheDir()`. */
  readonly dir?: string;
  /** The MNIST splits to train and test on, loaded only if training is needed. */
  readonly data: () => Promise<{ readonly train: Dataset; readonly test: Dataset }>;
  /** Status lines ("training …", "cached at …"). */
  readonly log?: (line: string) => void;
}

/**
 * The cached classifier if it is sound, else a freshly trained one (saved to the cache). Throws an
 * `EvalError` if even a fresh one falls short of 99% test accuracy — evaluating with a weak
 * classifier would make FID and the score meaningless, so it is kept but refused.
 *
 * @example
 * const classifier = await ensureClassifier({ data: () => loadMnist() });
 * await evaluate(trainer, data, { metrics: ['fid', 'score'], classifier: async () => classifier });
 */
export const ensureClassifier = async (options: EnsureClassifierOptions): Promise<MnistClassifier> => {
  const dir = options.dir ?? classifierCacheDir();
  const log = options.log ?? (() => undefined);
  const cached = await loadClassifier(dir);
  if (cached !== undefined) {
    const reason = rejectionReason(cached.info);
    if (reason === undefined) return cached;
    cached.model.dispose();
    log(`classifier cache ${dir}: not used, ${reason}; retraining`);
    rmSync(join(dir, MODEL_FILE), { force: true });
  }
  log(`training saddle's MNIST classifier once (cached in ${dir}) on the ${tf.getBackend()} backend`);
  const trained = await trainClassifier(await options.data(), options);
  await saveClassifier(dir, trained);
  log(
    `classifier: test accuracy ${(100 * trained.info.testAccuracy).toFixed(2)}% after ${trained.info.epochs} epochs in ${trained.info.trainSeconds.toFixed(0)} s`,
  );
  const reason = rejectionReason(trained.info);
  if (reason !== undefined)
    throw new EvalError(`classifier: the freshly trained classifier cannot be used: ${reason}`);
  return trained;
};
