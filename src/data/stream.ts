/**
 * Seeded, shuffled, resumable batch streams over a dataset.
 *
 * Why a stream: the runtime needs "the next batch" per named data stream (unlabelled and labelled
 * streams differ in the semi-supervised AAE), reproducibly from a seed, and must be able to save a
 * stream's place in a checkpoint and resume it exactly. A stream's whole state is three numbers:
 * seed, epoch and position; the order of epoch `e` is a permutation derived from (seed, name, e), so
 * nothing else needs saving.
 *
 * Rules:
 * - each epoch is a fresh shuffle of the examples (Fisher–Yates with `rng(seed).fork('stream/<name>/epoch/<e>')`);
 * - a batch never crosses an epoch boundary: with N examples and batch B ≤ N an epoch is ⌊N/B⌋
 *   batches, and the last N mod B examples of that epoch's order are dropped (they are different
 *   examples each epoch, so nothing is dropped for good);
 * - when the dataset is smaller than the batch (e.g. 100 labels, batch 256) every batch is the whole
 *   set, reshuffled: `rows = min(batchSize, size)`, one batch per epoch;
 * - `labels: { count }` first draws the class-balanced labelled subset (`labeledSubset`) with
 *   `rng(seed).fork('labeled/<count>')` — it depends on the seed and count only, not the stream name,
 *   so every stream (and an evaluation) with the same seed sees the same labelled examples.
 *
 * @example
 * const train = createStream(mnist.train, { name: 'train', batchSize: 100, seed: 1, labels: 'none' });
 * const batch = train.next();        // { x: Float32Array(100·784), labels: null, rows: 100 }
 * const saved = train.state();       // { seed: 1, epoch: 0, position: 100 }
 * const again = restoreStream(mnist.train, { name: 'train', batchSize: 100, seed: 1, labels: 'none' }, saved);
 */

import { DataError, exampleWidth, labeledSubset, type Dataset } from './dataset.js';
import { createRng } from './rng.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * What a stream shows of labels: none (unsupervised), all, or a balanced labelled subset of `count`.
 *
 * @example
 * const unsupervised: StreamLabels = 'none';
 * const semiSupervised: StreamLabels = { count: 100 };   // 10 labelled examples per class
 */
export type StreamLabels = 'none' | 'all' | { readonly count: number };

/**
 * How a stream is made; pass the same options again to `restoreStream`.
 *
 * @example
 * const options: StreamOptions = { name: 'train', batchSize: 100, seed: 1, labels: 'none' };
 * createStream(train, options);
 */
export interface StreamOptions {
  /** The stream's name (the model's `StreamDecl.name`); it seeds the shuffles and labels errors. */
  readonly name: string;
  readonly batchSize: number;
  readonly seed: number;
  readonly labels: StreamLabels;
}

/**
 * One batch: `rows` examples, row-major (`rows × width` floats); labels only if the stream has them.
 *
 * @example
 * const { x, labels, rows }: Batch = stream.next();
 * const first = x.subarray(0, stream.width);   // the first example of the batch
 */
export interface Batch {
  readonly x: Float32Array;
  readonly labels: Int32Array | null;
  readonly rows: number;
}

/**
 * A stream's place, JSON-serializable: the seed, the number of completed epochs, and how many
 * examples of the current epoch's order have been served. Always at the start of a whole batch.
 *
 * @example
 * const saved: StreamState = stream.state();   // { seed: 1, epoch: 0, position: 300 }
 * writeFileSync('stream.json', JSON.stringify(saved));
 */
export interface StreamState {
  readonly seed: number;
  readonly epoch: number;
  readonly position: number;
}

/**
 * A seeded infinite sequence of batches; `next` advances it, everything else reads it.
 *
 * @example
 * const stream: BatchStream = createStream(train, { name: 'train', batchSize: 100, seed: 1, labels: 'none' });
 * for (let step = 0; step < stream.stepsPerEpoch; step++) consume(stream.next());
 */
export interface BatchStream {
  readonly name: string;
  /** The examples the stream draws from (the labelled subset for `labels: { count }`). */
  readonly dataset: Dataset;
  /** Rows of every batch: `min(batchSize, dataset.size)`. */
  readonly rows: number;
  /** Floats per example. */
  readonly width: number;
  /** Batches per epoch: `⌊size / rows⌋`. */
  readonly stepsPerEpoch: number;
  /** Completed passes over the data. */
  readonly epoch: number;
  /** Examples of the current epoch already served. */
  readonly position: number;
  next(): Batch;
  state(): StreamState;
}

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

const describeLabels = (labels: StreamLabels): string =>
  typeof labels === 'string' ? `'${labels}'` : `{ count: ${labels.count} }`;

/** The examples a stream draws from: the whole set, or its seeded balanced labelled subset. */
const streamSource = (dataset: Dataset, options: StreamOptions): Dataset => {
  const { labels, seed, name } = options;
  if (labels === 'none' || labels === 'all') return dataset;
  if (typeof labels !== 'object' || labels === null || typeof labels.count !== 'number') {
    throw new DataError(
      `stream '${name}': labels must be 'none', 'all' or { count }, got ${JSON.stringify(labels)}`,
    );
  }
  try {
    return labeledSubset(dataset, labels.count, createRng(seed).fork(`labeled/${labels.count}`));
  } catch (e) {
    if (e instanceof DataError) throw new DataError(`stream '${name}': ${e.message}`);
    throw e;
  }
};

