/**
 * `saddle sweep --queue` through a real Redis (Debian's `redis-server` on a free loopback port, no
 * persistence) with two `saddle worker` processes: a sweep of 6 short runs, one worker SIGKILLed
 * (with its training child, as when a machine is lost) mid-run. Every run must finish exactly once,
 * the killed run must resume from its checkpoint with no line of `metrics.jsonl` missing or doubled,
 * and the merged table must equal the same sweep on the local pool (the cpu backend is
 * deterministic: same seeds, same numbers).
 *
 * Without redis-server the test says so, and fails under CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleCli,
  loggedIterations,
  metricsLines,
  runSaddle,
  spawnSaddle,
  type Running,
} from '../reliability/harness.js';
import { freePort, tinySweep } from './helpers.js';

const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
const tmp = mkdtempSync(join(tmpdir(), 'saddle-sweep-queue-'));
const steps = 60;
const design = (out: string): string[] => [
  ...tinySweep(`--seeds 1,2,3 --grid hidden=16 --grid latent=2,3 --steps ${steps} --every 1`),
  ...['--checkpoint-every', '5', '--out', out],
];

let redis: ChildProcess | undefined;
const workers: Running[] = [];

/** Start redis-server with no persistence; resolves once it accepts connections. */
const startRedis = async (server: string, port: number): Promise<string> => {
  const child = spawn(
    server,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  redis = child;
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', () => reject(new Error(`redis-server exited: ${log}`)));
  });
  return `redis://127.0.0.1:${port}`;
};

/** The pids of a process's children (Linux). */
const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
};

const killHard = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

let cli = '';
beforeAll(async () => {
  if (redisServer !== undefined) cli = await bundleCli();
}, 120_000);

afterAll(async () => {
  for (const w of workers) {
    w.child.kill('SIGTERM');
    await w.done;
  }
  redis?.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
  if (cli !== '') rmSync(cli, { force: true });
}, 120_000);

describe('saddle sweep --queue with saddle worker', () => {
  it('survives a worker killed mid-run: each run finishes once, the killed one resumes, the table equals the local pool', async () => {
    if (redisServer === undefined) {
      const why =
        'redis-server is not installed (apt-get install -y redis-server); the queue test cannot run';
      process.stdout.write(`SKIPPED queue test: ${why}\n`);
      if (process.env['CI'] === 'true') throw new Error(why);
      return;
    }
    const url = await startRedis(redisServer, await freePort());
    const local = join(tmp, 'local');
    const remote = join(tmp, 'remote');

    const reference = await runSaddle(cli, design(local));
    expect(reference.code, reference.stderr).toBe(0);

    for (let i = 0; i < 2; i++) {
      const w = spawnSaddle(cli, ['worker', '--queue', url, '--lock-seconds', '6']);
      workers.push(w);
      await w.waitForLine((l) => l.includes('waiting for runs'));
    }
    const sweep = spawnSaddle(cli, design(remote).concat('--queue', url));

    // The first worker to pass step 12 of a run (two checkpoints written) is the one to die.
    const midRun = /^saddle worker: (\S+): step (\d+)\//;
    const late = (l: string): boolean => Number(midRun.exec(l)?.[2] ?? 0) >= 12;
    const [victim, line] = await Promise.race(
      workers.map((w) => w.waitForLine(late).then((l) => [w, l] as const)),
    );
    const killedRun = midRun.exec(line ?? '')?.[1] ?? '';
    const children = childrenOf(victim.pid);
    killHard(victim.pid);
    for (const c of children) killHard(c);
    expect((await victim.done).signal).toBe('SIGKILL');

    const done = await sweep.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);

    // Every run finished exactly once, across both workers' logs.
    const logs = workers.map((w) => w.stdout()).join('\n');
    const runs = ['2', '3'].flatMap((latent) =>
      ['1', '2', '3'].map((s) => `hidden-16_latent-${latent}_seed-${s}`),
    );
    for (const run of runs) {
      const finished = logs.split('\n').filter((l) => l.startsWith(`saddle worker: ${run}: finished by`));
      expect(finished, run).toHaveLength(1);
    }
    expect(victim.stdout()).not.toMatch(new RegExp(`${killedRun}: finished by`));

    // The killed run resumed from a checkpoint (a multiple of 5, before the kill), not from step 0.
    const survivor = workers.find((w) => w !== victim)!;
    const resumed = new RegExp(`^saddle worker: ${killedRun}: started by \\S+ from step (\\d+)`, 'm').exec(
      survivor.stdout(),
    );
    expect(resumed, survivor.stdout()).not.toBeNull();
    const from = Number(resumed?.[1]);
    process.stdout.write(
      `queue test: killed a worker at "${line ?? ''}"; ${killedRun} resumed from step ${from}\n`,
    );
    expect(from).toBeGreaterThan(0);
    expect(from % 5).toBe(0);

    // No line of its log missing or doubled; every run's log equals the local pool's, line for line.
    expect(loggedIterations(join(remote, 'runs', killedRun))).toEqual(
      Array.from({ length: steps }, (_, i) => i + 1),
    );
    for (const run of runs) {
      expect(metricsLines(join(remote, 'runs', run)), run).toEqual(metricsLines(join(local, 'runs', run)));
    }

    // The merged results: the same file and the same printed table as the local pool's.
    expect(readFileSync(join(remote, 'results.jsonl'), 'utf8')).toBe(
      readFileSync(join(local, 'results.jsonl'), 'utf8'),
    );
    const table = (text: string): string => text.slice(text.indexOf('#  '), text.indexOf('(mean ± '));
    expect(table(done.stdout)).toBe(table(reference.stdout));

    const status = await runSaddle(cli, ['sweep', '--status', '--out', remote]);
    expect(status.stdout).toMatch(/6 done of 6 runs/);
  }, 400_000);
});
