/**
 * Divergence: a NaN/Inf in a loss or in a parameter after an update stops `saddle train` naming the
 * phase and step (the checkpoint on disk stays the last good state); `--on-nan skip` undoes such an
 * iteration instead and counts it in metrics.jsonl.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/dsl/codec.js';
import { aaeDefaults, buildAae } from '../../src/zoo/aae.js';
import { saddle } from '../cli/helpers.js';
import { hasStackTrace } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-nan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Adam moves every weight by about the learning rate in its first step: at 3e38 (float32's largest
// is 3.4e38) the autoencoder's weights overflow in its very first update, while that step's loss,
// computed before the update, is finite.
const spec = join(tmp, 'diverging.json');
writeFileSync(
  spec,
  JSON.stringify(
    encodeModel(
      buildAae({ ...aaeDefaults, hidden: 16, latent: 2, reconstructionLr: 3e38 }, { x: [81], classes: 10 }),
    ),
  ),
);
const common = ['--data', 'tiny', '--backend', 'cpu', '--batch-size', '50', '--seed', '1', '--every', '1'];

describe('a parameter that becomes NaN or infinite', () => {
  it('stops the run naming the phase and the step, with no checkpoint holding it', async () => {
    const out = join(tmp, 'stop');
    const r = await saddle('train', spec, ...common, '--steps', '5', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^saddle: a parameter updated by phase 'reconstruction' became NaN or infinite at iteration 1\n/,
    );
    expect(r.stderr).toMatch(/no checkpoint was written before it; .*--on-nan skip/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('--on-nan skip undoes each such iteration and counts it in metrics.jsonl', async () => {
    const out = join(tmp, 'skip');
    const r = await saddle('train', spec, ...common, '--steps', '3', '--on-nan', 'skip', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/done at step 3 \(3 batches skipped for NaN\/Inf\)/);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { iteration: number; losses: object; skipped?: object });
    expect(lines.map((l) => [l.iteration, l.losses, l.skipped])).toEqual(
      [1, 2, 3].map((i) => [i, {}, { phase: 'reconstruction', in: 'parameter' }]),
    );
    // Every update was undone, so the run can be sampled: its parameters are finite.
    const s = await saddle('sample', out, '--backend', 'cpu', '--n', '4', '--out', join(tmp, 's.png'));
    expect(s.code, s.stderr).toBe(0);
  });

  it('--on-nan takes stop or skip only', async () => {
    const r = await saddle(
      'train',
      spec,
      ...common,
      '--steps',
      '3',
      '--on-nan',
      'ignore',
      '--out',
      join(tmp, 'x'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('saddle train: --on-nan must be one of stop, skip, got "ignore"\n');
  });
});
