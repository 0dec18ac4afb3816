/**
 * `saddle train`: compile a model, pick a backend, train it on real data, and leave behind
 * everything a user looks at afterwards — metrics, checkpoints, pictures and exported nets.
 *
 * The run directory is the unit of work: `run.json` records the model spec, its source, seed,
 * batch size and data, so `--resume`, `saddle sample` and `saddle eval` rebuild the exact run.
 *
 * Reliability (docs/reliability.md): one `saddle train` per directory (`train.lock`); checkpoints
 * every 10 minutes, at epoch ends and on SIGINT/SIGTERM (exit 130/143, with how to resume); a full
 * disk or a read-only directory is one line and a non-zero exit with the last checkpoint intact.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../dsl/codec.js';
import { hasCheckpoint, readManifest } from '../runtime/checkpoint.js';
import { describeWriteFailure } from '../runtime/durable.js';
import { acquireLock, LockedError, type Lock } from '../runtime/lock.js';
import { checkpointDir, runTraining } from '../runtime/run.js';
import { NonFiniteLossError } from '../runtime/trainer.js';
import { exportNets } from '../runtime/export.js';
import { nonNegativeInt, oneOf, parse, positionals, positiveInt, strings, type Parsed } from './args.js';
import { UsageError } from './errors.js';
import { createProgress, formatLosses } from './progress.js';
import { resolveModel } from './resolve.js';
import { writePictures } from './pictures.js';
import { reportAfter } from './report.js';
import {
  backendChoices,
  dataChoices,
  openRun,
  readRunFile,
  runFile,
  writeRunFile,
  type RunFile,
} from './run.js';

const flags = {
  set: { type: 'string', multiple: true },
  epochs: { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  every: { type: 'string' },
  data: { type: 'string' },
  validation: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'on-nan': { type: 'string' },
} as const;

/** The exit codes of a run stopped by a signal: 128 + the signal's number, as shells report them. */
const signalExit = { SIGINT: 130, SIGTERM: 143 } as const;

/** `--checkpoint-every`: `N` iterations, `Ns` seconds or `Nm` minutes (default: 10 minutes). */
export const parseCheckpointEvery = (raw: unknown): { steps?: number; seconds?: number } => {
  if (raw === undefined) return { seconds: 600 };
  const m = typeof raw === 'string' ? /^(\d+)(s|m)?$/.exec(raw) : null;
  const n = m === null ? 0 : Number(m[1]);
  if (m === null || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(
      `saddle train: --checkpoint-every must be N (iterations), Ns (seconds) or Nm (minutes) with N ≥ 1, got "${String(raw)}"`,
    );
  }
  return m[2] === undefined ? { steps: n } : { seconds: m[2] === 's' ? n : 60 * n };
};

/** What a run in `dir` differs in from the flags given with `--resume`, as `--flag value (the run has x)`. */
const contradictions = (
  values: Readonly<Record<string, unknown>>,
  run: RunFile,
  sameModel: boolean,
  arg: string | undefined,
): string[] => {
  const recorded = {
    seed: run.seed,
    'batch-size': run.batchSize,
    data: run.data,
    validation: run.validation ?? 0,
  } as const;
  const differing = Object.entries(recorded)
    .filter(([flag, value]) => values[flag] !== undefined && String(values[flag]) !== String(value))
    .map(([flag, value]) => `--${flag} ${String(values[flag])} (the run has ${String(value)})`);
  const model = `the model "${arg ?? ''}"${strings(values['set']).length > 0 ? ' with these --set values' : ''} (the run has another model or other options)`;
  return sameModel ? differing : [model, ...differing];
};

export const trainCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('train', args, flags);
  const v = parsed.values;
  const epochs = positiveInt('train', 'epochs', v['epochs']);
  const steps = positiveInt('train', 'steps', v['steps']);
  if (epochs !== undefined && steps !== undefined) {
    throw new UsageError('saddle train: give --epochs or --steps, not both');
  }
  const backendChoice = oneOf('train', 'backend', v['backend'], backendChoices) ?? 'auto';
  const every = positiveInt('train', 'every', v['every']) ?? 50;
  const checkpointEvery = parseCheckpointEvery(v['checkpoint-every']);
  const onNan = oneOf('train', 'on-nan', v['on-nan'], ['stop', 'skip'] as const) ?? 'stop';

  if (parsed.positionals.length > 1) positionals('train', parsed, ['zoo-id | spec.json']);
  const [arg] = parsed.positionals;
  const resolved = arg !== undefined ? resolveModel('train', arg, strings(v['set'])) : undefined;
  const outDir =
    typeof v['out'] === 'string' ? v['out'] : resolved !== undefined ? join('runs', resolved.model.name) : '';
  if (outDir === '')
    throw new UsageError('saddle train: expected <zoo-id | spec.json>, or --resume --out DIR');

  // --- one writer per run directory, from before its first read to its last write ----------------
  let lock: Lock;
  const created = !existsSync(outDir);
  try {
    mkdirSync(outDir, { recursive: true });
    lock = acquireLock(outDir);
  } catch (e) {
    if (e instanceof LockedError) throw new UsageError(`saddle train: ${e.message}`);
    return writeFailure(e, outDir);
  }
  if (lock.tookOverFrom !== undefined) {
    process.stderr.write(
      `saddle: took over ${lock.path} from process ${lock.tookOverFrom}, which is no longer running (it was killed or crashed)\n`,
    );
  }
  try {
    return await trainLocked({
      v,
      arg,
      resolved,
      outDir,
      epochs,
      steps,
      backendChoice,
      every,
      checkpointEvery,
      onNan,
    });
  } catch (e) {
    return writeFailure(e, outDir);
  } finally {
    lock.release();
    // A mistaken command (resuming a directory that holds no run) leaves nothing behind.
    if (created && existsSync(outDir) && readdirSync(outDir).length === 0) rmdirSync(outDir);
  }
};

