/**
 * The trainer: a Plan made live — variables, one optimizer per phase, one batch stream per declared
 * stream — and `step()`, which runs one iteration of the plan's schedule.
 *
 * Iteration semantics (DESIGN.md, `Phase` in `src/dsl/ast.ts`): each iteration draws one batch per
 * stream; every phase reading a stream sees that same batch; a phase with `repeat > 1` takes fresh
 * batches from its stream for its extra steps. A phase is `optimizer.minimize` over exactly its
 * `params`; a simultaneous group takes all its gradients before applying any.
 *
 * The hot loop never waits for the backend: each step's per-phase losses stay on the backend as kept
 * scalars in a small buffer; `readLosses()` reads them all with one async download and disposes
 * them, and is where a non-finite loss is detected and reported by phase and iteration.
 *
 * Randomness: one seed. `fork('init')` initializes parameters; `fork('sampling')` gives one uint32 per
 * program evaluation, expanded into that evaluation's priors, ε and dropout masks; streams shuffle
 * from the seed and their names. The sampling generator's and streams' states are what a checkpoint
 * saves, so a resumed run draws exactly what an uninterrupted run would.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { PlanPhase, Plan, Program } from '../compile/plan.js';
import { planPhases } from '../compile/plan.js';
import type { ViewName } from '../dsl/ast.js';
import { exampleWidth, type Dataset } from '../data/dataset.js';
import { createRng, restoreRng, type Rng, type RngState } from '../data/rng.js';
import {
  createStream,
  restoreStream,
  type BatchStream,
  type StreamOptions,
  type StreamState,
} from '../data/stream.js';
import { createDraws } from './draws.js';
import { compileOutput, type BatchTensors, type Evaluation } from './execute.js';
import { compileNets, createVariables, type Forward, type Variables } from './nets.js';
import { applyAsIs, applyClipped, createOptimizer, scheduleRate } from './optimizers.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * What a trainer is made from; a checkpoint is only valid for the same config.
 *
 * @example
 * const config: TrainerConfig = { plan, data: (await loadMnist()).train, batchSize: 100, seed: 1 };
 * const trainer = createTrainer(config);
 */
export interface TrainerConfig {
  readonly plan: Plan;
  readonly data: Dataset;
  readonly batchSize: number;
  readonly seed: number;
}

/**
 * The losses of one iteration, as read from the backend: phase name → loss (mean over repeats).
 *
 * @example
 * const records: LossRecord[] = await trainer.readLosses();
 * for (const r of records) console.log(r.iteration, r.losses['reconstruction']);
 */
export interface LossRecord {
  readonly iteration: number;
  readonly epoch: number;
  readonly losses: Readonly<Record<string, number>>;
}

/**
 * An input batch handed to `evalView` (e.g. test images to encode or reconstruct).
 *
 * @example
 * const input: ViewInput = { x: test.x.subarray(0, 100 * 784), rows: 100 };
 * const reconstructed = trainer.evalView('reconstruct', input);
 */
export interface ViewInput {
  readonly x: Float32Array;
  readonly labels?: Int32Array;
  readonly rows: number;
}

/**
 * Options of `evalView`.
 *
 * @example
 * const options: ViewOptions = { seed: 7 };   // the same 100 prior draws at every epoch
 * const samples = trainer.evalView('sample', undefined, 100, options);
 */
export interface ViewOptions {
  /**
   * Fixes the view's draws (the same `z` every call: a sample grid comparable across epochs).
   * Without it every call draws afresh from the trainer's view generator.
   */
  readonly seed?: number;
}

/**
 * The non-tensor state a checkpoint needs to continue a run exactly.
 *
 * @example
 * const progress: TrainerProgress = trainer.progress();
 * console.log(`iteration ${progress.iteration}, train stream at epoch ${progress.streams['train']?.epoch}`);
 */
export interface TrainerProgress {
  readonly iteration: number;
  readonly sampling: RngState;
  readonly views: RngState;
  readonly streams: Readonly<Record<string, StreamState>>;
}

/**
 * A compiled model made live: its variables, one optimizer per phase and one batch stream per
 * declared stream. `step()` runs one iteration of the schedule without waiting for the backend;
 * `readLosses()` downloads the losses in one go and is where divergence is detected; `evalView`
 * evaluates the model's declared views in inference mode.
 *
 * @example
 * const trainer: Trainer = createTrainer({ plan, data: train, batchSize: 100, seed: 1 });
 * for (let i = 0; i < trainer.stepsPerEpoch; i++) trainer.step();
 * console.log(await trainer.readLosses());
 * const samples = trainer.evalView('sample', undefined, 64);
 * samples.dispose();
 * trainer.dispose();
 */
