/**
 * Fault injection with real processes: `saddle train` is SIGKILLed at points fast-check chooses —
 * after a given step plus a delay, or inside a checkpoint write (forced by the
 * SADDLE_TEST_SLOW_WRITE_MS hook, which pauses each durable write halfway) — and resumed, again and
 * again; the finished run must equal one uninterrupted run: the same metrics.jsonl lines (no line
 * missing or doubled), the same checkpoint and exported weights.
 *
 * FAULTS=<n> sets how many SIGKILLs land on the cpu backend (default 20; a quarter of that, at
 * least 5, on wasm); `FAULTS=200 npx vitest run test/reliability/kill.test.ts` is the local soak.
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleCli,
  hasStackTrace,
  killAfter,
  loggedIterations,
  metricsLines,
  progressStep,
  runSaddle,
  spawnSaddle,
  weightsOf,
  writeTinySpec,
} from './harness.js';

const faults = Number(process.env['FAULTS'] ?? 20);
/** SIGKILLs landed on one run directory before it is resumed to its end. */
const KILLS_PER_CHAIN = 5;
const SPARE_POINTS = 3;
const STEPS = 40;
const SLOW_WRITE_MS = 120;

const tmp = mkdtempSync(join(tmpdir(), 'saddle-kill-'));
let cli = '';
let spec = '';
beforeAll(async () => {
  cli = await bundleCli();
  spec = writeTinySpec(tmp);
}, 120_000);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  if (cli !== '') rmSync(cli, { force: true });
});

const trainArgs = (backend: string, out: string): string[] => [
  'train',
  spec,
  '--data',
  'tiny',
  '--backend',
  backend,
  '--batch-size',
  '50',
  '--seed',
  '5',
  '--every',
  '1',
  '--checkpoint-every',
  '6',
  '--steps',
  String(STEPS),
  '--out',
  out,
];
const resumeArgs = (backend: string, out: string): string[] => [
  'train',
  '--resume',
  '--out',
  out,
  '--backend',
  backend,
];

interface KillPoint {
  /** Kill once this step's progress line is out (0: as soon as training starts). */
  readonly step: number;
  readonly delayMs: number;
  /** Kill inside a checkpoint write (the first one at or after `step`). */
  readonly insideWrite: boolean;
}
const killPoint: fc.Arbitrary<KillPoint> = fc.record({
  step: fc.integer({ min: 0, max: STEPS - 1 }),
  delayMs: fc.integer({ min: 0, max: SLOW_WRITE_MS + 30 }),
  insideWrite: fc.boolean(),
});

interface Tally {
  killed: number;
  insideWrites: number;
  ranOut: number;
  linesLost: number;
  linesDoubled: number;
  resumedRuns: number;
}

/** A finished run directory must be the reference run, line for line and weight for weight. */
const expectSameRun = (out: string, reference: string, tally: Tally): void => {
  const logged = loggedIterations(out);
  const expected = Array.from({ length: STEPS }, (_, i) => i + 1);
  tally.linesLost += expected.filter((i) => !logged.includes(i)).length;
  tally.linesDoubled += logged.length - new Set(logged).size;
  expect(logged).toEqual(expected);
  expect(metricsLines(out)).toEqual(metricsLines(reference));
  expect(weightsOf(out)).toEqual(weightsOf(reference));
};

/**
 * Kill one run directory at each point in turn (resuming it each time); a run that finishes before
 * its kill point is checked and the next point starts a fresh run. At the end, resume to the finish
 * and compare with the reference.
 */
const killChain = async (
  backend: string,
  out: string,
  reference: string,
  points: readonly KillPoint[],
  tally: Tally,
): Promise<void> => {
  rmSync(out, { recursive: true, force: true });
  let landedHere = 0;
  for (const p of points) {
    if (landedHere === KILLS_PER_CHAIN) break;
    const args = existsSync(out) ? resumeArgs(backend, out) : trainArgs(backend, out);
    const running = spawnSaddle(cli, args, {
      env: p.insideWrite ? { SADDLE_TEST_SLOW_WRITE_MS: String(SLOW_WRITE_MS) } : {},
    });
    let reached = false;
    const landed = await killAfter(
      running,
      (line) => {
        if (p.step === 0 && line.startsWith('writing to ')) reached = true;
        const step = progressStep(line);
        if (step !== undefined && step >= p.step) reached = true;
        return reached && (!p.insideWrite || /^saddle-test: writing checkpoint-\d+\.(bin|json)$/.test(line));
      },
      p.delayMs,
    );
    if (landed) {
      tally.killed += 1;
      landedHere += 1;
      if (p.insideWrite) tally.insideWrites += 1;
      continue;
    }
    const end = await running.done;
    expect(end.code, end.stderr).toBe(0);
    tally.ranOut += 1;
    expectSameRun(out, reference, tally);
    rmSync(out, { recursive: true, force: true });
  }
  if (!existsSync(out)) return;
  const last = await runSaddle(cli, resumeArgs(backend, out));
  expect(last.code, last.stderr).toBe(0);
  expect(hasStackTrace(last.stderr)).toBe(false);
  expectSameRun(out, reference, tally);
  tally.resumedRuns += 1;
};

describe.each(['cpu', 'wasm'])('SIGKILL at any moment, then --resume (%s backend)', (backend) => {
  // Every kill point on cpu; a sample on wasm, which shares the code path but starts slower.
  const points = backend === 'cpu' ? faults : Math.max(KILLS_PER_CHAIN, Math.round(faults / 4));
  const chains = Math.max(1, Math.round(points / KILLS_PER_CHAIN));
  const reference = join(tmp, `reference-${backend}`);

  beforeAll(async () => {
    const r = await runSaddle(cli, trainArgs(backend, reference));
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it(`${chains * KILLS_PER_CHAIN} SIGKILLs: every resumed run equals the uninterrupted one`, async () => {
    const tally: Tally = {
      killed: 0,
      insideWrites: 0,
      ranOut: 0,
      linesLost: 0,
      linesDoubled: 0,
      resumedRuns: 0,
    };
    let chain = 0;
    await fc.assert(
      fc.asyncProperty(
        // Spare points for those a run finishes before (its previous kill landed after its last checkpoint).
        fc.array(killPoint, {
          minLength: KILLS_PER_CHAIN + SPARE_POINTS,
          maxLength: KILLS_PER_CHAIN + SPARE_POINTS,
        }),
        async (ps) => {
          const out = join(tmp, `${backend}-chain-${chain++}`);
          await killChain(backend, out, reference, ps, tally);
          rmSync(out, { recursive: true, force: true });
        },
      ),
      { numRuns: chains, endOnFailure: true },
    );
    console.log(
      `reliability (${backend}): ${tally.killed} SIGKILLs landed (${tally.insideWrites} inside a checkpoint write), ` +
        `${tally.ranOut} runs finished before their kill point; ${tally.resumedRuns} killed runs resumed to the end, ` +
        `each equal to the uninterrupted run; metrics lines lost ${tally.linesLost}, doubled ${tally.linesDoubled}`,
    );
    // Nearly every chain must land its kills, or the test would prove little.
    expect(tally.killed).toBeGreaterThanOrEqual(Math.floor(chains * KILLS_PER_CHAIN * 0.8));
  }, 600_000);
});
