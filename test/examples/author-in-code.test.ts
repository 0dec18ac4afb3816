import { describe, expect, it } from 'vitest';
import { main } from '../../examples/author-in-code.js';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/author-in-code', () => {
  it('compiles the declared AAE, explains its three phases and trains it: reconstruction falls', async () => {
    const lines: string[] = [];
    const { explanation, history } = await main({
      steps: 150,
      every: 50,
      hidden: 16,
      seed: 1,
      backend: 'cpu',
      log: (line) => lines.push(line),
    });

    for (const name of ['reconstruction', 'critic', 'generator'])
      expect(explanation).toContain(`phase '${name}'`);
    expect(lines[0]).toBe(explanation);
    expect(lines.filter((l) => l.startsWith('iteration'))).toHaveLength(3);

    // Every iteration's losses were read, in order, all finite.
    expect(history.map((r) => r.iteration)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    for (const r of history) for (const v of Object.values(r.losses)) expect(Number.isFinite(v)).toBe(true);

    const reconstruction = history.map((r) => r.losses['reconstruction'] ?? Number.NaN);
    expect(mean(reconstruction.slice(-20))).toBeLessThan(mean(reconstruction.slice(0, 20)) / 2);
  });
});
