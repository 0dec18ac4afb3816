import { describe, expect, it } from 'vitest';
import { aae, buildAae } from 'saddle/zoo/aae';
import { main } from '../../examples/tweak-zoo-entry.js';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/tweak-zoo-entry', () => {
  it('keeps the entry’s three phases, adds an MMD phase, and trains the result', async () => {
    const { model, phases, history } = await main({
      steps: 40,
      hidden: 16,
      seed: 1,
      backend: 'cpu',
      log: () => {},
    });

    expect(phases).toEqual(['reconstruction', 'critic', 'generator', 'mmd']);
    // The options changed what the entry built: 2-D codes under the ten-petal mixture, 81-pixel images.
    const reference = buildAae(
      { ...aae.defaults, latent: 2, prior: 'mixture10', hidden: 16, reconstructionLr: 3e-3 },
      {
        x: [81],
        classes: 10,
      },
    );
    expect(model.schedule.slice(0, 3)).toEqual(reference.schedule);
    expect(model.views.prior).toMatchObject({ kind: 'sample', dist: { kind: 'gaussianMixture' } });
    expect(model.nets.find((n) => n.name === 'decoder')?.layers.at(-2)).toEqual({
      kind: 'dense',
      units: 81,
      bias: true,
    });

    expect(history).toHaveLength(40);
    for (const r of history) {
      expect(Object.keys(r.losses)).toEqual(phases);
      for (const v of Object.values(r.losses)) expect(Number.isFinite(v)).toBe(true);
    }
    const reconstruction = history.map((r) => r.losses['reconstruction'] ?? Number.NaN);
    expect(mean(reconstruction.slice(-10))).toBeLessThan(mean(reconstruction.slice(0, 10)) * 0.9);
  });
});
