/**
 * `saddle train`: compile a model, pick a backend, train it on real data, and leave behind
 * everything a user looks at afterwards — metrics, checkpoints, pictures and exported nets.
 *
 * The run directory is the unit of work: `run.json` records the model spec, its source, seed,
 * batch size and data, so `--resume`, `saddle sample` and `saddle eval` rebuild the exact run.
 *
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../dsl/codec.js';
import { hasCheckpoint, readManifest } from '../runtime/checkpoint.js';
import { checkpointDir, runTraining } from '../runtime/run.js';
import { NonFiniteLossError } from '../runtime/trainer.js';
import { exportNets } from '../runtime/export.js';
import { nonNegativeInt, oneOf, parse, positionals, positiveInt, strings } from './args.js';
import { UsageError } from './errors.js';
import { createProgress, formatLosses } from './progress.js';
import { resolveModel } from './resolve.js';
import { writePictures } from './pictures.js';
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
} as const;

export const trainCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('train', args, flags);
  const v = parsed.values;
  const epochs = positiveInt('train', 'epochs', v['epochs']);
  const steps = positiveInt('train', 'steps', v['steps']);
  if (epochs !== undefined && steps !== undefined) {
    throw new UsageError('saddle train: give --epochs or --steps, not both');
  }
  const resume = v['resume'] === true;
  const backendChoice = oneOf('train', 'backend', v['backend'], backendChoices) ?? 'auto';
  const every = positiveInt('train', 'every', v['every']) ?? 50;

  // --- the run: new, or the one being resumed -----------------------------------------------------
  if (parsed.positionals.length > 1) positionals('train', parsed, ['zoo-id | spec.json']);
  const [arg] = parsed.positionals;
  const resolved = arg !== undefined ? resolveModel('train', arg, strings(v['set'])) : undefined;
  const outDir =
    typeof v['out'] === 'string' ? v['out'] : resolved !== undefined ? join('runs', resolved.model.name) : '';
  if (outDir === '')
    throw new UsageError('saddle train: expected <zoo-id | spec.json>, or --resume --out DIR');
  const exists = existsSync(runFile(outDir));
  let run: RunFile;
  if (exists && !resume) {
    throw new UsageError(
      `saddle train: ${outDir} already holds a run; continue it with --resume${typeof v['out'] === 'string' ? '' : ` --out ${outDir}`} or choose another --out DIR`,
    );
  } else if (exists) {
    run = readRunFile('train', outDir);
    if (resolved !== undefined && JSON.stringify(encodeModel(resolved.model)) !== JSON.stringify(run.model)) {
      throw new UsageError(
        `saddle train: ${outDir} holds a run of another model or other options than "${arg ?? ''}"${strings(v['set']).length > 0 ? ' with these --set values' : ''}; resume it without them or choose another --out DIR`,
      );
    }
    const recorded = {
      seed: run.seed,
      'batch-size': run.batchSize,
      data: run.data,
      validation: run.validation ?? 0,
    } as const;
    for (const [flag, value] of Object.entries(recorded)) {
      if (v[flag] !== undefined && String(v[flag]) !== String(value)) {
        throw new UsageError(
          `saddle train: --${flag} cannot change when resuming (${runFile(outDir)} has ${String(value)})`,
        );
      }
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
  if (fromCheckpoint && trainer.iteration >= totalSteps) {
    process.stdout.write(
      `saddle: ${outDir} has already trained ${trainer.iteration} of ${totalSteps} steps; give a larger --steps or --epochs to continue\n` +
        `  its pictures, metrics and exported nets are in ${outDir}/ (saddle sample ${outDir} draws more)\n`,
    );
    trainer.dispose();
    return 0;
  }
  mkdirSync(outDir, { recursive: true });
  writeRunFile(outDir, { ...run, totalSteps });

  process.stdout.write(
    `training '${opened.plan.model}' on ${data.train.name} (${data.train.size} examples, batch ${run.batchSize}, ${stepsPerEpoch} steps/epoch) ` +
      `${fromCheckpoint ? `from step ${trainer.iteration} ` : ''}to step ${totalSteps} (${(totalSteps / stepsPerEpoch).toFixed(2)} epochs), seed ${run.seed}\n` +
      `writing to ${outDir}/\n`,
  );

  const progress = createProgress(process.stdout, { startIteration: trainer.iteration });
  let lastLosses: Readonly<Record<string, number>> = {};
  const pictures = async (label: string): Promise<void> => {
    const written = await writePictures(trainer, opened.plan, data, outDir, label);
    if (written.length > 0) progress.note(`pictures: ${written.join(', ')}`);
  };
  let result: Awaited<ReturnType<typeof runTraining>>;
  try {
    result = await runTraining({
      trainer,
      totalSteps,
      every,
      outDir,
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
          `lower the phase's learning rate or check its loss scale, then continue with --resume --out ${outDir}\n`,
      );
      trainer.dispose();
      return 1;
    }
    throw e;
  }
  progress.done();
  await pictures('final');
  const exported = await exportNets(trainer, join(outDir, 'export'));
  trainer.dispose();

  process.stdout.write(
    `${result.stopped ? 'stopped' : 'done'} at step ${result.iteration}: ${formatLosses(lastLosses)}\n` +
      `  metrics:     ${join(outDir, 'metrics.jsonl')} (curves: ${join(outDir, 'loss.png')})\n` +
      `  pictures:    ${join(outDir, 'samples-final.png')}${opened.hasLatent2d ? `, ${join(outDir, 'latent-final.png')}` : ''} (and one per epoch)\n` +
      `  checkpoint:  ${join(outDir, 'checkpoint')} (continue with: saddle train --resume --out ${outDir} --epochs N)\n` +
      `  nets:        ${exported.map((p) => join(outDir, 'export', p)).join(', ')} (tfjs model.json layout)\n` +
      `  draw more:   saddle sample ${outDir} --n 100\n`,
  );
  return 0;
};
