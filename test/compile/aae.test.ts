import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { compile, explain } from '../../src/compile/index.js';
import { planPhases, type Plan, type Program } from '../../src/compile/plan.js';
import { aaeDefaults, buildAae, type AaeOptions } from '../../src/zoo/aae.js';

const compiled = (o: Partial<AaeOptions>): Plan => {
  const r = compile(buildAae({ ...aaeDefaults, ...o }));
  if (E.isLeft(r)) throw new Error(r.left.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.right;
};

const applies = (p: Program, net: string): number =>
  p.instrs.filter((i) => i.op.kind === 'apply' && i.op.net === net).length;

describe('the paper AAE', () => {
  const options = (['deterministic', 'gaussian', 'universal'] as const).flatMap((posterior) =>
    (['gaussian', 'mixture10', 'swissroll'] as const).map((prior) => ({
      posterior,
      prior,
      latent: prior === 'gaussian' ? 8 : 2,
    })),
  );

  it.each(options)('compiles with posterior $posterior and prior $prior', (o) => {
    const plan = compiled(o);
    const phases = planPhases(plan);
    expect(phases.map((p) => p.name)).toEqual(['reconstruction', 'critic', 'generator']);
    expect(phases.map((p) => p.update)).toEqual([['encoder', 'decoder'], ['discriminator'], ['encoder']]);
    // each phase moves exactly the trainable parameters of its nets
    const paramsOf = (name: string) =>
      plan.nets.find((n) => n.name === name)?.params.map((p) => p.name) ?? [];
    expect(phases.map((p) => p.params)).toEqual([
      [...paramsOf('encoder'), ...paramsOf('decoder')],
      paramsOf('discriminator'),
      paramsOf('encoder'),
    ]);
    const encoderIn = o.posterior === 'universal' ? 784 + aaeDefaults.noiseDim : 784;
    const encoderOut = o.posterior === 'gaussian' ? 2 * o.latent : o.latent;
    expect(plan.nets.map((n) => [n.name, n.inShape, n.outShape])).toEqual([
      ['encoder', [encoderIn], [encoderOut]],
      ['decoder', [o.latent], [784]],
      ['discriminator', [o.latent], [1]],
    ]);
    // the critic phase scores the prior draw and the code: one encoder pass, two critic passes
    const critic = phases[1]?.program as Program;
    expect(applies(critic, 'encoder')).toBe(1);
    expect(applies(critic, 'discriminator')).toBe(2);
    expect(critic.instrs[critic.output]?.op.kind).toBe('ganCritic');
    expect(Object.keys(plan.views).sort()).toEqual(['encode', 'prior', 'reconstruct', 'sample']);
  });

  it('draws the universal posterior noise once per phase, at its site', () => {
    const plan = compiled({ posterior: 'universal' });
    for (const phase of planPhases(plan).filter((p) => p.update.includes('encoder'))) {
      const draws = phase.program.instrs.filter((i) => i.op.kind === 'sample' && i.op.site === 'eta');
      expect(draws).toHaveLength(1);
    }
  });

  it('explains itself: nets with shapes and parameter counts, phases with programs', () => {
    const text = explain(compiled({ posterior: 'gaussian' }));
    expect(text).toContain('encoder (net)  [784] → [16]  1,802,016 parameters');
    expect(text).toContain('dense 784 + sigmoid');
    expect(text).toContain("phase 'critic'  (schedule[1])");
    expect(text).toContain(
      'optimizer  adam(lr 0.001, β1 0.5, β2 0.999, ε 1e-8); lr cosine to × 0.1 over 1200 iterations',
    );
    expect(text).toMatch(/%4 = apply discriminator\(%0\)\s+\[batch × 1\]/);
    expect(text).toMatch(/%6 = ganCritic nonSaturating\(real %4, fake %5\)\s+\[scalar\]/);
    expect(text).toContain("gaussianCode 'eps'(%1)");
    expect(text).toContain('updates    encoder  (6 tensors, 1,802,016 parameters)');
    expect(text).toContain('encoder/0/kernel, encoder/0/bias');
  });
});
