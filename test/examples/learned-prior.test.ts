import { describe, expect, it } from 'vitest';
import { main, moments, momentGap } from '../../examples/learned-prior.js';

describe('examples/learned-prior', () => {
  it('trains the pushforward prior: its draws move onto the codes and decode to the data’s ring', async () => {
    const lines: string[] = [];
    const { before, after } = await main({
      steps: 150,
      hidden: 16,
      seed: 1,
      backend: 'cpu',
      log: (l) => lines.push(l),
    });

    // The prior's moments moved, and now sit much closer to the codes than where they started.
    expect(momentGap(after.prior, before.prior)).toBeGreaterThan(0.5);
    expect(momentGap(after.prior, after.codes)).toBeLessThan(momentGap(before.prior, after.codes) / 2);
    // Decoded prior draws: a blob at the origin before, points at about the ring's radius 2 after.
    expect(before.sampleRadius).toBeLessThan(0.5);
    expect(Math.abs(after.sampleRadius - 2)).toBeLessThan(0.3);
    expect(lines.some((l) => l.startsWith('after 150 iterations: prior mean'))).toBe(true);
  });

  it('measures moments per coordinate', () => {
    const m = moments(Float32Array.from([1, 10, 3, 10, 5, 16]), 2);
    expect(m.mean).toEqual([3, 12]);
    expect(m.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(m.std[1]).toBeCloseTo(Math.sqrt(8), 6);
    expect(momentGap(m, { mean: [3, 11], std: [0, 0] })).toBeCloseTo(Math.sqrt(8), 6);
  });
});
