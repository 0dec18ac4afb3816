import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ring } from '../../src/data/synthetic.js';
import { sgd } from '../../src/dsl/index.js';
import { readManifest, restoreTrainer } from '../../src/runtime/checkpoint.js';
import {
  checkpointDir,
  metricsFile,
  readMetrics as readMetricsLog,
  runTraining,
} from '../../src/runtime/run.js';
import { createTrainer, NonFiniteLossError, type TrainerConfig } from '../../src/runtime/trainer.js';
import { compileOrThrow, tinyAae, tinyAaeWithState } from './models.js';

const root = mkdtempSync(join(tmpdir(), 'saddle-run-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Line {
  iteration: number;
  epoch: number;
  losses: Record<string, number>;
  time: number;
}
const readMetrics = (dir: string): Line[] =>
  readFileSync(metricsFile(dir), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

// 96 examples, batch 16: 6 iterations per epoch.
const runConfig: TrainerConfig = {
  plan: compileOrThrow(tinyAaeWithState()),
  data: ring(96, { seed: 4 }),
  batchSize: 16,
  seed: 21,
};

describe('runTraining', () => {
  const config = runConfig;

  it('logs every iteration to metrics.jsonl, checkpoints each epoch, and calls the hooks', async () => {
    const outDir = join(root, 'plain');
    const logged: number[] = [];
    const epochs: number[] = [];
    const checkpointed: number[] = [];
    const trainer = createTrainer(config);
    const result = await runTraining({
      trainer,
      totalSteps: 15,
      every: 4,
      outDir,
      handleSignals: false,
      onLog: (r) => {
        logged.push(r.iteration);
      },
      onEpoch: (e) => {
        epochs.push(e);
        checkpointed.push(readManifest(checkpointDir(outDir)).progress.iteration);
      },
    });
    trainer.dispose();
    expect(result).toEqual({ iteration: 15, epoch: 2, stopped: false, skipped: 0 });
    const lines = readMetrics(outDir);
    expect(lines.map((l) => l.iteration)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(Object.keys(lines[0]?.losses ?? {})).toEqual(['reconstruction', 'critic', 'generator']);
    expect(lines.every((l) => typeof l.time === 'number' && l.epoch >= 0)).toBe(true);
    expect(logged).toEqual([4, 6, 8, 12, 15]);
    expect(epochs).toEqual([1, 2]);
    expect(checkpointed).toEqual([6, 12]);
    expect(readManifest(checkpointDir(outDir)).progress.iteration).toBe(15);
  });

  it('a stopped run resumed up to totalSteps logs the same losses as an uninterrupted one', async () => {
    const straightDir = join(root, 'straight');
    const straight = createTrainer(config);
    await runTraining({
      trainer: straight,
      totalSteps: 20,
      every: 5,
      outDir: straightDir,
      handleSignals: false,
    });
    straight.dispose();

    const stoppedDir = join(root, 'stopped');
    const controller = new AbortController();
    const first = createTrainer(config);
    const stopped = await runTraining({
      trainer: first,
      totalSteps: 20,
      every: 1,
      outDir: stoppedDir,
      handleSignals: false,
      signal: controller.signal,
      onLog: (r) => {
        if (r.iteration === 9) controller.abort();
      },
    });
    first.dispose();
    expect(stopped).toMatchObject({ iteration: 9, stopped: true });

    const resumed = await restoreTrainer(checkpointDir(stoppedDir), config);
    const finished = await runTraining({
      trainer: resumed,
      totalSteps: 20,
      every: 5,
      outDir: stoppedDir,
      handleSignals: false,
    });
    resumed.dispose();
    expect(finished).toMatchObject({ iteration: 20, stopped: false });

    const strip = (ls: Line[]): unknown[] =>
      ls.map(({ iteration, epoch, losses }) => ({ iteration, epoch, losses }));
    expect(strip(readMetrics(stoppedDir))).toEqual(strip(readMetrics(straightDir)));
  });

  it('stops on a non-finite loss naming phase and iteration, and keeps the last good checkpoint', async () => {
    const outDir = join(root, 'nan');
    // Plain SGD with a huge step makes the reconstruction diverge after the first epoch (4 steps).
    const diverging: TrainerConfig = {
      plan: compileOrThrow(tinyAae({ reconstructionOptimizer: sgd(0.3) })),
      data: ring(64, { seed: 3 }),
      batchSize: 16,
      seed: 1,
    };
    const trainer = createTrainer(diverging);
    const error = await runTraining({
      trainer,
      totalSteps: 100,
      every: 1,
      outDir,
      handleSignals: false,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    trainer.dispose();
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const failure = error as NonFiniteLossError;
    expect(failure.message).toMatch(
      /^loss of phase 'reconstruction' became (NaN|Infinity|-Infinity) at iteration \d+$/,
    );
    expect(failure.message).toContain(`at iteration ${failure.iteration}`);

    // Every finite iteration before the failure is in the log.
    expect(readMetrics(outDir).map((l) => l.iteration)).toEqual(
      Array.from({ length: failure.iteration - 1 }, (_, i) => i + 1),
    );

    const manifest = readManifest(checkpointDir(outDir));
    expect(manifest.progress.iteration).toBeGreaterThan(0);
    expect(manifest.progress.iteration).toBeLessThan(failure.iteration);
    const restored = await restoreTrainer(checkpointDir(outDir), diverging);
    for (const [name, v] of restored.variables) {
      expect(Array.from(v.dataSync()).every(Number.isFinite), name).toBe(true);
    }
    restored.dispose();
  });

  it('stops cleanly on SIGINT: reads losses, checkpoints, returns stopped', async () => {
    const outDir = join(root, 'sigint');
    const trainer = createTrainer(config);
    const listenersBefore = process.listenerCount('SIGINT');
    const result = await runTraining({
      trainer,
      totalSteps: 50,
      every: 2,
      outDir,
      onLog: (r) => {
        if (r.iteration === 4) process.emit('SIGINT');
      },
    });
    trainer.dispose();
    expect(result).toMatchObject({ iteration: 4, stopped: true });
    expect(readManifest(checkpointDir(outDir)).progress.iteration).toBe(4);
    expect(readMetrics(outDir).map((l) => l.iteration)).toEqual([1, 2, 3, 4]);
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
  });

  it('rejects bad options by name', async () => {
    const trainer = createTrainer(config);
    await expect(
      runTraining({ trainer, totalSteps: 5, every: 0, outDir: join(root, 'bad'), handleSignals: false }),
    ).rejects.toThrow(/every must be a positive integer, got 0/);
    trainer.dispose();
  });
});

describe('the run log and views read back', () => {
  // The same model and data as runTraining's tests above.
  const config = runConfig;

  it('a fresh trainer in a directory with an old log starts a fresh log; readMetrics reads it', async () => {
    const outDir = join(root, 'rerun');
    for (const steps of [5, 3]) {
      const trainer = createTrainer(config);
      await runTraining({ trainer, totalSteps: steps, every: 1, outDir, handleSignals: false });
      trainer.dispose();
    }
    expect(readMetricsLog(outDir).map((r) => r.iteration)).toEqual([1, 2, 3]);
    expect(readMetricsLog(join(root, 'never-trained'))).toEqual([]);
  });

  it('readView gives the view as numbers and leaves no tensor behind', async () => {
    const trainer = createTrainer(config);
    const before = tf.memory().numTensors;
    const codes = await trainer.readView('sample', undefined, 7, { seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const again = trainer.evalView('sample', undefined, 7, { seed: 3 });
    expect(Array.from(codes)).toEqual(Array.from((await again.data()) as Float32Array));
    again.dispose();
    trainer.dispose();
  });
});

describe('runTraining checkpoints on the wall clock', () => {
  it('writes a checkpoint once checkpointSeconds have passed since the last one', async () => {
    const outDir = join(root, 'wall-clock');
    // 960 examples at batch 16: 60 steps per epoch, so no epoch ends in these 13 steps.
    const trainer = createTrainer({ ...runConfig, data: ring(960, { seed: 4 }) });
    let clock = 0;
    const seen = new Set<number>();
    await runTraining({
      trainer,
      totalSteps: 13,
      every: 1,
      outDir,
      handleSignals: false,
      checkpointSeconds: 3,
      now: () => clock,
      onLog: () => {
        // One second per iteration; note the checkpoints written so far.
        clock += 1000;
        for (const f of existsSync(checkpointDir(outDir)) ? readdirSync(checkpointDir(outDir)) : []) {
          const m = /^checkpoint-(\d+)\.json$/.exec(f);
          if (m !== null) seen.add(Number(m[1]));
        }
      },
    });
    trainer.dispose();
    // Due after 3 s without one: at step 4 (3 s since the start), 8 and 12; and at the end.
    expect([...seen].sort((a, b) => a - b)).toEqual([4, 8, 12]);
    expect(readManifest(checkpointDir(outDir)).progress.iteration).toBe(13);
  });
});
