/**
 * The program executor: a Plan `Program` turned into a list of closures, run in order.
 *
 * A program is compiled once (per phase and per view) into one closure per instruction that reads
 * its operands from a value array by index; an evaluation is a single loop over those closures. No
 * pattern matching, no lookups by name and no allocation beyond the tensors themselves happen in the
 * hot loop, so executing a plan costs what the equivalent hand-written tfjs code costs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { Instr, Program } from '../compile/plan.js';
import type { Draws } from './draws.js';
import * as loss from './losses.js';
import type { Forward, ForwardContext } from './nets.js';
import { sampleDist, standardNormal } from './samplers.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** The data one evaluation reads: a batch on the backend, and its labels when the stream has them. */
export interface BatchTensors {
  readonly x: tf.Tensor | null;
  readonly labels: tf.Tensor1D | null;
  /** Rows of the batch: the row count of every `'batch'`-rows value. */
  readonly rows: number;
}

/**
 * Observes every value an evaluation takes from outside the parameters: the input batch
 * (`input`), its labels (`labels`), each prior or noise draw (`sample:<site>`), each ε of a
 * reparameterized code (`eps:<site>`) and each dropout mask (`dropout:<net>`), in the order they are
 * taken. The parity harness (`npm run parity`) exports them so a reference implementation can
 * replay exactly the same iteration; training never sets it.
 */
export type Recorder = (key: string, value: tf.Tensor) => void;

/** Everything that varies between two evaluations of one compiled program. */
export interface Evaluation {
  readonly batch: BatchTensors;
  /** Source of every sample, ε and dropout mask of this evaluation. */
  readonly draws: Draws;
  /** Sees every external value the evaluation reads (see `Recorder`); unset when training. */
  readonly record?: Recorder;
}

/** How a program is evaluated; fixed when it is compiled. */
export interface ProgramMode {
  /** Training (dropout on, batch statistics) or inference. */
  readonly training: boolean;
  /** Nets whose batch-norm running statistics this program moves (the phase's `update`). */
  readonly updates: ReadonlySet<string>;
  /** Where the program comes from, for error messages (`phase 'critic'`, `view 'sample'`). */
  readonly where: string;
  /**
   * The trainable parameters of each net, by net name: what an `l2` penalty reads (parameters are
   * not values of the program). Needed only by programs with an `l2` term.
   */
  readonly parameters?: ReadonlyMap<string, readonly tf.Tensor[]>;
}

/** A compiled program: evaluates every instruction and returns the value array (index = ValueId). */
export type CompiledProgram = (evaluation: Evaluation) => readonly tf.Tensor[];

/**
 * A runtime mistake the compiler could not see (a view asked for without the input it needs).
 *
 * @example
 * try { trainer.evalView('reconstruct'); }   // reconstruct reads an input batch, none was given
 * catch (e) { if (e instanceof ExecutionError) console.error(e.message); }
 */
export class ExecutionError extends Error {
  override readonly name = 'ExecutionError';
}

type Step = (values: readonly tf.Tensor[], evaluation: Evaluation) => tf.Tensor;

// -------------------------------------------------------------------------------------------------
// ops
// -------------------------------------------------------------------------------------------------

/** A value's operand, read by index; every operand refers to an earlier instruction. */
const at = (values: readonly tf.Tensor[], id: number): tf.Tensor => values[id] as tf.Tensor;

/** Identity forward, zero gradient: tfjs has no public stop-gradient op. */
const stopGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

const rowsOf = (instr: Instr, evaluation: Evaluation): number =>
  typeof instr.rows === 'number' ? instr.rows : evaluation.batch.rows;

