import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/report/index.js';
import { encodeModel } from '../../src/dsl/codec.js';
import { aaeDefaults, buildAae } from '../../src/zoo/aae.js';
import { saddle } from './helpers.js';

// A small AAE on the 9×9 tiny digits (81 pixels), 2-D codes so the latent picture applies.
const tmp = mkdtempSync(join(tmpdir(), 'saddle-train-'));
const spec = join(tmp, 'tiny-aae.json');
writeFileSync(
  spec,
  JSON.stringify(encodeModel(buildAae({ ...aaeDefaults, hidden: 16, latent: 2 }, { x: [81], classes: 10 }))),
);
const common = ['--data', 'tiny', '--backend', 'cpu', '--batch-size', '50', '--seed', '3', '--every', '5'];

const metricIterations = (dir: string): number[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { iteration: number }).iteration);

describe('saddle train / sample on a spec file', () => {
  const out = join(tmp, 'run');

  it('trains, logging every iteration, and writes checkpoint, pictures and exported nets', async () => {
    const r = await saddle('train', spec, ...common, '--steps', '20', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^saddle backend: cpu/);
    expect(metricIterations(out)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const f of [
      'run.json',
      'checkpoint/checkpoint-20.json',
      'samples-final.png',
      'latent-final.png',
      'loss.png',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const grid = decodePng(readFileSync(join(out, 'samples-final.png')));
    expect(grid.width).toBeGreaterThan(10 * 9);
    for (const net of ['encoder', 'decoder', 'discriminator']) {
      const modelJson = JSON.parse(readFileSync(join(out, 'export', net, 'model.json'), 'utf8')) as {
        weightsManifest: unknown[];
      };
      expect(modelJson.weightsManifest.length).toBeGreaterThan(0);
    }
  });

  it('refuses to overwrite a run, and --resume continues it to the new total length', async () => {
    const again = await saddle('train', spec, ...common, '--steps', '20', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run; continue it with --resume/);

    const changed = await saddle('train', '--resume', '--out', out, '--seed', '4', '--steps', '30');
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(
      /--resume cannot change what .* was trained with: --seed 4 \(the run has 3\)/,
    );

    const r = await saddle(
      'train',
      '--resume',
      '--out',
      out,
      '--backend',
      'cpu',
      '--steps',
      '30',
      '--every',
      '5',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/from step 20 to step 30/);
    expect(metricIterations(out)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    const done = await saddle('train', '--resume', '--out', out, '--backend', 'cpu');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/already trained 30 of 30 steps/);
  });

  it('draws a grid of samples from the trained run', async () => {
    const file = join(tmp, 'drawn.png');
    const r = await saddle('sample', out, '--n', '16', '--out', file, '--seed', '1', '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/16 samples of 'aae' \(step 30, seed 1\)/);
    expect(decodePng(readFileSync(file)).width).toBeGreaterThan(0);
  });

  it('rejects data of a shape the model does not declare', async () => {
    const r = await saddle(
      'train',
      spec,
      '--data',
      'ring',
      '--backend',
      'cpu',
      '--steps',
      '1',
      '--out',
      join(tmp, 'ring'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/declares data of shape \[81\].*'ring' has shape \[2\]/);
  });
});

describe('saddle train when a loss becomes NaN', () => {
  it('stops with the phase and iteration, says what state is left, and exits 1', async () => {
    const nanSpec = join(tmp, 'nan-aae.json');
    writeFileSync(
      nanSpec,
      JSON.stringify(
        encodeModel(
          buildAae(
            // Adam moves every weight by about the learning rate per step: 1e30 overflows float32 at once.
            {
              ...aaeDefaults,
              hidden: 16,
              latent: 2,
              reconstructionLr: 1e30,
              criticLr: 1e30,
              generatorLr: 1e30,
            },
            { x: [81], classes: 10 },
          ),
        ),
      ),
    );
    const out = join(tmp, 'nan');
    const r = await saddle('train', nanSpec, ...common, '--steps', '300', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /(loss of phase '\w+' became (NaN|-?Infinity)|a parameter updated by phase '\w+' became NaN or infinite) at iteration \d+/,
    );
    expect(r.stderr).toMatch(/no checkpoint was written before it; .*--resume --out/);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('saddle train --validation', () => {
  const mnistSpec = join(tmp, 'mnist-aae.json');
  writeFileSync(mnistSpec, JSON.stringify(encodeModel(buildAae({ ...aaeDefaults, hidden: 16 }))));
  const out = join(tmp, 'held-out');
  const flags = ['--backend', 'cpu', '--batch-size', '50', '--every', '1'];

  it('holds the last N MNIST training images out of training and records N in run.json', async () => {
    const r = await saddle(
      'train',
      mnistSpec,
      ...flags,
      '--validation',
      '59000',
      '--steps',
      '2',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    // 1,000 training images left at batch 50: 20 steps per epoch, so 2 steps are 0.10 epochs.
    expect(r.stdout).toMatch(/to step 2 \(0\.10 epochs\)/);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { validation: number };
    expect(run.validation).toBe(59000);
  });

  it('refuses to change N on --resume, and applies to MNIST only', async () => {
    const changed = await saddle('train', '--resume', '--out', out, '--validation', '10', '--steps', '3');
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/--resume cannot change .*--validation \d+ \(the run has \d+\)/);
    const tiny = await saddle(
      'train',
      spec,
      ...common,
      '--validation',
      '10',
      '--steps',
      '1',
      '--out',
      join(tmp, 'x'),
    );
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toMatch(/--validation holds out MNIST training images/);
  });
});
