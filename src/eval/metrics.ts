/**
 * The catalogue of evaluation metrics: their names, what each needs from a model, and whether it
 * applies to a given run.
 *
 * Why a catalogue apart from the computations: `saddle eval` must say *before* loading a backend
 * that `cluster` makes no sense for a model without a `classify` view, and the default metric set
 * is "everything that applies" — both are questions about views and data, not tensors.
 *
 * @module
 */
import { planPhases, type Plan } from '../compile/plan.js';
import type { ViewName } from '../dsl/ast.js';
import type { ReconstructionMetric } from './reconstruction.js';

/**
 * Every metric `saddle eval` knows, in the order reports list them.
 *
 * @example
 * for (const name of metricNames) console.log(name, metricDescriptions[name]);
 */
export const metricNames = ['parzen', 'fid', 'score', 'recon', 'mmd', 'cluster', 'classify'] as const;
/**
 * The name of one metric `evaluate` computes (and `saddle eval --metrics` accepts): a closed set, so
 * a misspelt metric is a type error in code and a listed error on the command line.
 *
 * @example
 * const wanted: MetricName[] = ['parzen', 'fid'];
 */
export type MetricName = (typeof metricNames)[number];

/**
 * One line per metric for help texts and docs.
 *
 * @example
 * console.log(metricDescriptions.parzen);   // 'Parzen-window log-likelihood of the test set ...'
 */
export const metricDescriptions: Readonly<Record<MetricName, string>> = {
  parzen: 'Parzen-window log-likelihood of the test set under model samples (nats, higher is better)',
  fid: 'Fréchet distance of classifier features, samples vs test set (lower is better)',
  score: 'classifier score exp(E KL(p(y|x) ‖ p(y))) of samples (1 to 10, higher is better)',
  recon: "test-set reconstruction loss in the model's own metric (per image, lower is better)",
  mmd: 'MMD² between encoded test codes and prior draws (lower is better)',
  cluster: 'clustering error on the test set, clusters labelled by their most confident training image',
  classify: 'classification error on the test set, argmax q(y|x) as the class',
};

/** The views each metric reads. */
export const metricViews: Readonly<Record<MetricName, readonly ViewName[]>> = {
  parzen: ['sample'],
  fid: ['sample'],
  score: ['sample'],
  recon: ['reconstruct'],
  mmd: ['encode', 'prior'],
  cluster: ['classify'],
  classify: ['classify'],
};

/**
 * What decides applicability besides views: the shape of the data and its classes.
 *
 * @example
 * const shape: RunShape = { views: ['sample', 'encode', 'prior'], dataWidth: 2, classes: 8, mnist: false };
 * applicableMetrics(shape);   // ['parzen', 'mmd']: fid and score need MNIST
 */
export interface RunShape {
  readonly views: readonly ViewName[];
  /** Flattened width of one example (784 for MNIST). */
  readonly dataWidth: number;
  readonly classes: number;
  /** Whether the run's data are MNIST itself (a 28 × 28 synthetic set is the right shape but not MNIST). */
  readonly mnist: boolean;
  /** Outputs of the `classify` view, if known: a classifier has one per class, a clustering head any number. */
  readonly classifyWidth?: number;
}

/** Metrics judged by saddle's MNIST classifier need MNIST-shaped data. */
const needsMnist: readonly MetricName[] = ['fid', 'score'];

/**
 * Why `metric` cannot be computed for a run of this shape, or `undefined` if it can. Why a reason
 * and not a boolean: the CLI shows it verbatim when a user asks for that metric.
 *
 * @example
 * notApplicable('cluster', runShapeOf(plan, { mnist: true }));
 * // "'cluster' needs the model's 'classify' view, which it does not declare"
 */
export const notApplicable = (metric: MetricName, run: RunShape): string | undefined => {
  const missing = metricViews[metric].filter((v) => !run.views.includes(v));
  if (missing.length > 0) {
    return `'${metric}' needs the model's ${missing.map((v) => `'${v}'`).join(' and ')} view${missing.length > 1 ? 's' : ''}, which it does not declare`;
  }
  if (needsMnist.includes(metric) && (!run.mnist || run.dataWidth !== 784 || run.classes !== 10)) {
    return `'${metric}' scores samples with saddle's MNIST classifier, but this run's data are not MNIST (${run.dataWidth} wide, ${run.classes} classes)`;
  }
  if (metric === 'classify' && run.classifyWidth !== undefined && run.classifyWidth !== run.classes) {
    return `'classify' reads the 'classify' view's argmax as the class, but it has ${run.classifyWidth} outputs for ${run.classes} classes (a clustering head: use 'cluster')`;
  }
  return undefined;
};

/**
 * Every metric that applies to a run, in catalogue order: the default of `saddle eval`.
 *
 * @example
 * const metrics = applicableMetrics(runShapeOf(plan, { mnist: true }));
 */
export const applicableMetrics = (run: RunShape): readonly MetricName[] =>
  metricNames.filter((m) => notApplicable(m, run) === undefined);

/** Parse a `--metrics a,b,c` list; unknown names are reported together, with the known ones. */
export const parseMetricList = (
  raw: string,
): { readonly metrics: readonly MetricName[]; readonly unknown: readonly string[] } => {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const known = (n: string): n is MetricName => (metricNames as readonly string[]).includes(n);
  const metrics = metricNames.filter((m) => names.includes(m));
  return { metrics, unknown: names.filter((n) => !known(n)) };
};

/**
 * The run shape of a compiled plan: its declared views and its data declaration.
 *
 * @example
 * const shape = runShapeOf(plan, { mnist: false });   // e.g. a model trained on ring(...)
 */
export const runShapeOf = (plan: Plan, data: { readonly mnist: boolean }): RunShape => {
  const classify = plan.views.classify;
  const shape = classify?.instrs[classify.output]?.shape;
  return {
    mnist: data.mnist,
    views: (Object.keys(plan.views) as ViewName[]).filter((v) => plan.views[v] !== undefined),
    dataWidth: plan.data.x.reduce((a, b) => a * b, 1),
    classes: plan.data.classes,
    ...(shape === undefined ? {} : { classifyWidth: shape.reduce((a, b) => a * b, 1) }),
  };
};

/**
 * The loss the model trains its reconstruction with (the first `reconstruction` term of its
 * schedule), so the test error is on the training log's scale; `bce` when it has none.
 *
 * @example
 * await evaluate(trainer, data, { metrics: ['recon'], reconstruction: reconstructionMetricOf(plan) });
 */
export const reconstructionMetricOf = (plan: Plan): ReconstructionMetric => {
  for (const phase of planPhases(plan)) {
    for (const instr of phase.program.instrs) if (instr.op.kind === 'reconstruction') return instr.op.metric;
  }
  return 'bce';
};
