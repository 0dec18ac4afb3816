import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { classHistogram, DataError, type Dataset } from '../../src/data/dataset.js';
import { blobs, digitPattern, ring, swissRollSet, tinyDigits } from '../../src/data/synthetic.js';

const point = (d: Dataset, i: number): [number, number] => [d.x[2 * i] ?? NaN, d.x[2 * i + 1] ?? NaN];

describe('ring', () => {
  it('puts each mode near its point on the circle, labels = mode, balanced', () => {
    const d = ring(800, { seed: 1 });
    expect(d.shape).toEqual([2]);
    expect(d.classes).toBe(8);
    expect(classHistogram(d)).toEqual(new Array<number>(8).fill(100));
    for (let i = 0; i < d.size; i++) {
      const k = d.labels[i] ?? -1;
      const [x, y] = point(d, i);
      const angle = (2 * Math.PI * k) / 8;
      // std 0.05: 6 std off the centre would be a bug, not bad luck.
      expect(Math.hypot(x - 2 * Math.cos(angle), y - 2 * Math.sin(angle))).toBeLessThan(0.3);
    }
  });

  it('has the declared spread around each mode', () => {
    const d = ring(4000, { seed: 3, modes: 4, radius: 5, std: 0.5 });
    let sumSq = 0;
    for (let i = 0; i < d.size; i++) {
      const k = d.labels[i] ?? 0;
      const [x, y] = point(d, i);
      sumSq += (x - 5 * Math.cos((Math.PI * k) / 2)) ** 2 + (y - 5 * Math.sin((Math.PI * k) / 2)) ** 2;
    }
    expect(Math.sqrt(sumSq / (2 * d.size))).toBeCloseTo(0.5, 1);
  });

  test.prop([fc.integer()])('is a function of its seed', (seed) => {
    expect([...ring(20, { seed }).x]).toEqual([...ring(20, { seed }).x]);
    expect([...ring(20, { seed }).x]).not.toEqual([...ring(20, { seed: seed + 1 }).x]);
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => ring(0, { seed: 1 })).toThrow('ring: n must be a positive integer, got 0');
    expect(() => ring(10, { seed: 1, std: -1 })).toThrow(
      'ring: std must be a finite non-negative number, got -1',
    );
    expect(() => ring(10, { seed: 1, modes: 1.5 })).toThrow(DataError);
  });
});

describe('swissRollSet', () => {
  it('lies on the roll: radius = 3·s and angle = 4π·s, label = ⌊10·s⌋', () => {
    const d = swissRollSet(500, { seed: 2 });
    expect(d.classes).toBe(10);
    for (let i = 0; i < d.size; i++) {
      const [x, y] = point(d, i);
      const s = Math.hypot(x, y) / 3;
      expect(s).toBeLessThanOrEqual(1 + 1e-6);
      const theta = 4 * Math.PI * s;
      expect(x).toBeCloseTo(3 * s * Math.cos(theta), 4);
      expect(y).toBeCloseTo(3 * s * Math.sin(theta), 4);
      expect(d.labels[i]).toBe(Math.min(9, Math.floor(s * 10 + 1e-7)));
    }
  });

  it('follows the prior law: segment k holds about (2k+1)% of the points', () => {
    const h = classHistogram(swissRollSet(20_000, { seed: 4 }));
    h.forEach((count, k) => expect(count / 20_000).toBeCloseTo((2 * k + 1) / 100, 2));
  });

  it('adds the requested noise', () => {
    const clean = swissRollSet(2000, { seed: 5 });
    const noisy = swissRollSet(2000, { seed: 5, noise: 0.2 });
    // Same seed, same u draws; noise draws come after, so the differences are the noise itself.
    const diffs = Array.from(noisy.x, (v, i) => v - (clean.x[i] ?? 0));
    const std = Math.sqrt(diffs.reduce((a, b) => a + b * b, 0) / diffs.length);
    expect(std).toBeGreaterThan(0.18);
    expect(std).toBeLessThan(0.22);
  });
});

