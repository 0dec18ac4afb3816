import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { aae, resolveOptions } from '../../src/zoo/index.js';

describe('zoo options from --set', () => {
  it('overrides defaults with typed values', () => {
    const r = resolveOptions(aae, ['latent=2', 'prior=mixture10', 'lambda=0.5']);
    expect(r).toEqual(E.right({ ...aae.defaults, latent: 2, prior: 'mixture10', lambda: 0.5 }));
  });

  it('names every bad option with its path', () => {
    const r = resolveOptions(aae, ['latnet=2', 'prior=moon', 'oops']);
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) {
      expect(r.left.map((e) => e.path)).toEqual(['options.latnet', '--set[2]']);
    }
    const bad = resolveOptions(aae, ['prior=moon']);
    expect(E.isLeft(bad) && bad.left[0]?.path).toBe('options.prior');
    expect(E.isLeft(bad) && bad.left[0]?.message).toContain('"moon"');
  });
});
