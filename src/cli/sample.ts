/**
 * `saddle sample <run-dir>`: draw from a trained run's model, in inference mode, and write a picture.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nonNegativeInt, oneOf, parse, positionals, positiveInt } from './args.js';
import { UsageError } from './errors.js';
import { drawSamples, samplesPicture } from './pictures.js';
import { backendChoices, openRun, readRunFile } from './run.js';

const flags = {
  n: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
} as const;

export const sampleCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('sample', args, flags);
  const [dir = ''] = positionals('sample', parsed, ['run-dir']);
  const n = positiveInt('sample', 'n', parsed.values['n']) ?? 100;
  if (n > 10_000) throw new UsageError(`saddle sample: --n is at most 10000 for one picture, got ${n}`);
  const seed = nonNegativeInt('sample', 'seed', parsed.values['seed']) ?? Date.now() % 2 ** 31;
  const backend = oneOf('sample', 'backend', parsed.values['backend'], backendChoices) ?? 'auto';
  const out = typeof parsed.values['out'] === 'string' ? parsed.values['out'] : join(dir, 'sample.png');

  const run = readRunFile('sample', dir);
  const opened = await openRun('sample', run, { backend, resumeFrom: dir });
  process.stderr.write(`${opened.backend.banner}\n`);
  if (opened.plan.views.sample === undefined) {
    opened.trainer.dispose();
    throw new UsageError(
      `saddle sample: model '${opened.plan.model}' declares no 'sample' view, so it cannot generate`,
    );
  }
  const samples = await drawSamples(opened.trainer, n, seed);
  const png = await samplesPicture(samples, n, opened.plan, opened.data);
  opened.trainer.dispose();
  if (png === undefined) {
    throw new UsageError(
      `saddle sample: cannot draw data of shape [${opened.plan.data.x.join(', ')}] as a picture`,
    );
  }
  writeFileSync(out, png);
  process.stdout.write(
    `${n} samples of '${opened.plan.model}' (step ${opened.trainer.iteration}, seed ${seed}) → ${out}\n`,
  );
  return 0;
};