describe('blobs', () => {
  it('clusters each label around one centre with the declared std', () => {
    const d = blobs(900, 5, { seed: 6, centers: 3, std: 0.3 });
    expect(d.shape).toEqual([5]);
    expect(classHistogram(d)).toEqual([300, 300, 300]);
    const means = Array.from({ length: 3 }, () => new Array<number>(5).fill(0));
    for (let i = 0; i < d.size; i++) {
      const m = means[d.labels[i] ?? 0] ?? [];
      for (let j = 0; j < 5; j++) m[j] = (m[j] ?? 0) + (d.x[5 * i + j] ?? 0) / 300;
    }
    let within = 0;
    for (let i = 0; i < d.size; i++) {
      const m = means[d.labels[i] ?? 0] ?? [];
      for (let j = 0; j < 5; j++) within += ((d.x[5 * i + j] ?? 0) - (m[j] ?? 0)) ** 2;
    }
    expect(Math.sqrt(within / (5 * d.size))).toBeCloseTo(0.3, 1);
    // Centres are spread (std 3 per coordinate), far apart compared with the blobs.
    const gap = Math.hypot(...(means[0] ?? []).map((v, j) => v - (means[1]?.[j] ?? 0)));
    expect(gap).toBeGreaterThan(1);
  });

  it('rejects a bad dimension', () => {
    expect(() => blobs(10, 0, { seed: 1 })).toThrow('blobs: dim must be a positive integer, got 0');
  });
});

describe('tinyDigits', () => {
  it('draws ten distinct seven-segment patterns', () => {
    const patterns = Array.from({ length: 10 }, (_, d) => [...digitPattern(d, 8)].join(''));
    expect(new Set(patterns).size).toBe(10);
    // An 8 lights every segment: on a 9×9 grid, rows 1, 4, 7 over columns 1–7 (3 × 7 pixels), and
    // columns 1 and 7 over the rows between them (2 × 4 pixels).
    expect([...digitPattern(8, 9)].reduce((a, b) => a + b, 0)).toBe(21 + 8);
    // The closest pair, 5 and 9, differs in the two pixels of segment b at side 9.
    const differing = (a: Uint8Array, b: Uint8Array): number =>
      a.reduce((acc, v, j) => acc + (v === b[j] ? 0 : 1), 0);
    expect(differing(digitPattern(5, 9), digitPattern(9, 9))).toBe(2);
    // A 1 is only the right column.
    const one = digitPattern(1, 8);
    expect([...one].reduce((a, b) => a + b, 0)).toBe(6);
    for (let r = 1; r <= 6; r++) expect(one[r * 8 + 6]).toBe(1);
  });

  it('gives values in [0, 1], shape [side²], balanced labels', () => {
    const d = tinyDigits(200, { seed: 7, side: 8 });
    expect(d.shape).toEqual([64]);
    expect(d.classes).toBe(10);
    expect(classHistogram(d)).toEqual(new Array<number>(10).fill(20));
    expect(d.x.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('stays recognisable: without jitter, each image is nearest its own class pattern', () => {
    const side = 9;
    const d = tinyDigits(300, { seed: 8, jitter: false, noise: 0.2 });
    const patterns = Array.from({ length: 10 }, (_, k) => digitPattern(k, side));
    for (let i = 0; i < d.size; i++) {
      const img = d.x.subarray(i * 81, (i + 1) * 81);
      const distances = patterns.map((p) => p.reduce((acc, v, j) => acc + (v - (img[j] ?? 0)) ** 2, 0));
      expect(distances.indexOf(Math.min(...distances))).toBe(d.labels[i]);
    }
  });

  it('jitters: with noise 0, images of one class are shifted copies of the pattern', () => {
    const d = tinyDigits(100, { seed: 9, noise: 0 });
    expect(d.x.every((v) => v === 0 || v === 1)).toBe(true);
    const zeros = new Set<string>();
    for (let i = 0; i < d.size; i += 10) zeros.add([...d.x.subarray(i * 81, (i + 1) * 81)].join(''));
    expect(zeros.size).toBeGreaterThan(1);
  });

  it('rejects a side too small for a digit', () => {
    expect(() => tinyDigits(10, { seed: 1, side: 5 })).toThrow(
      'tinyDigits: side must be an integer of at least 7 (room for a digit), got 5',
    );
  });
});
