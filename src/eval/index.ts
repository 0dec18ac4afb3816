/**
 * saddle's evaluation: the papers' metrics over a trained model's views.
 *
 * `evaluate` draws what each requested metric needs from anything with `evalView` (a `Trainer`)
 * and computes it; the metrics are exported one by one too, over plain tensors, for a program that
 * has its own samples. `applicableMetrics(runShapeOf(plan, ...))` says which metrics make sense for
 * a model before any tensor is drawn. Protocols are described in `docs/evaluation.md`.
 *
 * @example
 * import { evaluate } from 'saddle/eval';
 * const results = await evaluate(trainer, { train, test }, { metrics: ['parzen', 'mmd'], samples: 1000 });
 * console.log(results.parzen?.mean);
 *
 * @module saddle/eval
 */
export type {
  EvalData,
  EvaluateOptions,
  MetricResults,
  ParzenResult,
  ReconResult,
  ViewSource,
} from './evaluate.js';
export { evaluate, headline } from './evaluate.js';
export type { MetricName, RunShape } from './metrics.js';
export {
  applicableMetrics,
  metricDescriptions,
  metricNames,
  notApplicable,
  reconstructionMetricOf,
  runShapeOf,
} from './metrics.js';
export type { MeanWithError, ParzenOptions, SigmaSelection } from './parzen.js';
export { defaultSigmaGrid, parzenLogLikelihood, selectSigma } from './parzen.js';
export { defaultCodeSigmas, mmdSquared } from './mmd.js';
export type { FeatureGaussian } from './frechet.js';
export type { SquareMatrix } from './symmetric.js';
export { featureGaussian, frechetDistance } from './frechet.js';
export { classificationError, clusteringError, clusterLabels } from './clustering.js';
export type { ReconstructionMetric } from './reconstruction.js';
export { reconstructionError } from './reconstruction.js';
export { classifierScore } from './score.js';
export { ensureClassifier } from './classifier-cache.js';
export type { EnsureClassifierOptions } from './classifier-cache.js';
export type { ClassifierInfo, MnistClassifier, TrainClassifierOptions } from './classifier.js';
export { EvalError } from './errors.js';
