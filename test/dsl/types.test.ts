/**
 * Type-level tests: what the combinators must NOT let through.
 *
 * Each `@ts-expect-error` below is checked by `tsc --noEmit -p .` (part of `npm test`): if the line
 * ever type-checks, the directive itself becomes an error. The `expectTypeOf` assertions pin the
 * types on both sides of each rule, and the runtime `expect`s check the (unchanged) values.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Loss } from '../../src/dsl/ast.js';
import {
  adam,
  apply,
  critic,
  dense,
  ganGame,
  gaussian,
  input,
  net,
  phase,
  reconstruction,
  sample,
  sigmoid,
} from '../../src/dsl/index.js';
import type { Critic, Net } from '../../src/dsl/net.js';
import type { Sym } from '../../src/dsl/symbol.js';

const encoder = net<'data', 'code'>('encoder', [dense(8)]);
const decoder = net<'code', 'data'>('decoder', [dense(784), sigmoid]);
const discriminator = critic<'code'>('discriminator', [dense(1)]);
const x = input();
const z = sample('prior', gaussian(8));

describe('a phase minimizes a Loss, never a Sym', () => {
  it('rejects a symbol as the phase objective', () => {
    expectTypeOf(x).not.toExtend<Loss>();
    const p = phase('oops', {
      // @ts-expect-error a Sym<'data'> is a value in the graph, not a scalar loss
      minimize: x,
      update: [encoder],
      optimizer: adam(1e-3),
    });
    expect(p.minimize).toEqual({ kind: 'input' });
  });

  it('accepts a loss', () => {
    const rec = reconstruction(x, apply(decoder, apply(encoder, x)));
    expectTypeOf(rec).toEqualTypeOf<Loss>();
    expect(phase('ok', { minimize: rec, update: [encoder], optimizer: adam(1e-3) }).minimize).toBe(rec);
  });
});

describe('games are played by critics only', () => {
  it('rejects a plain net in ganGame, even one typed to output a score', () => {
    const plain = net<'code', 'score'>('plain', [dense(1)]);
    expectTypeOf(plain).not.toExtend<Critic<'code'>>();
    // @ts-expect-error a plain net is not a critic (role 'net')
    const game = ganGame(plain, { real: z, fake: apply(encoder, x) });
    expect(game.game.critic).toBe('plain');
  });

  it('rejects players from another space than the critic reads', () => {
    // @ts-expect-error the critic reads codes; `x` is an image (Sym<'data'>)
    const game = ganGame(discriminator, { real: z, fake: x });
    expect(game.game.fake).toEqual([{ kind: 'input' }]);
  });

  it('accepts a critic with players in its space', () => {
    const gan = ganGame(discriminator, { real: z, fake: apply(encoder, x) });
    expectTypeOf(gan.critic).toEqualTypeOf<Loss>();
    expectTypeOf(discriminator).toExtend<Net<'code', 'score'>>();
    expect(gan.generator).toEqual({ kind: 'game', game: gan.game, view: 'generator' });
  });
});

describe('apply checks the input space against the net', () => {
  it('rejects applying a data → code encoder to a code', () => {
    expectTypeOf(z).toEqualTypeOf<Sym<'code'>>();
    expectTypeOf(z).not.toExtend<Sym<'data'>>();
    // @ts-expect-error encoder reads Sym<'data'>; z is a Sym<'code'>
    const wrong = apply(encoder, z);
    expect(wrong).toEqual({ kind: 'apply', net: 'encoder', input: z });
  });

  it('gives the output the net’s output space', () => {
    expectTypeOf(apply(encoder, x)).toEqualTypeOf<Sym<'code'>>();
    expectTypeOf(apply(decoder, z)).toEqualTypeOf<Sym<'data'>>();
    // a net declared without spaces accepts any symbol
    const untyped = net('any', [dense(2)]);
    expect(apply(untyped, z)).toEqual({ kind: 'apply', net: 'any', input: z });
  });
});

describe('reconstruction compares symbols, not losses', () => {
  it('rejects a loss as target or output', () => {
    const loss = reconstruction(x, apply(decoder, z));
    expectTypeOf(loss).not.toExtend<Sym>();
    // @ts-expect-error a Loss is a scalar objective, not a value to reconstruct
    const nested = reconstruction(loss, x);
    // @ts-expect-error ... nor a reconstruction
    const nested2 = reconstruction(x, loss);
    expect(nested.kind).toBe('reconstruction');
    expect(nested2.kind).toBe('reconstruction');
  });
});
