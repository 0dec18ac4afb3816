/**
 * Damaged run directories: every file of a checkpoint truncated or with a byte flipped (fast-check
 * chooses which files, where and how), then `saddle train --resume`. The run must continue from the
 * newest checkpoint that is intact — naming the damaged file it passed over — and end identical to
 * an undamaged run, or, when no checkpoint is intact, exit 2 naming the files; never a stack trace
 * and never a silent restart from step 0. Then `saddle sample` and `saddle eval` on run directories
 * that are incomplete, from a newer saddle, or hand-edited: one clear line, exit 2.
 *
 * In-process (the `saddle` helper): a resume costs a fraction of a second, so many damages are tried.
 */
import fc from 'fast-check';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saddle } from '../cli/helpers.js';
import { hasStackTrace, metricsLines, writeTinySpec } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-corrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const spec = writeTinySpec(tmp);
const common = ['--data', 'tiny', '--backend', 'cpu', '--batch-size', '50', '--seed', '7', '--every', '1'];
const pristine = join(tmp, 'pristine');
const reference = join(tmp, 'reference');

beforeAll(async () => {
  // Checkpoints at steps 5 and 10 (the newest and one to fall back on), and an undamaged 12-step run.
  for (const [out, steps] of [
    [pristine, '10'],
    [reference, '12'],
  ] as const) {
    const r = await saddle(
      'train',
      spec,
      ...common,
      '--checkpoint-every',
      '5',
      '--steps',
      steps,
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

const files = ['checkpoint-5.json', 'checkpoint-5.bin', 'checkpoint-10.json', 'checkpoint-10.bin'] as const;

interface Damage {
  readonly file: (typeof files)[number];
  /** Truncate to this fraction of the length, or flip the byte at this fraction with `mask`. */
  readonly how: 'truncate' | 'flip';
  readonly at: number;
  readonly mask: number;
}
const damage: fc.Arbitrary<Damage> = fc.record({
  file: fc.constantFrom(...files),
  how: fc.constantFrom('truncate' as const, 'flip' as const),
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  mask: fc.integer({ min: 1, max: 255 }),
});

const apply = (dir: string, d: Damage): void => {
  const path = join(dir, 'checkpoint', d.file);
  const before = readFileSync(path);
  const at = Math.floor(d.at * before.length);
  if (d.how === 'truncate') truncateSync(path, at);
  else {
    const bytes = Buffer.from(before);
    bytes[at] = (bytes[at] ?? 0) ^ d.mask;
    writeFileSync(path, bytes);
  }
};

/**
 * Whether `file` in `dir` now differs in meaning from the pristine run's: any byte of a binary; a
 * manifest's JSON (damages can cancel out, and whitespace changes mean nothing).
 */
const isDamaged = (dir: string, file: string): boolean => {
  const now = readFileSync(join(dir, 'checkpoint', file));
  const was = readFileSync(join(pristine, 'checkpoint', file));
  if (!file.endsWith('.json')) return !now.equals(was);
  try {
    return (
      JSON.stringify(JSON.parse(now.toString('utf8'))) !== JSON.stringify(JSON.parse(was.toString('utf8')))
    );
  } catch {
    return true;
  }
};

describe('a damaged checkpoint on --resume', () => {
  const tally = { tried: 0, fellBack: 0, refused: 0, newestIntact: 0 };
  afterAll(() =>
    console.log(
      `reliability: ${tally.tried} damaged checkpoint directories resumed: ${tally.fellBack} continued from the previous checkpoint, ` +
        `${tally.newestIntact} from the intact newest, ${tally.refused} refused with exit 2 (both damaged); no stack trace, no restart from step 0`,
    ),
  );

  it('continues from the newest intact checkpoint, naming what it passed over, or exits 2 naming the files', async () => {
    let trial = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (damages) => {
        const dir = join(tmp, `trial-${trial++}`);
        cpSync(pristine, dir, { recursive: true });
        for (const d of damages) apply(dir, d);
        const damaged = new Set<string>(files.filter((f) => isDamaged(dir, f)));
        tally.tried += 1;
        const broken = (step: number): boolean =>
          damaged.has(`checkpoint-${step}.json`) || damaged.has(`checkpoint-${step}.bin`);

        const r = await saddle('train', '--resume', '--out', dir, '--backend', 'cpu', '--steps', '12');
        expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
        // Resumed from a checkpoint, never silently from step 0: the success branch names the step.
        if (broken(10) && broken(5)) {
          expect(r.code).toBe(2);
          expect(r.stderr).toMatch(/checkpoint-10\.(json|bin)/);
          expect(r.stderr).toMatch(/checkpoint-5\.(json|bin)/);
          expect(r.stderr.trim().split('\n')).toHaveLength(1);
          tally.refused += 1;
        } else {
          expect(r.code, r.stderr).toBe(0);
          const from = broken(10) ? 5 : 10;
          expect(r.stdout).toMatch(new RegExp(`from step ${from} to step 12`));
          if (broken(10))
            expect(r.stderr).toMatch(/passing over a damaged checkpoint: .*checkpoint-10\.(json|bin)/);
          else expect(r.stderr).toBe('');
          expect(metricsLines(dir)).toEqual(metricsLines(reference));
          if (broken(10)) tally.fellBack += 1;
          else tally.newestIntact += 1;
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env['CORRUPTIONS'] ?? 30) },
    );
  }, 300_000);
});

describe('saddle sample and eval on a run directory they cannot use', () => {
  const copy = (name: string): string => {
    const dir = join(tmp, name);
    cpSync(pristine, dir, { recursive: true });
    return dir;
  };
  const editJson = (path: string, edit: (json: Record<string, unknown>) => void): void => {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(json);
    writeFileSync(path, JSON.stringify(json));
  };
  const refused = async (dir: string, message: RegExp): Promise<void> => {
    for (const command of [
      ['sample', dir, '--backend', 'cpu', '--n', '4', '--out', join(tmp, 'x.png')],
      ['eval', dir, '--backend', 'cpu', '--metrics', 'recon'],
    ]) {
      const r = await saddle(...command);
      expect(r.code, `${command[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  };

  it('is incomplete: no run.json, or no checkpoint yet', async () => {
    const noRun = copy('no-run');
    rmSync(join(noRun, 'run.json'));
    await refused(noRun, /is not a saddle run directory \(no run\.json\)/);
    const noCheckpoint = copy('no-checkpoint');
    rmSync(join(noCheckpoint, 'checkpoint'), { recursive: true });
    await refused(noCheckpoint, /has no checkpoint yet/);
  });

  it('comes from a newer saddle (run.json or checkpoint version)', async () => {
    const newerRun = copy('newer-run');
    editJson(join(newerRun, 'run.json'), (j) => (j['version'] = 2));
    await refused(newerRun, /run\.json was written by a newer saddle/);
    const newerCheckpoint = copy('newer-checkpoint');
    editJson(join(newerCheckpoint, 'checkpoint', 'checkpoint-10.json'), (j) => (j['version'] = 3));
    await refused(
      newerCheckpoint,
      /checkpoint-10\.json was written by a newer saddle \(checkpoint version 3/,
    );
  });

  it('was edited by hand: the checksum names the file; with one edit the other checkpoint is used, and said', async () => {
    const edited = copy('edited');
    for (const step of [5, 10]) {
      editJson(join(edited, 'checkpoint', `checkpoint-${step}.json`), (j) => (j['seed'] = 8));
    }
    await refused(edited, /checkpoint-10\.json fails its checksum.*checkpoint-5\.json fails its checksum/);
    rmSync(join(edited, 'checkpoint', 'checkpoint-5.json'));
    cpSync(
      join(pristine, 'checkpoint', 'checkpoint-5.json'),
      join(edited, 'checkpoint', 'checkpoint-5.json'),
    );
    const r = await saddle('sample', edited, '--backend', 'cpu', '--n', '4', '--out', join(tmp, 'y.png'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(step 5,/);
    expect(r.stderr).toMatch(/passing over a damaged checkpoint: .*checkpoint-10\.json fails its checksum/);
    expect(existsSync(join(tmp, 'y.png'))).toBe(true);
  });
});

describe('--resume with flags that contradict the run', () => {
  it("is refused with exit 2, every differing field named with the run's value", async () => {
    const r = await saddle(
      'train',
      '--resume',
      '--out',
      pristine,
      '--seed',
      '8',
      '--batch-size',
      '10',
      '--data',
      'ring',
      '--backend',
      'cpu',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `saddle train: --resume cannot change what ${pristine} was trained with: --seed 8 (the run has 7), ` +
        `--batch-size 10 (the run has 50), --data ring (the run has tiny); resume without them or choose another --out DIR\n`,
    );
  });

  it('is refused for another model, naming it', async () => {
    const r = await saddle('train', 'aae', '--resume', '--out', pristine, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--resume cannot change what .* was trained with: the model "aae" \(the run has another model or other options\)/,
    );
  });

  it('--checkpoint-every takes N, Ns or Nm', async () => {
    for (const bad of ['0', '5x', '1.5m', 's']) {
      const r = await saddle('train', '--resume', '--out', pristine, '--checkpoint-every', bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `saddle train: --checkpoint-every must be N (iterations), Ns (seconds) or Nm (minutes) with N ≥ 1, got "${bad}"\n`,
      );
    }
  });
});
