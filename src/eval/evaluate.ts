/**
 * Evaluating a trained model: draw what each requested metric needs from the model's views, in
 * batches, and compute the metrics of `src/eval` on it.
 *
 * Why one function over a `ViewSource` rather than over a Trainer: every metric only ever *reads*
 * views (samples, codes, reconstructions, q(y|x)), so the trainer, a restored run, or a test's
 * hand-written views all evaluate the same way.
 *
 * Protocols (see docs/evaluation.md):
 * - parzen: `samples` model samples; σ from `sigmaGrid` maximizing the mean log-likelihood of the
 *   validation split (the last 10,000 training images for MNIST); test mean ± standard error.
 * - fid / score: saddle's MNIST classifier on `samples` model samples and the test set.
 * - recon: the test set through the `reconstruct` view, in the model's own loss.
 * - mmd: the test set through `encode`, against as many `prior` draws, RBF mixture `mmdSigmas`.
 * - cluster / classify: `classify` view on the training set (cluster labels) and the test set.
 *
 * Draws are seeded (`seed`), so evaluating the same checkpoint twice gives the same numbers.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { ViewName } from '../dsl/ast.js';
import { exampleWidth, subset, type Dataset } from '../data/dataset.js';
import type { ViewInput, ViewOptions } from '../runtime/trainer.js';
import { classifierOutputs, type ClassifierInfo, type MnistClassifier } from './classifier.js';
import {
  classificationError,
  clusteringError,
  clusterLabels,
  clusterSizes,
  majorityLabels,
} from './clustering.js';
import { EvalError } from './errors.js';
import { featureGaussian, frechetDistance } from './frechet.js';
import { defaultCodeSigmas, mmdSquared } from './mmd.js';
import { defaultSigmaGrid, parzenLogLikelihood, selectSigma, type SigmaSelection } from './parzen.js';
import { reconstructionError, type ReconstructionMetric } from './reconstruction.js';
import { classifierScore } from './score.js';
import type { MeanWithError } from './stats.js';
import type { MetricName } from './metrics.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * What evaluation needs from a trained model: its views (the `Trainer` is one).
 *
 * @example
 * const source: ViewSource = trainer;   // a Trainer has evalView
 * await evaluate(source, { train, test }, { metrics: ['recon'] });
 */
export interface ViewSource {
  evalView(name: ViewName, input?: ViewInput, rows?: number, options?: ViewOptions): tf.Tensor;
}

/**
 * The datasets a metric is measured on: the test set for every metric, the training set for labelling
 * clusters, and a validation set (held out of training) for choosing Parzen's bandwidth.
 *
 * @example
 * const { train, test } = await loadMnist();
 * const data: EvalData = { train, test };   // validation: the tail of train, by default
 */
export interface EvalData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** Held out of training for Parzen's σ; default: the last `min(10000, train/6)` training rows. */
  readonly validation?: Dataset;
}

/**
 * What to evaluate and how: the metrics, how many model samples, the seed of every draw, and the
 * knobs of the individual metrics. Only `metrics` is required; defaults follow the papers' protocols
 * (see docs/evaluation.md).
 *
 * @example
 * const options: EvaluateOptions = { metrics: ['parzen', 'mmd'], samples: 1000, seed: 1,
 *   onProgress: (metric, stage, fraction) => console.log(metric, stage, fraction) };
 * await evaluate(trainer, { train, test }, options);
 */
export interface EvaluateOptions {
  readonly metrics: readonly MetricName[];
  /** Model samples for parzen, fid and score (the papers use 10,000). */
  readonly samples?: number;
  /** Seeds every view draw. */
  readonly seed?: number;
  /** The model's reconstruction loss (see `reconstructionMetricOf`); default `bce`. */
  readonly reconstruction?: ReconstructionMetric;
  readonly sigmaGrid?: readonly number[];
  readonly mmdSigmas?: readonly number[];
  /** Rows per view evaluation. */
  readonly batch?: number;
  /** The MNIST classifier, requested only when fid or score is evaluated. */
  readonly classifier?: () => Promise<MnistClassifier>;
  /** Progress of a metric in [0, 1], with a short description of the current stage. */
  readonly onProgress?: (metric: MetricName, stage: string, fraction: number) => void;
}