/** One instruction as a closure over its operands' indices. */
const compileInstr = (instr: Instr, nets: ReadonlyMap<string, Forward>, mode: ProgramMode): Step =>
  match(instr.op)
    .returnType<Step>()
    .with({ kind: 'input' }, () => (_, e) => {
      if (e.batch.x === null)
        throw new ExecutionError(`${mode.where} reads the input batch, but none was given`);
      e.record?.('input', e.batch.x);
      return e.batch.x;
    })
    .with({ kind: 'label' }, () => (_, e) => {
      if (e.batch.labels === null) {
        throw new ExecutionError(`${mode.where} reads labels, but its batch has none (use a labeled stream)`);
      }
      e.record?.('labels', e.batch.labels);
      return e.batch.labels;
    })
    .with({ kind: 'oneHot' }, (op) => (v) => {
      const of = at(v, op.of);
      return tf.cast(
        tf.oneHot(of.dtype === 'int32' ? (of as tf.Tensor1D) : tf.cast(of, 'int32'), op.classes),
        'float32',
      );
    })
    .with({ kind: 'apply' }, (op) => {
      const forward = nets.get(op.net);
      if (forward === undefined) throw new ExecutionError(`${mode.where} applies unknown net '${op.net}'`);
      const updateStatistics = mode.training && mode.updates.has(op.net);
      return (v, e) => {
        const context: ForwardContext = {
          training: mode.training,
          updateStatistics,
          draws: e.draws,
          ...(e.record === undefined ? {} : { record: e.record }),
        };
        return forward(at(v, op.input), context);
      };
    })
    .with({ kind: 'sample' }, (op) => (_, e) => {
      const drawn = sampleDist(op.dist, rowsOf(instr, e), e.draws);
      e.record?.(`sample:${op.site}`, drawn);
      return drawn;
    })
    .with(
      { kind: 'concat' },
      (op) => (v) =>
        tf.concat(
          op.parts.map((p) => at(v, p)),
          -1,
        ),
    )
    .with({ kind: 'slice' }, (op) => (v) => tf.slice(at(v, op.of), [0, op.start], [-1, op.width]))
    .with({ kind: 'add' }, (op) => (v) => tf.addN(op.terms.map((t) => at(v, t))))
    .with({ kind: 'gaussianCode' }, (op) => (v, e) => {
      const params = at(v, op.params);
      const half = (params.shape[1] ?? 0) / 2;
      const [mean, logvar] = tf.split(params, [half, half], 1) as [tf.Tensor, tf.Tensor];
      const eps = standardNormal(params.shape[0] ?? 0, half, e.draws);
      e.record?.(`eps:${op.site}`, eps);
      return tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
    })
    .with({ kind: 'stopGradient' }, (op) => (v) => stopGradient(at(v, op.of)))
    .with({ kind: 'features' }, (op) => {
      const forward = nets.get(op.net);
      if (forward === undefined) throw new ExecutionError(`${mode.where} applies unknown net '${op.net}'`);
      const updateStatistics = mode.training && mode.updates.has(op.net);
      return (v, e) => {
        const context: ForwardContext = {
          training: mode.training,
          updateStatistics,
          draws: e.draws,
          ...(e.record === undefined ? {} : { record: e.record }),
        };
        return forward(at(v, op.input), context, op.layers);
      };
    })
    .with({ kind: 'reconstruction' }, (op) =>
      op.metric === 'bce'
        ? (v) => loss.bce(at(v, op.target), at(v, op.output))
        : (v) => loss.mse(at(v, op.target), at(v, op.output)),
    )
    .with(
      { kind: 'ganCritic' },
      (op) => (v) =>
        loss.ganCritic(
          op.form,
          at(v, op.real),
          op.fake.map((f) => at(v, f)),
        ),
    )
    .with(
      { kind: 'ganGenerator' },
      (op) => (v) =>
        loss.ganGenerator(
          op.form,
          op.fake.map((f) => at(v, f)),
        ),
    )
    .with({ kind: 'witnessCritic' }, (op) => (v) => loss.witnessCritic(at(v, op.real), at(v, op.fake)))
    .with({ kind: 'witnessGenerator' }, (op) => (v) => loss.witnessGenerator(at(v, op.real), at(v, op.fake)))
    .with(
      { kind: 'fganCritic' },
      (op) => (v) => loss.fganCritic(op.divergence, at(v, op.real), at(v, op.fake)),
    )
    .with(
      { kind: 'fganGenerator' },
      (op) => (v) => loss.fganGenerator(op.divergence, at(v, op.real), at(v, op.fake)),
    )
    .with({ kind: 'l2' }, (op) => {
      const params = mode.parameters?.get(op.net);
      if (params === undefined)
        throw new ExecutionError(
          `${mode.where} penalizes the parameters of '${op.net}', but was compiled without them`,
        );
      return () => loss.l2(params);
    })
    .with({ kind: 'mmd' }, (op) => (v) => loss.mmd(at(v, op.a), at(v, op.b), op.sigmas))
    .with({ kind: 'crossEntropy' }, (op) => (v) => loss.crossEntropy(at(v, op.probs), at(v, op.target)))
    .with({ kind: 'klGaussian' }, (op) => (v) => loss.klGaussian(at(v, op.params)))
    .with(
      { kind: 'mutualInformation' },
      (op) => (v) => loss.negativeMutualInformationBound(at(v, op.probs), at(v, op.code), op.entropy),
    )
    .with({ kind: 'scale' }, (op) => (v) => tf.mul(at(v, op.of), op.by))
    .with(
      { kind: 'sum' },
      (op) => (v) => (op.of.length === 1 ? at(v, op.of[0] as number) : tf.addN(op.of.map((t) => at(v, t)))),
    )
    .exhaustive();

// -------------------------------------------------------------------------------------------------
// programs
// -------------------------------------------------------------------------------------------------

/**
 * Compile a program once into closures. Throws `ExecutionError` when it names a net the plan does
 * not have (a malformed plan, never a user mistake once the compiler has accepted the model).
 */
export const compileProgram = (
  program: Program,
  nets: ReadonlyMap<string, Forward>,
  mode: ProgramMode,
): CompiledProgram => {
  const steps = program.instrs.map((instr) => compileInstr(instr, nets, mode));
  const count = steps.length;
  return (evaluation) => {
    const values: tf.Tensor[] = new Array<tf.Tensor>(count);
    for (let i = 0; i < count; i++) values[i] = (steps[i] as Step)(values, evaluation);
    return values;
  };
};

/** Compile a program and return just its output (the loss of a phase, the batch of a view). */
export const compileOutput = (
  program: Program,
  nets: ReadonlyMap<string, Forward>,
  mode: ProgramMode,
): ((evaluation: Evaluation) => tf.Tensor) => {
  const run = compileProgram(program, nets, mode);
  const output = program.output;
  return (evaluation) => run(evaluation)[output] as tf.Tensor;
};
