import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { subset, type Dataset } from '../../src/data/dataset.js';
import {
  buildClassifier,
  classifierOutputs,
  CLASSIFIER_VERSION,
  FEATURE_WIDTH,
  trainClassifier,
  trainingForward,
  type ClassifierInfo,
} from '../../src/eval/classifier.js';
import {
  classifierCacheDir,
  ensureClassifier,
  loadClassifier,
  rejectionReason,
  saveClassifier,
} from '../../src/eval/classifier-cache.js';
import { useCpu } from './helpers.js';

let train: Dataset;
let test: Dataset;
const scratch = mkdtempSync(join(tmpdir(), 'saddle-eval-classifier-'));

beforeAll(async () => {
  await useCpu();
  const mnist = await loadMnist();
  train = subset(
    mnist.train,
    Array.from({ length: 32 }, (_, i) => i),
  );
  test = subset(
    mnist.test,
    Array.from({ length: 64 }, (_, i) => i),
  );
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const info = (testAccuracy: number, version = CLASSIFIER_VERSION): ClassifierInfo => ({
  kind: 'saddle-mnist-classifier',
  version,
  testAccuracy,
  epochs: 0,
  batchSize: 1,
  seed: 0,
  trainExamples: 0,
  trainSeconds: 0,
  backend: 'cpu',
});

describe('the MNIST classifier (smoke run on the cpu backend: two steps on 32 images)', () => {
  it('trains, reports progress and accuracy, and gives 128-wide features with class probabilities', async () => {
    const seen: number[] = [];
    const trained = await trainClassifier(
      { train, test },
      { epochs: 1, batchSize: 16, onProgress: (p) => seen.push(p.fraction) },
    );
    expect(seen).toEqual([0.5, 1]);
    expect(trained.info.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(trained.info.testAccuracy).toBeLessThanOrEqual(1);
    expect(trained.info.trainExamples).toBe(32);

    const images = tf.tensor2d(test.x, [test.size, 784]);
    const { features, probs } = classifierOutputs(trained.model, images, 25);
    expect(features.shape).toEqual([64, FEATURE_WIDTH]);
    expect(probs.shape).toEqual([64, 10]);
    const sums = await tf.sum(probs, 1).data();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);

    // Save and load: same predictions, same recorded info.
    const dir = join(scratch, 'roundtrip');
    await saveClassifier(dir, trained);
    const loaded = await loadClassifier(dir);
    expect(loaded?.info).toEqual(trained.info);
    const again = classifierOutputs(loaded!.model, images);
    const diff = await tf.max(tf.abs(tf.sub(again.probs, probs))).data();
    expect(diff[0]).toBeLessThan(1e-6);
  }, 300_000);

  it('is trained through a plain-ops forward pass that computes exactly what the layers model does', async () => {
    const model = buildClassifier(3);
    const images = tf.tensor4d(test.x.subarray(0, 5 * 784), [5, 28, 28, 1]);
    const { logits, features } = trainingForward(model, images);
    const viaLayers = classifierOutputs(model, tf.reshape(images, [5, 784]) as tf.Tensor2D);
    const gap = async (a: tf.Tensor, b: tf.Tensor): Promise<number> =>
      (await tf.max(tf.abs(tf.sub(a, b))).data())[0] ?? Infinity;
    expect(await gap(tf.softmax(logits), viaLayers.probs)).toBeLessThan(1e-5);
    expect(await gap(features, viaLayers.features)).toBeLessThan(1e-4);
    // Dropout (training mode) changes the logits; the seed makes it repeatable.
    const a = trainingForward(model, images, { dropoutSeed: 11 }).logits;
    const b = trainingForward(model, images, { dropoutSeed: 11 }).logits;
    expect(await gap(a, b)).toBe(0);
    expect(await gap(a, logits)).toBeGreaterThan(0);
  });

  it('is seeded: the same seed builds the same initial weights', async () => {
    const a = buildClassifier(7).getWeights();
    const b = buildClassifier(7).getWeights();
    const c = buildClassifier(8).getWeights();
    expect(await a[0]!.data()).toEqual(await b[0]!.data());
    expect(await a[0]!.data()).not.toEqual(await c[0]!.data());
  });

  it('rejects images that are not 784 wide', () => {
    expect(() => classifierOutputs(buildClassifier(0), tf.zeros([2, 10]) as tf.Tensor2D)).toThrow(
      /784 pixels wide/,
    );
  });
});

describe('the classifier cache', () => {
  it('lives under SADDLE_CACHE, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(classifierCacheDir({ SADDLE_CACHE: '/c' })).toBe('/c/mnist-classifier');
    expect(classifierCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/saddle/mnist-classifier');
    expect(classifierCacheDir({})).toMatch(/\.cache\/saddle\/mnist-classifier$/);
  });

  it('accepts only the current recipe at ≥ 99% recorded accuracy', () => {
    expect(rejectionReason(info(0.992))).toBeUndefined();
    expect(rejectionReason(info(0.95))).toMatch(/95\.00% is below the required 99%/);
    expect(rejectionReason(info(0.995, CLASSIFIER_VERSION + 1))).toMatch(/recipe version/);
  });

  it('uses a sound cache without loading any data', async () => {
    const dir = join(scratch, 'sound');
    await saveClassifier(dir, { model: buildClassifier(1), info: info(0.993) });
    const got = await ensureClassifier({
      dir,
      data: () => Promise.reject(new Error('must not train')),
    });
    expect(got.info.testAccuracy).toBe(0.993);
  });

  it('retrains a weak cache, and refuses a fresh classifier below 99%', async () => {
    const dir = join(scratch, 'weak');
    await saveClassifier(dir, { model: buildClassifier(1), info: info(0.5) });
    const lines: string[] = [];
    let loads = 0;
    const attempt = ensureClassifier({
      dir,
      epochs: 1,
      batchSize: 32, // one step
      log: (l) => lines.push(l),
      data: () => {
        loads++;
        return Promise.resolve({ train, test });
      },
    });
    await expect(attempt).rejects.toThrow(
      /freshly trained classifier cannot be used: its recorded test accuracy/,
    );
    expect(loads).toBe(1);
    expect(lines[0]).toMatch(/not used, its recorded test accuracy 50\.00%/);
  }, 300_000);

  it('names a corrupt cache file', async () => {
    const dir = join(scratch, 'corrupt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), '{ not json');
    await expect(loadClassifier(dir)).rejects.toThrow(/cannot read .*model\.json.*delete .* to retrain/);
    expect(await loadClassifier(join(scratch, 'absent'))).toBeUndefined();
  });
});