/**
 * The Parzen-window log-likelihood of the test set (nats per example, with its standard error), with
 * the bandwidth chosen on validation data and every candidate's score, so a report can show how the
 * choice was made.
 *
 * @example
 * const { parzen } = await evaluate(trainer, data, { metrics: ['parzen'] });
 * if (parzen) console.log(`${parzen.mean.toFixed(0)} ± ${parzen.stderr.toFixed(0)} (σ = ${parzen.sigma})`);
 */
export interface ParzenResult extends MeanWithError {
  readonly samples: number;
  readonly sigma: number;
  readonly validation: SigmaSelection['scores'];
  readonly validationSize: number;
}

/**
 * The test-set reconstruction loss per image (mean and standard error), in the metric the model
 * trains with, so it reads on the same scale as the training log.
 *
 * @example
 * const { recon } = await evaluate(trainer, data, { metrics: ['recon'], reconstruction: 'bce' });
 * recon?.mean;   // nats per image
 */
export interface ReconResult extends MeanWithError {
  readonly metric: ReconstructionMetric;
}

/**
 * Each metric's result; the headline number is `value` (see `headline`).
 *
 * @example
 * const results: MetricResults = await evaluate(trainer, data, { metrics: ['mmd', 'recon'] });
 * results.mmd?.value;
 * results.parzen;   // undefined: not requested
 */
export interface MetricResults {
  readonly parzen?: ParzenResult;
  readonly fid?: {
    readonly value: number;
    readonly samples: number;
    readonly reference: number;
    readonly classifier: ClassifierInfo;
  };
  readonly score?: {
    readonly value: number;
    readonly samples: number;
    readonly testSetScore: number;
    readonly classifier: ClassifierInfo;
  };
  readonly recon?: ReconResult;
  readonly mmd?: { readonly value: number; readonly n: number; readonly sigmas: readonly number[] };
  readonly cluster?: {
    readonly value: number;
    readonly n: number;
    readonly clusters: number;
    readonly clusterLabels: readonly number[];
    /** Test images per cluster (by argmax): clusters the head never uses show as 0. */
    readonly clusterSizes: readonly number[];
    /** The error when each cluster takes its training members' majority label (`majorityLabels`). */
    readonly majorityError: number;
    readonly majorityLabels: readonly number[];
  };
  readonly classify?: { readonly value: number; readonly n: number };
}

// -------------------------------------------------------------------------------------------------
// drawing from views
// -------------------------------------------------------------------------------------------------

const as2d = (t: tf.Tensor): tf.Tensor2D =>
  t.rank === 2 ? (t as tf.Tensor2D) : tf.reshape(t, [t.shape[0] ?? 0, -1]);

/** The whole dataset as a `[n, width]` tensor. */
export const datasetTensor = (d: Dataset): tf.Tensor2D => tf.tensor2d(d.x, [d.size, exampleWidth(d.shape)]);

/**
 * `total` rows made `batch` at a time by `part(start, rows, k)` (`k` the batch index, for seeding),
 * concatenated into `[total, width]`; every intermediate tensor is freed, even on failure.
 */
const inBatches = (
  total: number,
  batch: number,
  part: (start: number, rows: number, k: number) => tf.Tensor,
): tf.Tensor2D => {
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0, k = 0; start < total; start += batch, k++) {
      const out = part(start, Math.min(batch, total - start), k);
      parts.push(as2d(out));
      if (parts[parts.length - 1] !== out) out.dispose();
    }
    return tf.concat(parts) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
  }
};

/**
 * `view` applied to every example of `d`, in batches, concatenated into `[n, width]`. Each batch's
 * draws (ε of a stochastic encoder, say) are seeded from `seed` and the batch index.
 */
const viewOfData = (
  source: ViewSource,
  view: ViewName,
  d: Dataset,
  batch: number,
  seed: number,
): tf.Tensor2D => {
  const width = exampleWidth(d.shape);
  return inBatches(d.size, batch, (start, rows, k) => {
    const input: ViewInput = {
      x: d.x.subarray(start * width, (start + rows) * width),
      labels: d.labels.subarray(start, start + rows),
      rows,
    };
    return source.evalView(view, input, undefined, { seed: seed + k });
  });
};