/**
 * A full disk, a read-only or forbidden directory: one line saying what could not be written and
 * why, which checkpoint is intact and how to continue; exit 1. Anything else is rethrown.
 */
const writeFailure = (e: unknown, outDir: string): number => {
  const failure = describeWriteFailure(e);
  if (failure === undefined) throw e;
  let saved: number | undefined;
  try {
    saved = hasCheckpoint(checkpointDir(outDir))
      ? readManifest(checkpointDir(outDir)).progress.iteration
      : undefined;
  } catch {
    saved = undefined;
  }
  process.stderr.write(
    `saddle: ${failure}; ` +
      (saved !== undefined
        ? `the last checkpoint (step ${saved}) is intact: make room or fix the permissions, then continue with: saddle train --resume --out ${outDir}\n`
        : `no checkpoint was written yet: make room or fix the permissions, then start again\n`),
  );
  return 1;
};

interface TrainRequest {
  readonly v: Parsed['values'];
  readonly arg: string | undefined;
  readonly resolved: ReturnType<typeof resolveModel> | undefined;
  readonly outDir: string;
  readonly epochs: number | undefined;
  readonly steps: number | undefined;
  readonly backendChoice: (typeof backendChoices)[number];
  readonly every: number;
  readonly checkpointEvery: { readonly steps?: number; readonly seconds?: number };
  readonly onNan: 'stop' | 'skip';
}

