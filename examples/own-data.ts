/**
 * Training on your own data: wrap a `Float32Array` as a dataset, train a model on it with the
 * runtime's run loop (a metrics log and a checkpoint in a directory of your choice), read views
 * back as plain arrays, and draw them as PNG pictures.
 *
 * "Your data" here is made on the spot — 8 × 8 images, each with one horizontal or vertical bar —
 * but anything row-major works: one example per row, every value a float. The model is the paper
 * AAE from the zoo, declared for 64-pixel examples instead of MNIST's 784.
 *
 *     npx tsx examples/own-data.ts            # writes runs/examples/own-data/
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { compile, formatErrors } from 'saddle';
import { createDataset, createRng, type Dataset } from 'saddle/data';
import { lossCurves, sampleGrid } from 'saddle/report';
import {
  createTrainer,
  metricsFile,
  readMetrics,
  runTraining,
  selectBackend,
  type BackendChoice,
  type MetricsRecord,
} from 'saddle/runtime';
import { aae, buildAae } from 'saddle/zoo/aae';

export interface OwnDataOptions {
  readonly steps?: number;
  /** Where the metrics, checkpoint and pictures go. */
  readonly outDir?: string;
  readonly hidden?: number;
  /** How many images to make. */
  readonly size?: number;
  readonly seed?: number;
  readonly backend?: BackendChoice;
  readonly log?: (line: string) => void;
}

export interface OwnDataResult {
  /** The pictures and the metrics log, by what they show. */
  readonly files: {
    readonly samples: string;
    readonly reconstructions: string;
    readonly losses: string;
    readonly metrics: string;
  };
  /** Every iteration's losses, as read back from the metrics log. */
  readonly history: readonly MetricsRecord[];
  /** The decoded prior draws drawn in `samples.png`, 64 images of 8 × 8 values. */
  readonly samples: Float32Array;
}

const SIDE = 8;

/**
 * `n` images of `SIDE × SIDE` pixels in [0, 1], each with one full-length bar (horizontal for
 * even `i`, vertical for odd) at a random row or column, plus a little noise — a stand-in for
 * data you already have in memory.
 */
export const barImages = (n: number, seed: number): { x: Float32Array; vertical: Int32Array } => {
  const rng = createRng(seed);
  const x = new Float32Array(n * SIDE * SIDE);
  const vertical = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    vertical[i] = i % 2;
    const at = rng.int(SIDE);
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        const on = (i % 2 === 0 ? r : c) === at;
        x[i * SIDE * SIDE + r * SIDE + c] = on ? 0.95 : 0.05 * rng.nextFloat();
      }
    }
  }
  return { x, vertical };
};

/** Train the AAE on bar images and write samples.png, reconstructions.png and loss.png. */
export const main = async (options: OwnDataOptions = {}): Promise<OwnDataResult> => {
  const {
    steps = 1500,
    outDir = 'runs/examples/own-data',
    hidden = 128,
    size = 2000,
    seed = 0,
    backend = 'auto',
    log = console.log,
  } = options;

  // #region dataset
  // One row per example, and a class index per example (here the bar's direction); data without
  // labels passes `new Int32Array(n)` with `classes: 1`. Bad sizes or labels fail right here.
  const { x, vertical } = barImages(size, seed);
  const data: Dataset = createDataset({
    name: 'bars',
    x,
    shape: [SIDE * SIDE],
    labels: vertical,
    classes: 2,
  });
  // #endregion dataset

  // #region model
  // The zoo's AAE, built for this data's shape: the decoder's output width comes from `x`.
  const model = buildAae(
    { ...aae.defaults, hidden, latent: 2, reconstructionLr: 1e-3 },
    { x: data.shape, classes: data.classes },
  );
  const compiled = compile(model);
  if (E.isLeft(compiled)) throw new Error(formatErrors(compiled.left));
  // #endregion model

  // #region train
  log((await selectBackend(backend)).banner);
  const trainer = createTrainer({ plan: compiled.right, data, batchSize: 100, seed });
  const every = Math.max(1, Math.floor(steps / 10));
  await runTraining({
    trainer,
    totalSteps: steps,
    every,
    outDir, // metrics.jsonl (every iteration's losses) and checkpoint/, written at each epoch's end
    onLog: (r) => {
      if (r.iteration % every === 0) log(`iteration ${r.iteration}: ${JSON.stringify(r.losses)}`);
    },
  });
  // #endregion train

  // #region pictures
  // `readView` hands a view back as a plain array, which the report module draws.
  const samples = await trainer.readView('sample', undefined, 64, { seed: 1 }); // 64 prior draws, decoded
  const originals = data.x.subarray(0, 10 * SIDE * SIDE);
  const rebuilt = await trainer.readView('reconstruct', { x: originals, rows: 10 });
  trainer.dispose();

  mkdirSync(outDir, { recursive: true });
  const image = { height: SIDE, width: SIDE, scale: 4 };
  const files = {
    samples: join(outDir, 'samples.png'),
    reconstructions: join(outDir, 'reconstructions.png'),
    losses: join(outDir, 'loss.png'),
    metrics: metricsFile(outDir),
  };
  writeFileSync(files.samples, sampleGrid(samples, { rows: 8, cols: 8, ...image }));
  // Top row the data, bottom row what the autoencoder makes of it.
  const pairs = new Float32Array([...originals, ...rebuilt]);
  writeFileSync(files.reconstructions, sampleGrid(pairs, { rows: 2, cols: 10, ...image }));
  const history = readMetrics(outDir);
  writeFileSync(files.losses, await lossCurves(history, { title: 'AAE on bar images' }));
  // #endregion pictures

  log(`pictures: ${files.samples}, ${files.reconstructions}, ${files.losses}`);
  return { files, history, samples };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
