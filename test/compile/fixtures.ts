/**
 * A small adversarial autoencoder (12-pixel data, 4 classes) to mutate in compiler tests: every
 * check test starts from a model that compiles and changes one thing.
 */
import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import { compile } from '../../src/compile/index.js';
import type { CompileError, Plan } from '../../src/compile/plan.js';
import type { Loss, Model, NetDecl, Phase, Step } from '../../src/dsl/ast.js';
import {
  adam,
  apply,
  critic,
  gaussian,
  ganGame,
  input,
  mlp,
  model,
  net,
  phase,
  reconstruction,
  sample,
  seq,
  sigmoid,
} from '../../src/dsl/index.js';

export const encoder = net('encoder', mlp([16, 4]));
export const decoder = net('decoder', seq(mlp([16, 12]), sigmoid));
export const disc = critic('disc', mlp([8, 1]));

export const x = input();
export const z = apply(encoder, x);
export const zPrior = sample('prior', gaussian(4));
export const gan = ganGame(disc, { real: zPrior, fake: z });

export const recPhase = (minimize: Loss = reconstruction(x, apply(decoder, z))): Phase =>
  phase('reconstruction', { minimize, update: [encoder, decoder], optimizer: adam(1e-3) });
export const criticPhase = (minimize: Loss = gan.critic, update: readonly string[] = ['disc']): Phase =>
  phase('critic', { minimize, update, optimizer: adam(1e-4) });
export const generatorPhase = (
  minimize: Loss = gan.generator,
  update: readonly string[] = ['encoder'],
): Phase => phase('generator', { minimize, update, optimizer: adam(1e-4) });

/** The small AAE, with any top-level part replaced. */
export const small = (
  over: {
    readonly nets?: readonly NetDecl[];
    readonly schedule?: readonly Step[];
    readonly views?: Model['views'];
    readonly streams?: Model['streams'];
  } = {},
): Model =>
  model('small', {
    data: { x: [12], classes: 4 },
    nets: over.nets ?? [encoder, decoder, disc],
    schedule: over.schedule ?? [recPhase(), criticPhase(), generatorPhase()],
    views: over.views ?? { sample: apply(decoder, zPrior), encode: z },
    ...(over.streams === undefined ? {} : { streams: over.streams }),
  });

/** The plan of a model that must compile (failing with every error otherwise). */
export const planOf = (m: Model): Plan => {
  const r = compile(m);
  if (E.isLeft(r)) throw new Error(r.left.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.right;
};

/** The errors of a model that must not compile. */
export const errorsOf = (m: unknown): readonly CompileError[] => {
  const r = compile(m as Model);
  if (E.isRight(r)) throw new Error('expected compile errors, but the model compiled');
  return r.left;
};

/** Assert that compiling `m` reports an error at exactly `path` whose message contains every part. */
export const expectError = (m: unknown, path: string, ...parts: readonly string[]): void => {
  const errors = errorsOf(m);
  const here = errors.filter((e) => e.path === path);
  expect(
    here,
    `no error at ${path}; got:\n${errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`,
  ).not.toEqual([]);
  for (const part of parts)
    expect(
      here.some((e) => e.message.includes(part)),
      `no error at ${path} mentions "${part}"; got:\n${here.map((e) => e.message).join('\n')}`,
    ).toBe(true);
};
