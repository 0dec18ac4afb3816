import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/load-json-spec.js';

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/load-json-spec', () => {
  it('reports every mistake of the broken spec and of an inconsistent model by path, then trains the good spec', async () => {
    const lines: string[] = [];
    const { specErrors, compileErrors, model, history } = await main({
      steps: 50,
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
    expect(specErrors.map((e) => e.code)).toEqual(['wrong-type', 'unknown-value', 'unknown-field']);
    expect(specErrors[2]?.message).toContain("did you mean 'learningRate'?");
    expect(lines[0]).toContain('nets[1].layers[1].fn: ');

    // The widened decoder decodes fine; the compiler finds the reconstruction comparing 2 with 3.
    expect(compileErrors).toHaveLength(1);
    expect(compileErrors[0]?.path).toBe('schedule[0].minimize.terms[0]');
    expect(compileErrors[0]?.code).toBe('width-mismatch');
    expect(compileErrors[0]?.message).toMatch(/width 2\b.*width 3\b/);

    expect(model.name).toBe('ring-mmd-ae');
    const losses = history.map((r) => r.losses['autoencoder'] ?? Number.NaN);
    expect(losses).toHaveLength(50);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) * 0.5);
  });
});

describe('examples/specs', () => {
  it('name the committed JSON Schema, which accepts the good spec and rejects the broken one at its typos', () => {
    const good = readJson('../../examples/specs/ring-mmd-ae.json') as Record<string, unknown>;
    const broken = readJson('../../examples/specs/ring-mmd-ae.broken.json') as Record<string, unknown>;
    for (const spec of [good, broken]) expect(spec['$schema']).toBe('../../schema/saddle-model.schema.json');
    const validate = new Ajv({ allErrors: true }).compile(
      readJson('../../schema/saddle-model.schema.json') as object,
    );
    expect(validate(good)).toBe(true);
    expect(validate(broken)).toBe(false);
    const at = new Set((validate.errors ?? []).map((e) => e.instancePath));
    for (const pointer of ['/nets/0/layers/2/units', '/nets/1/layers/1/fn', '/schedule/0/optimizer']) {
      expect(at).toContain(pointer);
    }
  });
});
