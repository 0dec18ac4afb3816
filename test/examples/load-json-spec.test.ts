import { describe, expect, it } from 'vitest';
import { main } from '../../examples/load-json-spec.js';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/load-json-spec', () => {
  it('reports every mistake of the broken spec and of an inconsistent model by path, then trains the good spec', async () => {
    const lines: string[] = [];
    const { specErrors, compileErrors, model, history } = await main({
      steps: 120,
      seed: 1,
      backend: 'cpu',
      log: (line) => lines.push(line),
    });

    // The three typos of specs/ring-mmd-ae.broken.json, each at its place, all reported together.
    expect(specErrors.map((e) => e.path)).toEqual([
      'nets[0].layers[2].units',
      'nets[1].layers[1].fn',
      'schedule[0].optimizer.learningrate',
    ]);
    expect(specErrors[2]?.message).toContain("did you mean 'learningRate'?");
    expect(lines[0]).toContain('nets[1].layers[1].fn: ');

    // The widened decoder decodes fine; the compiler finds the reconstruction comparing 2 with 3.
    expect(compileErrors).toHaveLength(1);
    expect(compileErrors[0]?.path).toBe('schedule[0].minimize.terms[0]');
    expect(compileErrors[0]?.message).toMatch(/width 2\b.*width 3\b/);

    expect(model.name).toBe('ring-mmd-ae');
    const losses = history.map((r) => r.losses['autoencoder'] ?? Number.NaN);
    expect(losses).toHaveLength(120);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) * 0.6);
  });
});
