import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/dsl/codec.js';
import { aae, aaeDefaults, buildAae } from '../../src/zoo/aae.js';
import { entries } from '../../src/zoo/index.js';
import { saddle } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-cli-'));

describe('saddle zoo / spec / explain', () => {
  it('lists every zoo entry with its paper', async () => {
    const r = await saddle('zoo');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(entries.map((e) => e.id));
    expect(r.stdout).toContain(aae.paper);
  });

  it('prints a spec that decodes back to the entry with its options applied', async () => {
    const r = await saddle('spec', 'aae', '--set', 'latent=2', '--set', 'prior=mixture10');
    expect(r.code).toBe(0);
    const decoded = decodeModel(JSON.parse(r.stdout));
    expect(decoded).toEqual(E.right(buildAae({ ...aaeDefaults, latent: 2, prior: 'mixture10' })));
  });

  it('explains the AAE: three phases and what each updates', async () => {
    const r = await saddle('explain', 'aae');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/phase 'reconstruction'[\s\S]*updates\s+encoder, decoder/);
    expect(r.stdout).toMatch(/phase 'critic'[\s\S]*updates\s+discriminator/);
    expect(r.stdout).toMatch(/phase 'generator'[\s\S]*updates\s+encoder\s/);
  });

  it('explains a spec file, and reports every error of a broken one with its path (exit 2)', async () => {
    const good = join(tmp, 'aae.json');
    writeFileSync(good, JSON.stringify(encodeModel(buildAae(aaeDefaults))));
    expect((await saddle('explain', good)).code).toBe(0);

    const spec = encodeModel(buildAae(aaeDefaults)) as {
      schedule: { optimizer: { learningRate: unknown } }[];
    };
    const first = spec.schedule[0];
    if (first === undefined) throw new Error('aae has phases');
    first.optimizer.learningRate = 'fast';
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify(spec));
    const r = await saddle('explain', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'schedule[0].optimizer.learningRate: expected a number, got "fast" [wrong-type]',
    );
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'see docs/errors.md#wrong-type for what this means and how to fix it',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('rejects a model that does not compile with the compiler path (exit 2)', async () => {
    const r = await saddle('explain', 'aae', '--set', 'prior=mixture10'); // latent 8 vs a 2-D prior
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/discriminator/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['explain', 'aea'], /unknown zoo id "aea"/],
    [['explian', 'aae'], /unknown command "explian"/],
    [['explain', 'aae', '--set', 'latnet=3'], /options\.latnet/],
    [['explain', 'aae', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['explain', join(tmp, 'missing.json')], /no such file/],
    [['train', 'aae', '--epochs', 'ten'], /--epochs must be a positive integer, got "ten"/],
    [['train', 'aae', '--epochs', '2', '--steps', '5'], /--epochs or --steps, not both/],
    [['train', 'aae', '--backend', 'gpu'], /--backend must be one of/],
    [['sample', join(tmp, 'nowhere')], /not a saddle run directory/],
  ])('saddle %j fails with one clear line and exit code 2', async (args, message) => {
    const r = await saddle(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });
});
