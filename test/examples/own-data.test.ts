import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from 'saddle/report';
import { checkpointDir, hasCheckpoint } from 'saddle/runtime';
import { barImages, main } from '../../examples/own-data.js';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/own-data', () => {
  it('trains on in-memory bar images and writes the metrics, a checkpoint and three decodable PNGs', async () => {
    const outDir = join(mkdtempSync(join(tmpdir(), 'saddle-own-data-')), 'run');
    const { files, history, samples } = await main({
      steps: 60,
      outDir,
      hidden: 32,
      size: 3000,
      seed: 1,
      backend: 'cpu',
      log: () => {},
    });

    expect(Object.values(files).every((f) => f.startsWith(outDir) && existsSync(f))).toBe(true);
    expect(await hasCheckpoint(checkpointDir(outDir))).toBe(true);

    // 8 × 8 grid of 8 × 8 images at scale 4 with 2-pixel padding; the reconstructions are 2 × 10.
    const grid = decodePng(readFileSync(files.samples));
    expect([grid.width, grid.height]).toEqual([8 * 32 + 9 * 2, 8 * 32 + 9 * 2]);
    const pairs = decodePng(readFileSync(files.reconstructions));
    expect([pairs.width, pairs.height]).toEqual([10 * 32 + 11 * 2, 2 * 32 + 3 * 2]);
    expect(decodePng(readFileSync(files.losses)).width).toBeGreaterThan(0);

    // The view read back: 64 decoded images, sigmoid outputs.
    expect(samples).toHaveLength(64 * 64);
    expect(samples.every((v) => v >= 0 && v <= 1)).toBe(true);

    // The metrics log holds every iteration, and reconstruction improved on the bars.
    expect(history.map((r) => r.iteration)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const reconstruction = history.map((r) => r.losses['reconstruction'] ?? Number.NaN);
    expect(mean(reconstruction.slice(-10))).toBeLessThan(mean(reconstruction.slice(0, 10)) * 0.8);
  });

  it('makes one bar per image, alternating horizontal and vertical', () => {
    const { x, vertical } = barImages(4, 3);
    expect(Array.from(vertical)).toEqual([0, 1, 0, 1]);
    for (let i = 0; i < 4; i++) {
      const img = x.subarray(i * 64, (i + 1) * 64);
      const lit = Array.from(img.keys()).filter((k) => (img[k] ?? 0) > 0.5);
      expect(lit).toHaveLength(8);
      const lines = new Set(lit.map((k) => (vertical[i] === 1 ? k % 8 : Math.floor(k / 8))));
      expect(lines.size).toBe(1);
    }
  });
});
