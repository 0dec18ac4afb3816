/**
 * saddle's data layer: seeded randomness, datasets as typed arrays (MNIST and synthetic sets), and
 * resumable batch streams. No tensors here; the runtime uploads batches.
 *
 * The surface is what a program feeding its own data needs: a seeded `Rng`, `createDataset` and its
 * subsets, MNIST and the synthetic sets, IDX files for other MNIST-format data, and `createStream`
 * for batches that resume exactly from a checkpoint. Helpers of the loaders themselves (MNIST's
 * directory lookup and shape check, the tiny digits' bitmaps) stay internal.
 *
 * @example
 * import { createStream, ring } from 'saddle/data';
 * const data = ring(1000, { seed: 0 });
 * const stream = createStream(data, { name: 'train', batchSize: 100, seed: 1, labels: 'none' });
 * const batch = stream.next();   // 100 two-dimensional points and their labels
 *
 * @module saddle/data
 */
export { RNG_ALGORITHM, RngError, createRng, restoreRng } from './rng.js';
export type { MutableArrayLike, Rng, RngState } from './rng.js';
export { DataError, classHistogram, createDataset, exampleWidth, labeledSubset, subset } from './dataset.js';
export type { Dataset, Splits } from './dataset.js';
export { IdxError, parseIdx, readIdx } from './idx.js';
export type { IdxArray } from './idx.js';
export { MNIST_FILES, loadMnist } from './mnist.js';
export type { MnistOptions, MnistSplits } from './mnist.js';
export { blobs, ring, swissRollSet, tinyDigits } from './synthetic.js';
export { createStream, restoreStream } from './stream.js';
export type { Batch, BatchStream, StreamLabels, StreamOptions, StreamState } from './stream.js';