/** `n` rows of a view that reads no input (`sample`, `prior`), seeded per batch. */
const viewDraws = (source: ViewSource, view: ViewName, n: number, batch: number, seed: number): tf.Tensor2D =>
  inBatches(n, batch, (_start, rows, k) => source.evalView(view, undefined, rows, { seed: seed + k }));

/** The last `min(10000, ⌊train/6⌋)` training examples: MNIST's usual 50k/10k split. */
export const defaultValidation = (train: Dataset): Dataset => {
  const k = Math.max(1, Math.min(10_000, Math.floor(train.size / 6)));
  return subset(
    train,
    Array.from({ length: k }, (_, i) => train.size - k + i),
    `${train.name}/validation(last ${k})`,
  );
};

// -------------------------------------------------------------------------------------------------
// evaluation
// -------------------------------------------------------------------------------------------------

/**
 * Compute `options.metrics` for the model behind `source` on `data`. Metrics run in catalogue
 * order; each frees its tensors before the next. The caller checks applicability first
 * (`notApplicable`); a view a metric needs but the source lacks surfaces as the source's error.
 *
 * @example
 * const { train, test } = await loadMnist();
 * const shape = runShapeOf(plan, { mnist: true });
 * const metrics = applicableMetrics(shape);
 * const results = await evaluate(trainer, { train, test }, { metrics, samples: 1000 });
 * console.log(headline(results));
 */
