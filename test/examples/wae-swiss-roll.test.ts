/**
 * The guide's worked example: the WAE compiles in each of its arrangements, λ really sits in the
 * encoder/decoder objective, the mistaken variant is refused with the sign rule, the spec file it
 * writes decodes back to the same model, and a few steps on tiny digits move the game the right way.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, explain, parseModelJson } from 'saddle';
import { createTrainer } from 'saddle/runtime';
import { tinyDigits } from 'saddle/data';
import { planPhases } from '../../src/compile/plan.js';
import { planOf } from '../compile/fixtures.js';
import { buildWae, main, mistakenWae } from '../../examples/wae-swiss-roll.js';

const tiny = { x: [81], classes: 10 };
const tmp = mkdtempSync(join(tmpdir(), 'saddle-wae-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const plan = (options: Parameters<typeof buildWae>[0]) => planOf(buildWae(options));

describe('examples/wae-swiss-roll', () => {
  it('runs the critic first, then one encoder/decoder phase on reconstruction + λ · the generator view', () => {
    const p = plan({ lambda: 3 });
    expect(planPhases(p).map((ph) => [ph.name, ph.update])).toEqual([
      ['critic', ['critic']],
      ['autoencoder', ['encoder', 'decoder']],
    ]);
    const text = explain(p);
    expect(text).toContain('reconstruction mse(target %0, output %2)');
    expect(text).toContain('3 × gan generator');
  });

  it('arranges the critic steps and the simultaneous schedule from its options', () => {
    expect(planPhases(plan({ criticSteps: 5 })).find((ph) => ph.name === 'critic')?.repeat).toBe(5);
    const together = plan({ simultaneous: true });
    expect(together.schedule).toHaveLength(1);
    expect(explain(together)).toContain('simultaneous');
  });

  it('refuses the mistaken variant with the game sign rule, at the critic phase', () => {
    const wrong = compile(mistakenWae(buildWae()));
    expect(E.isLeft(wrong)).toBe(true);
    if (E.isLeft(wrong)) {
      expect(wrong.left.map((e) => [e.path, e.code])).toEqual([
        ['schedule[0].minimize.term', 'wrong-player'],
      ]);
    }
  });

  it('writes a spec file that decodes to the same model', () => {
    const logged: string[] = [];
    const result = main({ spec: join(tmp, 'wae.json'), log: (l) => logged.push(l) });
    const decoded = parseModelJson(readFileSync(result.spec, 'utf8'));
    expect(decoded).toEqual(E.right(result.model));
    expect(logged.join('\n')).toContain(`npx saddle train ${result.spec}`);
    expect(result.mistakeErrors).toContain('[wrong-player]');
  });

  it('trains on tiny digits: the autoencoder loss falls and the critic stays in the game', async () => {
    const trainer = createTrainer({
      plan: plan({ data: tiny, hidden: 32, lambda: 1 }),
      data: tinyDigits(400, { seed: 3 }),
      batchSize: 40,
      seed: 5,
    });
    try {
      for (let i = 0; i < 150; i++) trainer.step();
      const records = await trainer.readLosses();
      const mean = (phase: string, from: number, to: number): number =>
        records.slice(from, to).reduce((a, r) => a + (r.losses[phase] ?? NaN), 0) / (to - from);
      expect(mean('autoencoder', 130, 150)).toBeLessThan(0.7 * mean('autoencoder', 0, 10));
      // A critic that had won outright would sit near 0; one that had given up, far above log 4.
      const critic = mean('critic', 130, 150);
      expect(critic).toBeGreaterThan(0.3);
      expect(critic).toBeLessThan(3);
    } finally {
      trainer.dispose();
    }
  });
});