const checkOptions = (dataset: Dataset, options: StreamOptions): void => {
  const { name, batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DataError(`stream '${name}': batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isSafeInteger(seed))
    throw new DataError(`stream '${name}': seed must be an integer, got ${seed}`);
  if (dataset.size < 1) throw new DataError(`stream '${name}': dataset '${dataset.name}' is empty`);
};

/** The fixed geometry of a stream: its examples, rows per batch and batches per epoch. */
interface Layout {
  readonly source: Dataset;
  readonly rows: number;
  readonly stepsPerEpoch: number;
}

const layout = (dataset: Dataset, options: StreamOptions): Layout => {
  const source = streamSource(dataset, options);
  const rows = Math.min(options.batchSize, source.size);
  return { source, rows, stepsPerEpoch: Math.floor(source.size / rows) };
};

const open = (
  options: StreamOptions,
  { source, rows, stepsPerEpoch }: Layout,
  start: StreamState,
): BatchStream => {
  const { name, seed } = options;
  const width = exampleWidth(source.shape);
  const base = createRng(seed);
  const withLabels = options.labels !== 'none';

  let epoch = start.epoch;
  let position = start.position;
  let order: Uint32Array | null = null;
  let orderEpoch = -1;

  const permutation = (e: number): Uint32Array => {
    if (order === null || orderEpoch !== e) {
      const identity = Uint32Array.from({ length: source.size }, (_, i) => i);
      order = base.fork(`stream/${name}/epoch/${e}`).shuffle(identity);
      orderEpoch = e;
    }
    return order;
  };

  const next = (): Batch => {
    const perm = permutation(epoch);
    const x = new Float32Array(rows * width);
    const labels = withLabels ? new Int32Array(rows) : null;
    for (let r = 0; r < rows; r++) {
      const i = perm[position + r] ?? 0;
      x.set(source.x.subarray(i * width, (i + 1) * width), r * width);
      if (labels !== null) labels[r] = source.labels[i] ?? 0;
    }
    position += rows;
    if (position + rows > source.size) {
      epoch += 1;
      position = 0;
    }
    return { x, labels, rows };
  };

  return {
    name,
    dataset: source,
    rows,
    width,
    stepsPerEpoch,
    get epoch() {
      return epoch;
    },
    get position() {
      return position;
    },
    next,
    state: () => ({ seed, epoch, position }),
  };
};

/**
 * A stream at the start of epoch 0. Errors (`DataError`, naming the stream): a non-positive or
 * fractional batch size, a non-integer seed, an empty dataset, or a labelled subset the dataset
 * cannot supply (count not a multiple of the classes, or too few examples of a class).
 *
 * @example
 * const labeled = createStream(train, { name: 'labeled', batchSize: 100, seed: 0, labels: { count: 1000 } });
 * labeled.next().labels;   // Int32Array of 100 class indices
 */
export const createStream = (dataset: Dataset, options: StreamOptions): BatchStream => {
  checkOptions(dataset, options);
  return open(options, layout(dataset, options), { seed: options.seed, epoch: 0, position: 0 });
};

/**
 * The stream `state` was taken from, continuing identically: its next batch is the one the original
 * stream would have returned next. `dataset` and `options` must be the ones the stream was created
 * with; the state is checked against them (a checkpoint from another seed or a position that cannot
 * occur for this dataset and batch size is a `DataError`, not a silently different data order).
 *
 * @example
 * const options = { name: 'train', batchSize: 100, seed: 1, labels: 'none' } as const;
 * const resumed = restoreStream(train, options, JSON.parse(readFileSync('stream.json', 'utf8')));
 */
export const restoreStream = (dataset: Dataset, options: StreamOptions, state: StreamState): BatchStream => {
  checkOptions(dataset, options);
  const { name } = options;
  const raw: unknown = state;
  if (typeof raw !== 'object' || raw === null) {
    throw new DataError(`stream '${name}': saved state must be an object, got ${JSON.stringify(raw)}`);
  }
  const { seed, epoch, position } = raw as Record<string, unknown>;
  if (seed !== options.seed) {
    throw new DataError(
      `stream '${name}': saved state was written with seed ${JSON.stringify(seed)}, but this run's seed is ${options.seed}`,
    );
  }
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw new DataError(
      `stream '${name}': saved epoch must be a non-negative integer, got ${JSON.stringify(epoch)}`,
    );
  }
  const geometry = layout(dataset, options);
  const { rows, stepsPerEpoch, source } = geometry;
  const valid =
    typeof position === 'number' &&
    Number.isInteger(position) &&
    position >= 0 &&
    position % rows === 0 &&
    position / rows < stepsPerEpoch;
  if (!valid) {
    throw new DataError(
      `stream '${name}': saved position ${JSON.stringify(position)} is not the start of a batch for ${source.size} examples in batches of ${rows} (labels ${describeLabels(options.labels)})`,
    );
  }
  return open(options, geometry, { seed: options.seed, epoch, position });
};