export const evaluate = async (
  source: ViewSource,
  data: EvalData,
  options: EvaluateOptions,
): Promise<MetricResults> => {
  const samplesN = options.samples ?? 10_000;
  const seed = options.seed ?? 0;
  const batch = options.batch ?? 500;
  const progress = options.onProgress ?? (() => undefined);
  const wants = (m: MetricName): boolean => options.metrics.includes(m);
  if (!Number.isInteger(samplesN) || samplesN < 2)
    throw new EvalError(`evaluate: samples must be an integer ≥ 2, got ${samplesN}`);

  const results: { -readonly [K in keyof MetricResults]: MetricResults[K] } = {};
  const test = datasetTensor(data.test);
  // Seeds of the different draws are kept apart so adding a metric never changes another's numbers.
  const seeds = {
    samples: seed * 1000 + 1,
    codes: seed * 1000 + 2,
    prior: seed * 1000 + 3,
    recon: seed * 1000 + 4,
    classify: seed * 1000 + 5,
  };
  try {
    let samples: tf.Tensor2D | undefined;
    const modelSamples = (metric: MetricName): tf.Tensor2D => {
      if (samples === undefined) {
        progress(metric, `drawing ${samplesN} samples`, 0);
        samples = viewDraws(source, 'sample', samplesN, batch, seeds.samples);
      }
      return samples;
    };
    try {
      if (wants('parzen')) {
        const s = modelSamples('parzen');
        const validationSet = data.validation ?? defaultValidation(data.train);
        const validation = datasetTensor(validationSet);
        try {
          const selection = await selectSigma(s, validation, options.sigmaGrid ?? defaultSigmaGrid, {
            onProgress: (f) => progress('parzen', 'choosing σ on the validation split', f / 2),
          });
          const ll = await parzenLogLikelihood(s, test, selection.sigma, {
            onProgress: (f) =>
              progress('parzen', `test log-likelihood at σ = ${selection.sigma.toPrecision(3)}`, 0.5 + f / 2),
          });
          results.parzen = {
            ...ll,
            samples: samplesN,
            sigma: selection.sigma,
            validation: selection.scores,
            validationSize: validationSet.size,
          };
        } finally {
          validation.dispose();
        }
      }
      if (wants('fid') || wants('score')) {
        if (options.classifier === undefined)
          throw new EvalError('evaluate: fid and score need the MNIST classifier, and none was given');
        const s = modelSamples(wants('fid') ? 'fid' : 'score');
        progress(wants('fid') ? 'fid' : 'score', 'loading the classifier', 0.1);
        const { model, info } = await options.classifier();
        progress(wants('fid') ? 'fid' : 'score', 'classifying samples and test images', 0.3);
        const fake = classifierOutputs(model, s);
        const real = classifierOutputs(model, test);
        try {
          if (wants('fid')) {
            const [a, b] = [await featureGaussian(real.features), await featureGaussian(fake.features)];
            results.fid = {
              value: frechetDistance(a, b),
              samples: samplesN,
              reference: data.test.size,
              classifier: info,
            };
            progress('fid', 'done', 1);
          }
          if (wants('score')) {
            results.score = {
              value: await classifierScore(fake.probs),
              samples: samplesN,
              testSetScore: await classifierScore(real.probs),
              classifier: info,
            };
            progress('score', 'done', 1);
          }
        } finally {
          tf.dispose([fake.features, fake.probs, real.features, real.probs]);
        }
      }
    } finally {
      samples?.dispose();
    }

    if (wants('recon')) {
      progress('recon', 'reconstructing the test set', 0);
      const xr = viewOfData(source, 'reconstruct', data.test, batch, seeds.recon);
      try {
        const metric = options.reconstruction ?? 'bce';
        results.recon = { ...(await reconstructionError(test, xr, metric)), metric };
      } finally {
        xr.dispose();
      }
      progress('recon', 'done', 1);
    }

    if (wants('mmd')) {
      progress('mmd', 'encoding the test set', 0);
      const codes = viewOfData(source, 'encode', data.test, batch, seeds.codes);
      const prior = viewDraws(source, 'prior', data.test.size, batch, seeds.prior);
      try {
        const sigmas = options.mmdSigmas ?? defaultCodeSigmas;
        progress('mmd', 'kernel sums', 0.3);
        results.mmd = { value: await mmdSquared(codes, prior, sigmas), n: data.test.size, sigmas };
      } finally {
        tf.dispose([codes, prior]);
      }
      progress('mmd', 'done', 1);
    }

    if (wants('cluster') || wants('classify')) {
      const first: MetricName = wants('cluster') ? 'cluster' : 'classify';
      progress(first, 'q(y|x) of the test set', 0);
      const testProbs = viewOfData(source, 'classify', data.test, batch, seeds.classify);
      try {
        if (wants('classify')) {
          if (testProbs.shape[1] !== data.test.classes) {
            throw new EvalError(
              `classify: the model's classify view has ${testProbs.shape[1]} outputs but the data have ${data.test.classes} classes; use 'cluster' for a clustering head`,
            );
          }
          results.classify = {
            value: await classificationError(testProbs, data.test.labels),
            n: data.test.size,
          };
          progress('classify', 'done', 1);
        }
        if (wants('cluster')) {
          progress('cluster', `q(y|x) of the ${data.train.size} training images`, 0.2);
          const trainProbs = viewOfData(source, 'classify', data.train, batch, seeds.classify + 1);
          try {
            const named = await clusterLabels(trainProbs, data.train.labels);
            const majority = await majorityLabels(trainProbs, data.train.labels, data.train.classes);
            results.cluster = {
              value: await clusteringError(testProbs, data.test.labels, named),
              n: data.test.size,
              clusters: named.length,
              clusterLabels: [...named],
              clusterSizes: [...(await clusterSizes(testProbs))],
              majorityError: await clusteringError(testProbs, data.test.labels, majority),
              majorityLabels: [...majority],
            };
          } finally {
            trainProbs.dispose();
          }
          progress('cluster', 'done', 1);
        }
      } finally {
        testProbs.dispose();
      }
    }
  } finally {
    test.dispose();
  }
  return results;
};

/**
 * The headline number of each computed metric, for tables and comparisons.
 *
 * @example
 * headline(await evaluate(trainer, data, { metrics: ['recon', 'mmd'] }));   // { recon: 71.3, mmd: 0.004 }
 */
export const headline = (results: MetricResults): Partial<Record<MetricName, number>> => {
  const out: Partial<Record<MetricName, number>> = {};
  if (results.parzen !== undefined) out.parzen = results.parzen.mean;
  if (results.fid !== undefined) out.fid = results.fid.value;
  if (results.score !== undefined) out.score = results.score.value;
  if (results.recon !== undefined) out.recon = results.recon.mean;
  if (results.mmd !== undefined) out.mmd = results.mmd.value;
  if (results.cluster !== undefined) out.cluster = results.cluster.value;
  if (results.classify !== undefined) out.classify = results.classify.value;
  return out;
};
