/**
 * Real `saddle train` processes meeting the outside world: SIGTERM and SIGINT (a checkpoint, exit
 * 143 / 130, one line saying how to resume), a second process on the same run directory (exit 2)
 * and the stale lock of a killed one (taken over, with a notice), a disk that fills up (ENOSPC, on a
 * small tmpfs) and a directory it may not write (EACCES), and a run resumed on another backend.
 *
 * The disk tests need privileges CI may not have (mounting a tmpfs; on root, where permissions do
 * not bind, running the child as another user): where they are missing the test is skipped with the
 * reason printed, never passed silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bundleCli,
  hasStackTrace,
  loggedIterations,
  progressStep,
  runSaddle,
  spawnSaddle,
  writeTinySpec,
  type Running,
} from './harness.js';

// Each test spawns two or three processes: generous on a loaded machine (they take seconds).
vi.setConfig({ testTimeout: 180_000 });

const tmp = mkdtempSync(join(tmpdir(), 'saddle-process-'));
chmodSync(tmp, 0o755); // readable by the unprivileged user of the EACCES test
let cli = '';
let spec = '';
const pristine = join(tmp, 'pristine');
beforeAll(async () => {
  cli = await bundleCli();
  spec = writeTinySpec(tmp);
  // A run of 10 steps with checkpoints at 5 and 10, copied by the tests that need a run to resume.
  const r = await runSaddle(cli, [...train(pristine), '--steps', '10']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => {
  if (noMount === undefined) spawnSync('umount', [fullDisk]);
  rmSync(tmp, { recursive: true, force: true });
  if (cli !== '') rmSync(cli, { force: true });
});

const common = [
  '--data',
  'tiny',
  '--batch-size',
  '50',
  '--seed',
  '11',
  '--every',
  '1',
  '--checkpoint-every',
  '5',
];
function train(out: string, backend = 'cpu'): string[] {
  return ['train', spec, ...common, '--backend', backend, '--out', out];
}
const resume = (out: string, ...more: string[]): string[] => ['train', '--resume', '--out', out, ...more];
const copyRun = (name: string): string => {
  const dir = join(tmp, name);
  cpSync(pristine, dir, { recursive: true });
  return dir;
};
/** Resolves once the process has logged a step at or past `step` (the run is training). */
const training = async (running: Running, step = 1): Promise<void> => {
  const line = await running.waitForLine((l) => (progressStep(l) ?? -1) >= step);
  expect(line, running.stderr()).toBeDefined();
};
const newestCheckpoint = (dir: string): number =>
  Math.max(
    ...readdirSync(join(dir, 'checkpoint'))
      .map((f) => /^checkpoint-(\d+)\.json$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number),
  );