export interface Trainer {
  readonly config: TrainerConfig;
  readonly plan: Plan;
  /** Completed iterations. */
  readonly iteration: number;
  /** Completed passes over the first declared stream (the epoch clock). */
  readonly epoch: number;
  /** Iterations per epoch of the first declared stream. */
  readonly stepsPerEpoch: number;
  /** Every parameter (trainable or not), by ParamSpec name. */
  readonly variables: Variables;
  /** Each phase's optimizer, by phase name. */
  readonly optimizers: ReadonlyMap<string, tf.Optimizer>;
  /** Iterations whose losses are still on the backend, waiting for `readLosses`. */
  readonly pendingLosses: number;
  /** Run one iteration of the schedule. Never blocks on the backend. */
  step(): void;
  /**
   * Download and dispose every buffered loss, oldest first. Throws `NonFiniteLossError` at the
   * first NaN/±Inf (the buffer is emptied either way).
   */
  readLosses(): Promise<LossRecord[]>;
  /**
   * Evaluate a view in inference mode. Views reading the input batch take `input`; views that only
   * sample take a row count (`rows`, default: the batch size). The caller owns (disposes) the result.
   */
  evalView(name: ViewName, input?: ViewInput, rows?: number, options?: ViewOptions): tf.Tensor;
  /**
   * `evalView`, downloaded: the view's values as a row-major `Float32Array` (rows × width), with
   * the tensor already disposed — what a program writing pictures or statistics wants.
   *
   * @example
   * const samples = await trainer.readView('sample', undefined, 100); // 100 × 784 values in [0, 1]
   */
  readView(name: ViewName, input?: ViewInput, rows?: number, options?: ViewOptions): Promise<Float32Array>;
  /** The run's position (iteration, generators, streams), for checkpoints. */
  progress(): TrainerProgress;
  dispose(): void;
}

/**
 * Observers of a trainer's inner workings, for tools rather than training: the parity harness
 * (`npm run parity`) records every batch and draw each phase reads, so a reference implementation
 * can replay the same iterations.
 *
 * @example
 * const trainer = createTrainer(config, undefined, {
 *   record: ({ phase, repeat }, key, value) => console.log(phase, repeat, key, value.shape),
 * });
 */
export interface TrainerHooks {
  /** Sees each external value (`Recorder` keys) of each phase evaluation, in order. */
  readonly record?: (
    at: { readonly phase: string; readonly repeat: number },
    key: string,
    value: tf.Tensor,
  ) => void;
}

/**
 * A loss became NaN or infinite. The message names the phase and iteration, which is what a user
 * needs to start looking (learning rate, a `scale`, a log of zero).
 *
 * @example
 * try { await trainer.readLosses(); }
 * catch (e) { if (e instanceof NonFiniteLossError) console.error(`${e.message}; lower the learning rate of '${e.phase}'`); }
 */
export class NonFiniteLossError extends Error {
  override readonly name: string = 'NonFiniteLossError';
  constructor(
    readonly phase: string,
    readonly iteration: number,
    readonly value: number,
    /** The finite records read before the bad one (so a log can still show how the run got there). */
    readonly records: readonly LossRecord[] = [],
  ) {
    super(
      `loss of phase '${phase}' became ${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'} at iteration ${iteration}`,
    );
  }
}

/**
 * A parameter became NaN or infinite in a phase's update although the phase's loss was finite (an
 * overflowing step, a bad gradient). A kind of `NonFiniteLossError`, so whoever stops a run on a
 * diverging loss stops it on this too — and no checkpoint ever holds such a parameter.
 *
 * @example
 * try { await trainer.readLosses(); }
 * catch (e) { if (e instanceof NonFiniteParameterError) console.error(`${e.message}; lower the learning rate of '${e.phase}'`); }
 */
export class NonFiniteParameterError extends NonFiniteLossError {
  override readonly name = 'NonFiniteParameterError';
  constructor(phase: string, iteration: number, value: number, records: readonly LossRecord[] = []) {
    super(phase, iteration, value, records);
    this.message = `a parameter updated by phase '${phase}' became NaN or infinite at iteration ${iteration}`;
  }
}

/**
 * A config that cannot be trained (data of the wrong shape, a bad batch size).
 *
 * @example
 * try { createTrainer({ plan, data, batchSize: 0, seed: 1 }); }
 * catch (e) { if (e instanceof TrainerConfigError) console.error(e.message); }   // batch size must be a positive integer, got 0
 */
