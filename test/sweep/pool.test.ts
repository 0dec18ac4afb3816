/**
 * `saddle sweep` on the local pool, as real processes: the zoo AAE (hidden 16) on 9×9 tiny digits,
 * cpu backend, 12 steps a run. One grid combination does not compile (hidden 0): its runs are
 * recorded as failed and the sweep goes on. The table is checked against the runs' own files, and
 * the same command again trains nothing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleCli,
  hasStackTrace,
  loggedIterations,
  runSaddle,
  type Finished,
} from '../reliability/harness.js';
import { tinySweep } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-sweep-pool-'));
const out = join(tmp, 'sweep');
let cli = '';
let first: Finished;

const sweepArgs = [
  ...tinySweep('--seeds 1,2 --grid hidden=16,0 --grid latent=2,3 --steps 12 --every 4'),
  ...'--eval mmd --eval-samples 100 --rank mmd --workers 2 --out'.split(' '),
  out,
];

interface Line {
  combo: string;
  options: Record<string, string>;
  done: number;
  failed: { seed: number; error: string }[];
  losses: Record<string, { mean: number; se: number | null }>;
  metrics: Record<string, { mean: number; se: number | null }>;
}
const results = (): Line[] =>
  readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

const lastLosses = (run: string): Record<string, number> => {
  const lines = readFileSync(join(out, 'runs', run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n');
  return (JSON.parse(lines[lines.length - 1] ?? '{}') as { losses: Record<string, number> }).losses;
};
const mmdOf = (run: string): number =>
  (JSON.parse(readFileSync(join(out, 'runs', run, 'eval.json'), 'utf8')) as { summary: { mmd: number } })
    .summary.mmd;

beforeAll(async () => {
  cli = await bundleCli();
  first = await runSaddle(cli, sweepArgs);
}, 300_000);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  if (cli !== '') rmSync(cli, { force: true });
});

describe('saddle sweep on the local pool', () => {
  it('trains and evaluates every compiling run as an ordinary run directory', () => {
    expect(hasStackTrace(first.stderr), first.stderr).toBe(false);
    // Two combinations do not compile: exit 1, the failures said, the other runs done.
    expect(first.code, first.stdout + first.stderr).toBe(1);
    for (const latent of [2, 3]) {
      for (const seed of [1, 2]) {
        const run = `hidden-16_latent-${latent}_seed-${seed}`;
        expect(loggedIterations(join(out, 'runs', run))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        const runJson = JSON.parse(readFileSync(join(out, 'runs', run, 'run.json'), 'utf8')) as {
          seed: number;
          data: string;
          totalSteps: number;
        };
        expect(runJson).toMatchObject({ seed, data: 'tiny', totalSteps: 12 });
        expect(statSync(join(out, 'runs', run, 'checkpoint', 'checkpoint-12.json')).isFile()).toBe(true);
      }
    }
    const design = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { runs: unknown[] };
    expect(design.runs).toHaveLength(8);
  });

  it('merges mean ± standard error over seeds per combination, ranked by --rank', () => {
    const lines = results();
    expect(
      lines
        .map((l) => l.combo)
        .slice(0, 2)
        .sort(),
    ).toEqual(['hidden-16_latent-2', 'hidden-16_latent-3']);
    const [best, second] = lines;
    expect(best!.metrics['mmd']!.mean).toBeLessThanOrEqual(second!.metrics['mmd']!.mean);
    for (const line of lines.slice(0, 2)) {
      const runs = [1, 2].map((s) => `${line.combo}_seed-${s}`);
      for (const phase of ['reconstruction', 'critic', 'generator']) {
        const xs = runs.map((r) => lastLosses(r)[phase]!);
        const mean = (xs[0]! + xs[1]!) / 2;
        expect(line.losses[phase]!.mean).toBeCloseTo(mean, 10);
        // Two seeds: s.e. = |x1 − x2| / 2.
        expect(line.losses[phase]!.se).toBeCloseTo(Math.abs(xs[0]! - xs[1]!) / 2, 10);
      }
      const mmd = runs.map(mmdOf);
      expect(line.metrics['mmd']!.mean).toBeCloseTo((mmd[0]! + mmd[1]!) / 2, 10);
      expect(line.done).toBe(2);
    }
    expect(first.stdout).toMatch(
      /^#\s+hidden\s+latent\s+seeds\s+reconstruction\s+critic\s+generator\s+mmd$/m,
    );
    expect(first.stdout).toMatch(/^1\s+16\s+[23]\s+2\/2\s+\S+ ± \S+/m);
  });

  it('records a model that does not compile as failed runs with the error, and goes on', () => {
    const failed = results().filter((l) => l.options['hidden'] === '0');
    expect(failed).toHaveLength(2);
    for (const line of failed) {
      expect(line.done).toBe(0);
      expect(line.failed.map((f) => f.seed)).toEqual([1, 2]);
      expect(line.failed[0]!.error).toMatch(/does not compile: .*dense units must be a positive integer/);
    }
    expect(first.stdout).toMatch(/^failed runs:$/m);
  });

  it('shows each run in --status, and the same command again trains nothing', async () => {
    const status = await runSaddle(cli, ['sweep', '--status', '--out', out]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^hidden-16_latent-2_seed-1\s+done\s+step 12$/m);
    expect(status.stdout).toMatch(/^hidden-0_latent-3_seed-2\s+failed\s+model 'aae' does not compile/m);
    expect(status.stdout).toMatch(/4 done, 4 failed of 8 runs/);

    const before = statSync(join(out, 'runs', 'hidden-16_latent-2_seed-1', 'metrics.jsonl')).mtimeMs;
    const again = await runSaddle(cli, sweepArgs);
    expect(again.stdout).toMatch(/4 already done, skipped/);
    expect(again.stdout).not.toMatch(/: training/);
    expect(statSync(join(out, 'runs', 'hidden-16_latent-2_seed-1', 'metrics.jsonl')).mtimeMs).toBe(before);
    expect(again.stdout.slice(again.stdout.indexOf('#  '))).toBe(
      first.stdout.slice(first.stdout.indexOf('#  ')),
    );
  });
});