describe('SIGTERM and SIGINT', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: finishes the iteration, checkpoints, exits ${code} saying how to resume`, async () => {
      const out = join(tmp, `signal-${signal}`);
      const running = spawnSaddle(cli, [...train(out), '--steps', '100000']);
      await training(running, 3);
      running.child.kill(signal);
      const end = await running.done;
      expect(end.code, end.stderr).toBe(code);
      const m =
        /stopped by (\w+) at step (\d+) of 100000, checkpoint written; continue with: saddle train --resume --out (\S+)\n$/.exec(
          end.stderr,
        );
      expect(m, end.stderr).not.toBeNull();
      expect(m?.[1]).toBe(signal);
      const step = Number(m?.[2]);
      expect(newestCheckpoint(out)).toBe(step);
      expect(loggedIterations(out)).toEqual(Array.from({ length: step }, (_, i) => i + 1));
      expect(existsSync(join(out, 'train.lock'))).toBe(false);
      const again = await runSaddle(cli, resume(out, '--backend', 'cpu', '--steps', String(step + 2)));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`from step ${step} to step ${step + 2}`));
    });
  }
});

describe('one writer per run directory', () => {
  it('a second saddle train on the same --out is refused with exit 2, naming the first', async () => {
    const out = join(tmp, 'locked');
    const first = spawnSaddle(cli, [...train(out), '--steps', '100000']);
    await training(first);
    const second = await runSaddle(cli, resume(out, '--backend', 'cpu'));
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`train\\.lock is held by process ${first.pid}, which is still running`),
    );
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    const fresh = await runSaddle(cli, [...train(out), '--steps', '3']);
    expect(fresh.code).toBe(2);
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(143);
  });

  it('the stale lock of a dead process is taken over, with a notice', async () => {
    const out = copyRun('stale');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(out, 'train.lock'), `${dead}\n`);
    const r = await runSaddle(cli, resume(out, '--backend', 'cpu', '--steps', '12'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`took over .*train\\.lock from process ${dead}, which is no longer running`),
    );
    expect(existsSync(join(out, 'train.lock'))).toBe(false);
  });
});

describe('--resume on another backend', () => {
  it('continues a cpu run on wasm (checkpoints are portable)', async () => {
    const out = copyRun('to-wasm');
    const r = await runSaddle(cli, resume(out, '--backend', 'wasm', '--steps', '14'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^saddle backend: wasm/);
    expect(r.stdout).toMatch(/from step 10 to step 14/);
    expect(loggedIterations(out)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
  });
});

// -------------------------------------------------------------------------------------------------
// disks that refuse writes
// -------------------------------------------------------------------------------------------------

/** Mount a tmpfs of `size` at `dir`, or say why it cannot be done here. */
const mountTmpfs = (dir: string, size: string): string | undefined => {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    const why =
      e instanceof Error && 'stderr' in e ? String((e as { stderr: unknown }).stderr).trim() : String(e);
    return `cannot mount a tmpfs (${why || 'mount failed'}; needs root or CAP_SYS_ADMIN)`;
  }
};

const fullDisk = join(tmp, 'full-disk');
const noMount = mountTmpfs(fullDisk, '2m');
if (noMount !== undefined) console.log(`SKIPPED ENOSPC test: ${noMount}`);

/** Fill the file system holding `dir` to the last byte. */
const fill = (dir: string): void => {
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (const chunk of [65536, 4096, 512, 64, 8, 1]) {
      const bytes = Buffer.alloc(chunk, 1);
      for (;;) {
        try {
          writeSync(fd, bytes);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
};

describe('a disk that fills up', () => {
  it.skipIf(noMount !== undefined)(
    'ENOSPC: one line naming the file and the intact checkpoint, exit 1; the run resumes from it',
    async () => {
      const out = join(fullDisk, 'run');
      cpSync(pristine, out, { recursive: true });
      const running = spawnSaddle(cli, resume(out, '--backend', 'cpu', '--steps', '100000'));
      await training(running, 11);
      fill(fullDisk);
      const end = await running.done;
      expect(end.code, end.stderr).toBe(1);
      expect(end.stderr).toMatch(
        /^saddle: cannot write \S+: no space left on device \(ENOSPC\); the last checkpoint \(step \d+\) is intact: .* saddle train --resume --out \S+\n$/,
      );
      expect(hasStackTrace(end.stderr)).toBe(false);
      const saved = newestCheckpoint(out);
      rmSync(join(fullDisk, 'filler'));
      const again = await runSaddle(cli, resume(out, '--backend', 'cpu', '--steps', String(saved + 1)));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(/damaged/);
      expect(again.stdout).toMatch(new RegExp(`from step ${saved} to step ${saved + 1}`));
      expect(loggedIterations(out)).toEqual(Array.from({ length: saved + 1 }, (_, i) => i + 1));
    },
  );
});

/**
 * How to make a directory unwritable for the child: chmod for an ordinary user; root ignores
 * permissions, so there the child runs as `nobody` (uid 65534) — if it may.
 */
const unprivileged = ((): { uid?: number; skip?: string } => {
  if (process.getuid?.() !== 0) return {};
  const probe = spawnSync(process.execPath, ['-e', '0'], { uid: 65534, gid: 65534 });
  return probe.status === 0
    ? { uid: 65534 }
    : {
        skip: `running as root, which ignores permissions, and cannot run a child as uid 65534 (${String(probe.error)})`,
      };
})();
if (unprivileged.skip !== undefined) console.log(`SKIPPED EACCES test: ${unprivileged.skip}`);

describe('a directory it may not write', () => {
  it.skipIf(unprivileged.skip !== undefined)(
    'EACCES: one line naming the file and the intact checkpoint, exit 1; the run resumes from it',
    async () => {
      const out = copyRun('read-only');
      const checkpoints = join(out, 'checkpoint');
      if (unprivileged.uid !== undefined) {
        // The run is the child's, except its checkpoint directory.
        for (const f of ['', 'run.json', 'metrics.jsonl'])
          chownSync(join(out, f), unprivileged.uid, unprivileged.uid);
      }
      chmodSync(checkpoints, 0o555);
      const end = await runSaddle(
        cli,
        resume(out, '--backend', 'cpu', '--steps', '20', '--checkpoint-every', '5'),
        unprivileged.uid === undefined ? {} : { uid: unprivileged.uid },
      );
      chmodSync(checkpoints, 0o755);
      expect(end.code, end.stderr).toBe(1);
      expect(end.stderr).toMatch(
        /^saddle: cannot write \S+checkpoint-15\.bin: permission denied \(EACCES\); the last checkpoint \(step 10\) is intact: .* saddle train --resume --out \S+\n$/,
      );
      expect(hasStackTrace(end.stderr)).toBe(false);
      const again = await runSaddle(cli, resume(out, '--backend', 'cpu', '--steps', '12'));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/from step 10 to step 12/);
    },
  );
});