export class TrainerConfigError extends Error {
  override readonly name = 'TrainerConfigError';
}

// -------------------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------------------

interface LivePhase {
  readonly phase: PlanPhase;
  readonly optimizer: tf.Optimizer;
  readonly varList: tf.Variable[];
  readonly loss: (evaluation: Evaluation) => tf.Scalar;
  readonly stream: number;
}

interface PendingRecord {
  readonly iteration: number;
  readonly epoch: number;
  /** One kept scalar per phase, in `phaseNames` order. */
  readonly losses: tf.Scalar[];
  /**
   * Per phase (same order), the sum of the parameters it updated, after its update: NaN or ±Inf
   * exactly when one of them is (a sum of finite float32s overflows only far beyond sane weights).
   */
  readonly parameterSums: tf.Scalar[];
}

const streamOptions = (config: TrainerConfig, decl: Plan['streams'][number]): StreamOptions => ({
  name: decl.name,
  batchSize: config.batchSize,
  seed: config.seed,
  labels: decl.labels,
});

const checkConfig = (config: TrainerConfig): void => {
  const { plan, data, batchSize, seed } = config;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainerConfigError(`batch size must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isSafeInteger(seed)) throw new TrainerConfigError(`seed must be an integer, got ${seed}`);
  if (exampleWidth(data.shape) !== exampleWidth(plan.data.x)) {
    throw new TrainerConfigError(
      `model '${plan.model}' expects examples of shape [${plan.data.x.join(', ')}], but dataset '${data.name}' has [${data.shape.join(', ')}]`,
    );
  }
  if (plan.streams.length === 0)
    throw new TrainerConfigError(`model '${plan.model}' declares no data stream`);
};

// -------------------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------------------

/**
 * A trainer for `config`, at iteration 0 — or, given `resume`, at the saved position (parameters
 * and optimizer state are restored separately, see `restoreTrainer` in `checkpoint.ts`).
 *
 * @example
 * const plan = compile(zoo['aae']!.build(zoo['aae']!.defaults));
 * if (E.isLeft(plan)) throw new Error(formatErrors(plan.left));
 * await selectBackend('auto');
 * const trainer = createTrainer({ plan: plan.right, data: (await loadMnist()).train, batchSize: 100, seed: 1 });
 * trainer.step();
 */
export const createTrainer = (
  config: TrainerConfig,
  resume?: TrainerProgress,
  hooks: TrainerHooks = {},
): Trainer => {
  checkConfig(config);
  const { plan, data } = config;
  const root = createRng(config.seed);
  const variables = createVariables(plan.nets, root.fork('init').nextFloat);
  const forwards: ReadonlyMap<string, Forward> = compileNets(plan.nets, variables);
  // Trainable parameters per net, for programs that penalize them (`l2`).
  const parameters = new Map(
    plan.nets.map((n) => [
      n.name,
      n.params.filter((p) => p.trainable).flatMap((p) => variables.get(p.name) ?? []),
    ]),
  );

  const sampling: Rng = resume === undefined ? root.fork('sampling') : restoreRng(resume.sampling);
  const viewRng: Rng = resume === undefined ? root.fork('views') : restoreRng(resume.views);
  const streams: BatchStream[] = plan.streams.map((decl) => {
    const saved = resume?.streams[decl.name];
    return saved === undefined
      ? createStream(data, streamOptions(config, decl))
      : restoreStream(data, streamOptions(config, decl), saved);
  });
  const streamIndex = new Map(plan.streams.map((s, i) => [s.name, i]));
  const clock = streams[0] as BatchStream;
  const xShape = [...plan.data.x];

  const phases = planPhases(plan);
  const phaseNames = phases.map((p) => p.name);
  const optimizers = new Map<string, tf.Optimizer>();
  const live = new Map<PlanPhase, LivePhase>();
  for (const phase of phases) {
    const optimizer = createOptimizer(phase.optimizer);
    optimizers.set(phase.name, optimizer);
    const stream = streamIndex.get(phase.data);
    if (stream === undefined) {
      throw new TrainerConfigError(
        `${phase.path}: phase '${phase.name}' reads stream '${phase.data}', which the model does not declare`,
      );
    }
    const varList = phase.params.map((name) => {
      const v = variables.get(name);
      if (v === undefined)
        throw new TrainerConfigError(
          `${phase.path}: phase '${phase.name}' updates unknown parameter '${name}'`,
        );
      return v;
    });
    const loss = compileOutput(phase.program, forwards, {
      training: true,
      updates: new Set(phase.update),
      where: `phase '${phase.name}'`,
      parameters,
    }) as (evaluation: Evaluation) => tf.Scalar;
    live.set(phase, { phase, optimizer, varList, loss, stream });
  }
  const liveOf = (p: PlanPhase): LivePhase => live.get(p) as LivePhase;

  let iteration = resume?.iteration ?? 0;
  let pending: PendingRecord[] = [];
  let disposed = false;

  /** Upload one batch; labels only when the stream has them. */
  const upload = (stream: BatchStream): BatchTensors => {
    const b = stream.next();
    return {
      x: tf.tensor(b.x, [b.rows, ...xShape], 'float32'),
      labels: b.labels === null ? null : tf.tensor1d(b.labels, 'int32'),
      rows: b.rows,
    };
  };
  const release = (b: BatchTensors): void => {
    b.x?.dispose();
    b.labels?.dispose();
  };

  /** The batch of a phase's r-th repeat: the iteration's batch first, then fresh ones. */
  const batchFor = (
    p: LivePhase,
    r: number,
    iterationBatches: readonly BatchTensors[],
    fresh: BatchTensors[],
  ): BatchTensors => {
    if (r === 0) return iterationBatches[p.stream] as BatchTensors;
    const b = upload(streams[p.stream] as BatchStream);
    fresh.push(b);
    return b;
  };

  const record = hooks.record;
  const evaluationFor = (batch: BatchTensors, phase: string, repeat: number): Evaluation => ({
    batch,
    draws: createDraws(sampling.nextUint32()),
    ...(record === undefined ? {} : { record: (key, value) => record({ phase, repeat }, key, value) }),
  });

  /** Mean of one phase's costs over its repeats, kept; the costs themselves are disposed. */
  const meanCost = (costs: tf.Scalar[]): tf.Scalar => {
    if (costs.length === 1) return costs[0] as tf.Scalar;
    const mean = tf.tidy(() => tf.div(tf.addN(costs), costs.length) as tf.Scalar);
    tf.dispose(costs);
    return mean;
  };

  const runPhase = (
    p: LivePhase,
    iterationBatches: readonly BatchTensors[],
    fresh: BatchTensors[],
  ): tf.Scalar => {
    const costs: tf.Scalar[] = [];
    scheduleRate(p.optimizer, p.phase.optimizer, iteration);
    const clipNorm = p.phase.optimizer.clipNorm;
    for (let r = 0; r < p.phase.repeat; r++) {
      const evaluation = evaluationFor(batchFor(p, r, iterationBatches, fresh), p.phase.name, r);
      const cost =
        clipNorm === undefined
          ? tf.tidy(() => p.optimizer.minimize(() => p.loss(evaluation), true, p.varList) as tf.Scalar)
          : applyClipped(
              p.optimizer,
              p.optimizer.computeGradients(() => p.loss(evaluation), p.varList),
              clipNorm,
            );
      costs.push(cost);
    }
    return meanCost(costs);
  };

  const runSimultaneous = (
    group: readonly LivePhase[],
    iterationBatches: readonly BatchTensors[],
    fresh: BatchTensors[],
  ): tf.Scalar[] => {
    const costs: tf.Scalar[][] = group.map(() => []);
    const rounds = Math.max(...group.map((p) => p.phase.repeat));
    group.forEach((p) => scheduleRate(p.optimizer, p.phase.optimizer, iteration));
    for (let r = 0; r < rounds; r++) {
      const taking = group.filter((p) => r < p.phase.repeat);
      const results = taking.map((p) => {
        const evaluation = evaluationFor(batchFor(p, r, iterationBatches, fresh), p.phase.name, r);
        return p.optimizer.computeGradients(() => p.loss(evaluation), p.varList);
      });
      taking.forEach((p, i) => {
        const result = results[i];
        if (result === undefined) return;
        const clipNorm = p.phase.optimizer.clipNorm;
        costs[group.indexOf(p)]?.push(
          clipNorm === undefined
            ? applyAsIs(p.optimizer, result)
            : applyClipped(p.optimizer, result, clipNorm),
        );
      });
    }
    return costs.map(meanCost);
  };

  const step = (): void => {
    if (disposed) throw new Error('trainer.step(): the trainer was disposed');
    const iterationBatches = streams.map(upload);
    const fresh: BatchTensors[] = [];
    const losses: tf.Scalar[] = [];
    const parameterSums: tf.Scalar[] = [];
    const sumUpdated = (p: LivePhase): void => {
      parameterSums.push(
        tf.tidy(() =>
          p.varList.length === 0 ? tf.scalar(0) : (tf.addN(p.varList.map((v) => tf.sum(v))) as tf.Scalar),
        ),
      );
    };
    try {
      for (const s of plan.schedule) {
        if (s.kind === 'phase') {
          losses.push(runPhase(liveOf(s.phase), iterationBatches, fresh));
          sumUpdated(liveOf(s.phase));
        } else {
          losses.push(...runSimultaneous(s.phases.map(liveOf), iterationBatches, fresh));
          s.phases.forEach((p) => sumUpdated(liveOf(p)));
        }
      }
    } catch (e) {
      tf.dispose(losses);
      tf.dispose(parameterSums);
      throw e;
    } finally {
      iterationBatches.forEach(release);
      fresh.forEach(release);
    }
    iteration += 1;
    pending.push({ iteration, epoch: clock.epoch, losses, parameterSums });
  };

  const readLosses = async (): Promise<LossRecord[]> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return [];
    const all = batch.flatMap((r) => [...r.losses, ...r.parameterSums]);
    const stacked = tf.stack(all);
    let values: Float32Array;
    try {
      values = (await stacked.data()) as Float32Array;
    } finally {
      stacked.dispose();
      tf.dispose(all);
    }
    const records: LossRecord[] = [];
    let k = 0;
    for (const r of batch) {
      const losses: Record<string, number> = {};
      // Phase by phase in schedule order, its loss then its update: the first cause is named.
      phaseNames.forEach((name, j) => {
        const value = values[k + j] ?? Number.NaN;
        if (!Number.isFinite(value)) throw new NonFiniteLossError(name, r.iteration, value, records);
        const sum = values[k + phaseNames.length + j] ?? Number.NaN;
        if (!Number.isFinite(sum)) throw new NonFiniteParameterError(name, r.iteration, sum, records);
        losses[name] = value;
      });
      k += 2 * phaseNames.length;
      records.push({ iteration: r.iteration, epoch: r.epoch, losses });
    }
    return records;
  };

  const views = new Map<ViewName, (e: Evaluation) => tf.Tensor>();
  const viewProgram = (name: ViewName): ((e: Evaluation) => tf.Tensor) => {
    const cached = views.get(name);
    if (cached !== undefined) return cached;
    const program: Program | undefined = plan.views[name];
    if (program === undefined) {
      const offered = Object.keys(plan.views);
      throw new TrainerConfigError(
        `model '${plan.model}' has no '${name}' view (it offers: ${offered.length > 0 ? offered.join(', ') : 'none'})`,
      );
    }
    const compiled = compileOutput(program, forwards, {
      training: false,
      updates: new Set(),
      where: `view '${name}'`,
      parameters,
    });
    views.set(name, compiled);
    return compiled;
  };

  const evalView = (
    name: ViewName,
    input?: ViewInput,
    rows?: number,
    options: ViewOptions = {},
  ): tf.Tensor => {
    const run = viewProgram(name);
    const seed = options.seed === undefined ? viewRng.nextUint32() : options.seed >>> 0;
    return tf.tidy(() => {
      const batch: BatchTensors =
        input === undefined
          ? { x: null, labels: null, rows: rows ?? config.batchSize }
          : {
              x: tf.tensor(input.x, [input.rows, ...xShape], 'float32'),
              labels: input.labels === undefined ? null : tf.tensor1d(input.labels, 'int32'),
              rows: input.rows,
            };
      return run({ batch, draws: createDraws(seed) });
    });
  };

  const readView = async (...args: Parameters<typeof evalView>): Promise<Float32Array> => {
    const t = evalView(...args);
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  };

  return {
    config,
    plan,
    get iteration() {
      return iteration;
    },
    get epoch() {
      return clock.epoch;
    },
    stepsPerEpoch: clock.stepsPerEpoch,
    variables,
    optimizers,
    get pendingLosses() {
      return pending.length;
    },
    step,
    readLosses,
    evalView,
    readView,
    progress: () => ({
      iteration,
      sampling: sampling.state(),
      views: viewRng.state(),
      streams: Object.fromEntries(streams.map((s) => [s.name, s.state()])),
    }),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      pending.forEach((r) => tf.dispose([...r.losses, ...r.parameterSums]));
      pending = [];
      for (const o of optimizers.values()) o.dispose();
      for (const v of variables.values()) v.dispose();
    },
  };
};