/** `saddle train` once the run directory is locked. */
const trainLocked = async (request: TrainRequest): Promise<number> => {
  const { v, arg, resolved, outDir, epochs, steps, backendChoice, every } = request;
  const resume = v['resume'] === true;
  const exists = existsSync(runFile(outDir));
  let run: RunFile;
  if (exists && !resume) {
    throw new UsageError(
      `saddle train: ${outDir} already holds a run; continue it with --resume${typeof v['out'] === 'string' ? '' : ` --out ${outDir}`} or choose another --out DIR`,
    );
  } else if (exists) {
    run = readRunFile('train', outDir);
    const sameModel =
      resolved === undefined || JSON.stringify(encodeModel(resolved.model)) === JSON.stringify(run.model);
    const differing = contradictions(v, run, sameModel, arg);
    if (differing.length > 0) {
      throw new UsageError(
        `saddle train: --resume cannot change what ${outDir} was trained with: ${differing.join(', ')}; resume without them or choose another --out DIR`,
      );
    }
  } else {
    if (resolved === undefined) {
      throw new UsageError(
        `saddle train: ${outDir} holds no run to resume; give a <zoo-id | spec.json> to start one`,
      );
    }
    run = {
      version: 1,
      model: encodeModel(resolved.model),
      source: resolved.source,
      seed: nonNegativeInt('train', 'seed', v['seed']) ?? 0,
      batchSize: positiveInt('train', 'batch-size', v['batch-size']) ?? resolved.batchSize ?? 100,
      data: oneOf('train', 'data', v['data'], dataChoices) ?? 'mnist',
      totalSteps: 0,
      validation: nonNegativeInt('train', 'validation', v['validation']) ?? 0,
    };
  }
  const fromCheckpoint = exists && hasCheckpoint(checkpointDir(outDir));
  if (exists && !fromCheckpoint) {
    process.stderr.write(
      `saddle: ${outDir} has no checkpoint yet (it was stopped before its first); training it from step 0\n`,
    );
  }

  // --- compile before touching tensors: errors cost nothing ---------------------------------------
  const opened = await openRun('train', run, {
    backend: backendChoice,
    resumeFrom: fromCheckpoint ? outDir : undefined,
  });
  const { trainer, backend, data } = opened;
  process.stdout.write(`${backend.banner}\n`);
  for (const w of backend.warnings) process.stderr.write(`${w}\n`);

  const stepsPerEpoch = trainer.stepsPerEpoch;
  const totalSteps =
    steps ??
    (epochs !== undefined
      ? epochs * stepsPerEpoch
      : resume && run.totalSteps > 0
        ? run.totalSteps
        : stepsPerEpoch);
  const progress = createProgress(process.stdout, { startIteration: trainer.iteration });
  const pictures = async (label: string): Promise<void> => {
    const written = await writePictures(trainer, opened.plan, data, outDir, label);
    if (written.length > 0) progress.note(`pictures: ${written.join(', ')}`);
  };
  /** The final pictures and exported nets: rewritten whole, so a run killed while writing them is finished by --resume. */
  const finish = async (): Promise<readonly string[]> => {
    await pictures('final');
    return exportNets(trainer, join(outDir, 'export'));
  };

  if (fromCheckpoint && trainer.iteration >= totalSteps) {
    await finish();
    trainer.dispose();
    process.stdout.write(
      `saddle: ${outDir} has already trained ${trainer.iteration} of ${totalSteps} steps; give a larger --steps or --epochs to continue\n` +
        `  its pictures, metrics and exported nets are in ${outDir}/ (saddle sample ${outDir} draws more)\n`,
    );
    return 0;
  }
  writeRunFile(outDir, { ...run, totalSteps });

  process.stdout.write(
    `training '${opened.plan.model}' on ${data.train.name} (${data.train.size} examples, batch ${run.batchSize}, ${stepsPerEpoch} steps/epoch) ` +
      `${fromCheckpoint ? `from step ${trainer.iteration} ` : ''}to step ${totalSteps} (${(totalSteps / stepsPerEpoch).toFixed(2)} epochs), seed ${run.seed}\n` +
      `writing to ${outDir}/\n`,
  );

  let lastLosses: Readonly<Record<string, number>> = {};
  let result: Awaited<ReturnType<typeof runTraining>>;
  try {
    result = await runTraining({
      trainer,
      totalSteps,
      every,
      outDir,
      ...(request.checkpointEvery.steps === undefined
        ? {}
        : { checkpointEvery: request.checkpointEvery.steps }),
      ...(request.checkpointEvery.seconds === undefined
        ? {}
        : { checkpointSeconds: request.checkpointEvery.seconds }),
      onNan: request.onNan,
      onNotice: (line) => progress.note(`saddle: ${line}`),
      onLog: (record) => {
        lastLosses = record.losses;
        progress.update({
          iteration: record.iteration,
          total: totalSteps,
          epoch: record.epoch,
          losses: record.losses,
        });
      },
      onEpoch: async (epoch) => pictures(String(epoch)),
    });
  } catch (e) {
    progress.done();
    trainer.dispose();
    if (e instanceof NonFiniteLossError) {
      // The run stops; say what is left and what to try, not just what went wrong.
      const saved = hasCheckpoint(checkpointDir(outDir))
        ? readManifest(checkpointDir(outDir)).progress.iteration
        : undefined;
      process.stderr.write(
        `saddle: ${e.message}\n` +
          (saved !== undefined
            ? `saddle: ${checkpointDir(outDir)} still holds the last good state (step ${saved}); `
            : `saddle: no checkpoint was written before it; `) +
          `lower the phase's learning rate or check its loss scale, then continue with --resume --out ${outDir} (or skip such batches with --on-nan skip)\n`,
      );
      return 1;
    }
    throw e;
  }
  progress.done();
  const skippedNote =
    result.skipped > 0
      ? ` (${result.skipped} batch${result.skipped === 1 ? '' : 'es'} skipped for NaN/Inf)`
      : '';
  if (result.signal !== undefined) {
    trainer.dispose();
    process.stderr.write(
      `saddle: stopped by ${result.signal} at step ${result.iteration} of ${totalSteps}${skippedNote}, checkpoint written; continue with: saddle train --resume --out ${outDir}\n`,
    );
    return signalExit[result.signal];
  }
  const exported = await finish();
  trainer.dispose();

  process.stdout.write(
    `${result.stopped ? 'stopped' : 'done'} at step ${result.iteration}${skippedNote}: ${formatLosses(lastLosses)}\n` +
      `  metrics:     ${join(outDir, 'metrics.jsonl')} (curves: ${join(outDir, 'loss.png')})\n` +
      `  pictures:    ${join(outDir, 'samples-final.png')}${opened.hasLatent2d ? `, ${join(outDir, 'latent-final.png')}` : ''} (and one per epoch)\n` +
      `  checkpoint:  ${join(outDir, 'checkpoint')} (continue with: saddle train --resume --out ${outDir} --epochs N)\n` +
      `  nets:        ${exported.map((p) => join(outDir, 'export', p)).join(', ')} (tfjs model.json layout)\n` +
      `  draw more:   saddle sample ${outDir} --n 100\n`,
  );
  reportAfter(outDir, { backend });
  return 0;
};
