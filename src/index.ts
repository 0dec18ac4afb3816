/**
 * saddle — typed, graph-declarative generative models for TensorFlow.js.
 *
 * The root entry is the pure part: the language, its codec, the compiler and the zoo. It loads no
 * tensors, so a model can be declared, checked, printed and saved anywhere. Training, data,
 * pictures and metrics live behind their own entries (`saddle/runtime`, `saddle/data`,
 * `saddle/report`, `saddle/eval`), which load TensorFlow.js.
 *
 * @example
 * import { compile, explain, zoo } from 'saddle';
 * import * as E from 'fp-ts/lib/Either.js';
 * const plan = compile(zoo['aae']!.build(zoo['aae']!.defaults));
 * if (E.isRight(plan)) console.log(explain(plan.right));
 *
 * @module saddle
 */
export * from './dsl/index.js';
export { decodeModel, encodeModel, parseModelJson, formatErrors, ModelCodec } from './dsl/codec.js';
export { formatError } from './dsl/codec/report.js';
export { errorCatalog, errorCodes, errorDocs, errorStages, isErrorCode, issue } from './dsl/errors.js';
export type { ErrorCode, ErrorInfo, ErrorStage } from './dsl/errors.js';
export { modelJsonSchema, modelJsonSchemaText, type JsonSchema } from './dsl/schema.js';
export { compile, compileJson, explain } from './compile/index.js';
export { planPhases } from './compile/plan.js';
export type { CompileError, Plan, PlanPhase, PlanNet, Program, Instr, Op } from './compile/plan.js';
export type {
  Activation,
  LayerShapes,
  LoggedTerm,
  ParamInit,
  ParamSpec,
  PlanDist,
  PlanLayer,
  PlanStep,
  Rows,
  ValueId,
} from './compile/plan.js';
export type { Codec } from './dsl/codec/strict.js';
export { entries, zoo, resolveOptions } from './zoo/index.js';
export type { ZooEntry } from './zoo/index.js';
