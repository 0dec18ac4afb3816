import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { compile, explain } from '../../src/compile/index.js';
import { planPhases, type Plan } from '../../src/compile/plan.js';
import { aaeDefaults, buildAae, type AaeOptions } from '../../src/zoo/aae.js';

const compiled = (o: Partial<AaeOptions>): Plan => {
  const r = compile(buildAae({ ...aaeDefaults, ...o }));
  if (E.isLeft(r)) throw new Error(r.left.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.right;
};

describe('the paper AAE compiles', () => {
  const options = (['deterministic', 'gaussian', 'universal'] as const).flatMap((posterior) =>
    (['gaussian', 'mixture10', 'swissroll'] as const).map((prior) => ({
      posterior,
      prior,
      latent: prior === 'gaussian' ? 8 : 2,
    })),
  );

  it.each(options)('posterior $posterior, prior $prior', (o) => {
    const plan = compiled(o);
    expect(planPhases(plan).map((p) => p.update)).toEqual([
      ['encoder', 'decoder'],
      ['discriminator'],
      ['encoder'],
    ]);
  });

  it('prints', () => {
    console.log(explain(compiled({ posterior: 'gaussian' })));
  });
});
