/**
 * saddle's runtime: train a compiled `Plan` on TensorFlow.js.
 *
 * The pieces, in the order a program uses them: pick a backend once (`selectBackend`), make a
 * `Trainer` from a plan and a dataset (`createTrainer`), step it (`trainer.step()`, or
 * `runTraining` for logging, checkpoints and Ctrl-C), read its views (`trainer.evalView`), save and
 * restore it (`saveCheckpoint`, `restoreTrainer`: the newest two checkpoints are kept, checksummed,
 * and a damaged one is passed over) and export its nets (`exportNets`). The CLI's
 * `saddle train` is this sequence plus pictures and a run directory.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compile, zoo } from 'saddle';
 * import { createTrainer, selectBackend } from 'saddle/runtime';
 * import { loadMnist } from 'saddle/data';
 * const plan = compile(zoo['aae']!.build(zoo['aae']!.defaults));
 * if (E.isLeft(plan)) throw new Error('does not compile');
 * await selectBackend('auto');
 * const { train } = await loadMnist();
 * const trainer = createTrainer({ plan: plan.right, data: train, batchSize: 100, seed: 1 });
 * for (let i = 0; i < 10; i++) trainer.step();
 * console.log(await trainer.readLosses()); // [{ iteration: 1, epoch: 0, losses: { reconstruction: …, … } }, …]
 *
 * @module saddle/runtime
 */
export type { BackendChoice, BackendInfo, BackendName, BackendDetails } from './backend/select.js';
export { BackendUnavailableError, selectBackend } from './backend/select.js';
export type {
  LossRecord,
  Trainer,
  TrainerConfig,
  TrainerHooks,
  TrainerProgress,
  ViewInput,
  ViewOptions,
} from './trainer.js';
export { createTrainer, NonFiniteLossError, NonFiniteParameterError, TrainerConfigError } from './trainer.js';
export type { MetricsRecord, RunOptions, RunResult } from './run.js';
export { checkpointDir, metricsFile, readMetrics, runTraining, RunOptionsError } from './run.js';
export type { CheckpointManifest, RestoreOptions, TensorEntry } from './checkpoint.js';
export type { Variables } from './nets.js';
export {
  CheckpointError,
  hasCheckpoint,
  readManifest,
  restoreTrainer,
  saveCheckpoint,
} from './checkpoint.js';
export { exportable, exportNet, exportNets, ExportError } from './export.js';
export { ExecutionError } from './execute.js';
