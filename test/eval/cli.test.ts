/**
 * `saddle eval` end to end on runs trained by `saddle train` on the 9 × 9 tiny digits (cpu backend):
 * the table, eval.json, --json, reproducibility, and exit code 2 for metrics that do not apply.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { evalCommand, type EvalFile } from '../../src/cli/eval.js';
import { UsageError } from '../../src/cli/errors.js';
import { encodeModel } from '../../src/dsl/codec.js';
import { aaeDefaults, buildAae } from '../../src/zoo/aae.js';
import { aaeSemisupervisedDefaults, buildAaeSemisupervised } from '../../src/zoo/aae-semisupervised.js';
import { saddle } from '../cli/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-eval-cli-'));
const tiny = { x: [81], classes: 10 };
const semi = join(tmp, 'semi');
const plain = join(tmp, 'plain');

/** Run `saddle eval` in-process: exit code, captured output; a UsageError is exit 2 as in the CLI. */
const saddleEval = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = '';
  let stderr = '';
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    return { code: await evalCommand(args), stdout, stderr };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, stdout, stderr: stderr + e.lines.join('\n') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
};

const train = async (dir: string, model: unknown): Promise<void> => {
  const spec = `${dir}.json`;
  writeFileSync(spec, JSON.stringify(model));
  const r = await saddle(
    'train',
    spec,
    '--data',
    'tiny',
    '--backend',
    'cpu',
    '--batch-size',
    '50',
    '--seed',
    '2',
    '--steps',
    '10',
    '--out',
    dir,
  );
  if (r.code !== 0) throw new Error(`training failed: ${r.stderr}`);
};

beforeAll(async () => {
  await train(
    semi,
    encodeModel(
      buildAaeSemisupervised({ ...aaeSemisupervisedDefaults, hidden: 16, latent: 2, labels: 50 }, tiny),
    ),
  );
  await train(plain, encodeModel(buildAae({ ...aaeDefaults, hidden: 16, latent: 2 }, tiny)));
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('saddle eval', () => {
  it('computes every applicable metric, prints a table and writes eval.json', async () => {
    const r = await saddleEval(semi, '--samples', '200', '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^saddle backend: cpu/);
    expect(r.stdout).toMatch(
      /evaluating 'aae-semisupervised' at step 10: parzen, recon, mmd, cluster, classify/,
    );
    for (const row of [
      /^parzen +-?\d+\.\d ± [\d.e-]+ nats +σ = /m,
      /^recon +\d/m,
      /^mmd +\d/m,
      /^cluster +\d+\.\d\d% +error with 10 clusters/m,
      /^classify +\d+\.\d\d%/m,
    ]) {
      expect(r.stdout).toMatch(row);
    }
    const file = JSON.parse(readFileSync(join(semi, 'eval.json'), 'utf8')) as EvalFile;
    expect(file).toMatchObject({
      version: 1,
      model: 'aae-semisupervised',
      iteration: 10,
      backend: 'cpu',
      seed: 0,
      samples: 200,
    });
    expect(Object.keys(file.summary)).toEqual(['parzen', 'recon', 'mmd', 'cluster', 'classify']);
    expect(r.stderr).toMatch(/parzen: choosing σ/); // progress lines (not a terminal)
  });

  it('prints JSON with --json, and the same seed gives the same numbers', async () => {
    const first = JSON.parse(readFileSync(join(semi, 'eval.json'), 'utf8')) as EvalFile;
    const r = await saddleEval(
      semi,
      '--samples',
      '200',
      '--backend',
      'cpu',
      '--json',
      '--metrics',
      'parzen,classify',
    );
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as EvalFile;
    expect(printed.summary).toEqual({ parzen: first.summary.parzen, classify: first.summary.classify });
    expect(r.stderr).toMatch(/^saddle backend: cpu/);
  });

  it('refuses metrics the model or the data cannot support, with exit code 2', async () => {
    const cluster = await saddleEval(plain, '--metrics', 'cluster,recon', '--backend', 'cpu');
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toBe(
      "saddle eval: 'cluster' needs the model's 'classify' view, which it does not declare",
    );
    const fid = await saddleEval(plain, '--metrics', 'fid', '--backend', 'cpu');
    expect(fid.code).toBe(2);
    expect(fid.stderr).toMatch(
      /'fid' scores samples with saddle's MNIST classifier, but this run's data are not MNIST/,
    );
    const unknown = await saddleEval(plain, '--metrics', 'inception,classify');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')).toEqual([
      'saddle eval: unknown metric "inception" (metrics: parzen, fid, score, recon, mmd, cluster, classify)',
      "saddle eval: 'classify' needs the model's 'classify' view, which it does not declare",
    ]);
  });

  it('defaults to the metrics that apply: a plain AAE on tiny digits gets parzen, recon and mmd', async () => {
    const r = await saddleEval(plain, '--samples', '100', '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(
      Object.keys((JSON.parse(readFileSync(join(plain, 'eval.json'), 'utf8')) as EvalFile).summary),
    ).toEqual(['parzen', 'recon', 'mmd']);
  });

  it('names what is wrong with the directory or the flags', async () => {
    expect((await saddleEval(join(tmp, 'nothing'))).stderr).toMatch(
      /is not a saddle run directory \(no run\.json\)/,
    );
    expect((await saddleEval(semi, '--samples', 'many')).stderr).toMatch(
      /--samples must be a positive integer, got "many"/,
    );
    expect((await saddleEval()).stderr).toMatch(/expected <run-dir>, got nothing/);
    expect(existsSync(join(tmp, 'nothing', 'eval.json'))).toBe(false);
  });
});
