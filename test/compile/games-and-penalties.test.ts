/**
 * Compiler checks for the witness and f-GAN games, the `l2` penalty and the `randomFeatures` layer:
 * each mistake is reported at its path with a sentence naming it; the well-formed variants lower
 * to the ops the runtime implements; the game sign rule covers the new games.
 */
import { describe, expect, it } from 'vitest';
import { structuralErrors } from '../../src/compile/guard.js';
import { lowerNet } from '../../src/compile/shapes.js';
import type { Model } from '../../src/dsl/ast.js';
import {
  concat,
  critic,
  dense,
  fganGame,
  l2,
  mlp,
  net,
  randomFeatures,
  scale,
  seq,
  sum,
  witnessGame,
} from '../../src/dsl/index.js';
import {
  criticPhase,
  decoder,
  encoder,
  expectError,
  generatorPhase,
  planOf,
  recPhase,
  small,
  x,
  z,
  zPrior,
} from './fixtures.js';

const adversary = critic('disc', seq(randomFeatures(16, { sigma: 2, seed: 3 }), dense(1, { bias: false })));
const witness = witnessGame(adversary, { real: zPrior, fake: z });
const witnessModel = (over: { readonly critic?: Parameters<typeof criticPhase>[0] } = {}): Model =>
  small({
    nets: [encoder, decoder, adversary],
    schedule: [
      recPhase(),
      criticPhase(over.critic ?? sum(witness.critic, scale(0.5, l2(adversary)))),
      generatorPhase(witness.generator),
    ],
  });

describe('witness game, l2 and randomFeatures', () => {
  it('lower to the runtime ops, with the frequencies frozen and seeded', () => {
    const plan = planOf(witnessModel());
    const disc = plan.nets.find((n) => n.name === 'disc');
    expect(disc?.params.map((p) => [p.name, p.shape, p.init, p.trainable])).toEqual([
      ['disc/0/frequencies', [4, 8], { kind: 'randomNormal', std: 0.5, seed: 3 }, false],
      ['disc/1/kernel', [16, 1], 'glorotUniform', true],
    ]);
    const ops = (i: number) =>
      plan.schedule[i]?.kind === 'phase' && plan.schedule[i].phase.program.instrs.map((s) => s.op.kind);
    expect(ops(1)).toEqual([
      'sample',
      'input',
      'apply',
      'apply',
      'apply',
      'witnessCritic',
      'l2',
      'scale',
      'sum',
    ]);
    expect(ops(2)).toContain('witnessGenerator');
  });

  it('rejects bad randomFeatures fields at their paths', () => {
    const bad = (layer: ReturnType<typeof randomFeatures>) =>
      small({ nets: [encoder, decoder, critic('disc', seq(layer, dense(1)))] });
    expectError(bad(randomFeatures(15)), 'nets[2].layers[0].features', 'positive even integer');
    expectError(bad(randomFeatures(16, { sigma: 0 })), 'nets[2].layers[0].sigma', 'sigma', '> 0');
    expectError(bad(randomFeatures(16, { seed: -1 })), 'nets[2].layers[0].seed', 'whole number');
    expectError(bad(randomFeatures(16, { seed: 2 ** 32 })), 'nets[2].layers[0].seed', '2³² − 1');
    // A random-feature map needs a flat input.
    const onImages = lowerNet(net('features', [randomFeatures(4)]), 'nets[0]', [3, 4]);
    expect(!onImages.ok && onImages.error).toEqual({
      path: 'nets[0].layers[0]',
      code: 'layer-input-shape',
      message:
        "randomFeatures in net 'features' needs a flat input but gets shape [3, 4] (add flatten before it)",
    });
  });

  it('l2 names an unknown or frozen net', () => {
    expectError(
      witnessModel({ critic: sum(witness.critic, l2('nope')) }),
      'schedule[1].minimize.terms[1].net',
      "unknown net 'nope'",
    );
    const frozen = net('frozen', mlp([3]), { trainable: false });
    const m = witnessModel({ critic: sum(witness.critic, l2(frozen)) });
    expectError(
      {
        ...m,
        nets: [...m.nets, frozen],
        views: { ...m.views, classify: { kind: 'apply', net: 'frozen', input: x } },
      },
      'schedule[1].minimize.terms[1].net',
      'frozen',
      'constant',
    );
  });

  it('the sign rule applies to witness games', () => {
    expectError(witnessModel({ critic: witness.generator }), 'schedule[1].minimize', 'learn to lose');
    const m = small({
      nets: [encoder, decoder, adversary],
      schedule: [recPhase(), criticPhase(witness.critic), generatorPhase(witness.critic)],
    });
    expectError(m, 'schedule[2].minimize', 'help the critic');
  });
});

describe('f-GAN games', () => {
  const pairCritic = critic('disc', mlp([8, 1]));
  const reverse = fganGame(pairCritic, {
    real: concat(x, zPrior),
    fake: concat(x, z),
    divergence: 'reverseKL',
  });
  const m = small({
    nets: [encoder, decoder, pairCritic],
    schedule: [recPhase(), criticPhase(reverse.critic), generatorPhase(reverse.generator)],
  });

  it('lower to fganCritic / fganGenerator with their divergence, the critic on (x, z) pairs', () => {
    const plan = planOf(m);
    expect(plan.nets.find((n) => n.name === 'disc')?.inShape).toEqual([16]);
    const op = (i: number) =>
      plan.schedule[i]?.kind === 'phase' ? plan.schedule[i].phase.program.instrs.at(-1)?.op : undefined;
    expect(op(1)).toMatchObject({ kind: 'fganCritic', divergence: 'reverseKL' });
    expect(op(2)).toMatchObject({ kind: 'fganGenerator', divergence: 'reverseKL' });
  });

  it('need a critic, and real and fake of one width', () => {
    const notCritic = net('disc', mlp([8, 1]));
    const g = fganGame(notCritic as unknown as typeof pairCritic, {
      real: zPrior,
      fake: z,
      divergence: 'forwardKL',
    });
    expectError(
      small({
        nets: [encoder, decoder, notCritic],
        schedule: [recPhase(), criticPhase(g.critic), generatorPhase(g.generator)],
      }),
      'schedule[1].minimize.game.critic',
      'not a critic',
    );
    const mismatched = fganGame(pairCritic, { real: concat(x, zPrior), fake: z, divergence: 'forwardKL' });
    expectError(
      small({
        nets: [encoder, decoder, pairCritic],
        schedule: [recPhase(), criticPhase(mismatched.critic), generatorPhase(mismatched.generator)],
      }),
      'schedule[1].minimize.game.fake',
      "net 'disc' is applied to inputs of width 16",
    );
  });

  it('the structural guard names a bad divergence and a fake list where one value belongs', () => {
    const json = JSON.parse(JSON.stringify(m)) as {
      schedule: { minimize: { game: Record<string, unknown> } }[];
    };
    const game = json.schedule[1]?.minimize.game;
    if (game === undefined) throw new Error('fixture has a critic phase');
    game.divergence = 'jensenShannon';
    game.fake = [game.fake];
    expect(structuralErrors(json)).toEqual([
      {
        path: 'schedule[1].minimize.game.divergence',
        code: 'unknown-value',
        message: "expected one of 'reverseKL', 'forwardKL', got \"jensenShannon\"",
      },
      {
        path: 'schedule[1].minimize.game.fake',
        code: 'wrong-type',
        message: 'expected an expression (an object with a kind), got an array',
      },
    ]);
  });
});
