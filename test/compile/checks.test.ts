/**
 * Every compiler check, each from a small model that compiles with exactly one thing changed:
 * the error's path and the words a user needs.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import type { Model, Phase } from '../../src/dsl/ast.js';
import {
  adam,
  add,
  apply,
  batchNorm,
  categorical,
  concat,
  conv2d,
  critic,
  crossEntropy,
  dense,
  dropout,
  gaussian,
  gaussianCode,
  gaussianMixture,
  label,
  labeledStream,
  mlp,
  mmd,
  net,
  oneHot,
  phase,
  pushforward,
  reconstruction,
  reshape,
  rmsprop,
  sample,
  scale,
  seq,
  sgd,
  simultaneous,
  slice,
  stopGradient,
  sum,
  uniform,
} from '../../src/dsl/index.js';
import {
  criticPhase,
  decoder,
  disc,
  encoder,
  errorsOf,
  expectError,
  gan,
  generatorPhase,
  recPhase,
  small,
  x,
  z,
  zPrior,
} from './fixtures.js';

const withPhase = (i: number, change: Partial<Phase>): Model => {
  const m = small();
  return {
    ...m,
    schedule: m.schedule.map((s, j) => (j === i && s.kind === 'phase' ? { ...s, ...change } : s)),
  };
};

describe('the small model', () => {
  it('compiles (so each test below fails only for its one change)', () => {
    expect(E.isRight(compile(small()))).toBe(true);
  });
});

describe('references', () => {
  it('rejects an unknown net in apply', () => {
    const m = small({
      schedule: [recPhase(reconstruction(x, apply(net('decodr', []), z))), criticPhase(), generatorPhase()],
    });
    expectError(m, 'schedule[0].minimize.output.net', "unknown net 'decodr'", "'decoder'");
  });

  it('rejects an unknown net in update', () => {
    expectError(
      withPhase(1, { update: ['disc', 'critic'] }),
      'schedule[1].update[1]',
      "unknown net 'critic'",
    );
  });

  it('rejects an unknown net in a pushforward prior', () => {
    const m = small({ views: { prior: sample('lp', pushforward(gaussian(2), 'codegen')) } });
    expectError(m, 'views.prior.dist.net', "unknown net 'codegen'");
  });

  it('rejects an unknown game critic, and a game critic that is not a critic', () => {
    const unknown = { ...gan.game, critic: 'judge' };
    expectError(
      small({
        schedule: [
          recPhase(),
          criticPhase({ kind: 'game', game: unknown, view: 'critic' }),
          generatorPhase(),
        ],
      }),
      'schedule[1].minimize.game.critic',
      "unknown net 'judge'",
    );
    const notCritic = net('judge', mlp([8, 1]));
    const m = small({
      nets: [encoder, decoder, disc, notCritic],
      schedule: [
        recPhase(),
        criticPhase({ kind: 'game', game: { ...gan.game, critic: 'judge' }, view: 'critic' }, ['judge']),
        generatorPhase(),
      ],
    });
    expectError(m, 'schedule[1].minimize.game.critic', "'judge' is not a critic");
  });

  it('rejects duplicate net, phase and stream names', () => {
    expectError(
      small({ nets: [encoder, decoder, disc, encoder] }),
      'nets[3].name',
      "duplicate net name 'encoder'",
      'nets[0]',
    );
    expectError(withPhase(2, { name: 'critic' }), 'schedule[2].name', "duplicate phase name 'critic'");
    expectError(
      small({
        streams: [
          { name: 'train', labels: 'none' },
          { name: 'train', labels: 'all' },
        ],
      }),
      'streams[1].name',
      "duplicate stream name 'train'",
    );
  });

  it('rejects a phase reading an unknown stream', () => {
    expectError(withPhase(0, { data: 'labeled' }), 'schedule[0].data', "unknown stream 'labeled'", "'train'");
  });
});

describe('widths and shapes', () => {
  it('rejects a net applied to two widths, naming both applications', () => {
    const m = small({ views: { sample: apply(decoder, sample('wide', gaussian(10))) } });
    expectError(
      m,
      'views.sample',
      "net 'decoder' is applied to inputs of width 4 (schedule[0].minimize.output) and 10 (views.sample)",
    );
  });

  it('rejects layers whose shapes do not chain', () => {
    const flatConv = net('encoder', seq(conv2d(4, 3), dense(4)));
    expectError(
      small({ nets: [flatConv, decoder, disc] }),
      'nets[0].layers[0]',
      'conv2d',
      '[height, width, channels]',
      'width 12',
    );
    const noFlatten = net('encoder', seq(reshape([2, 2, 3]), conv2d(4, 1), dense(4)));
    expectError(
      small({ nets: [noFlatten, decoder, disc] }),
      'nets[0].layers[2]',
      'needs a flat input',
      'shape [2, 2, 4]',
      'flatten',
    );
    const badReshape = net('encoder', seq(reshape([5, 2]), dense(4)));
    expectError(
      small({ nets: [badReshape, decoder, disc] }),
      'nets[0].layers[0].shape',
      'does not preserve',
      '12 values',
    );
  });

  it('rejects a critic that does not end in one unit', () => {
    const wide = critic('disc', mlp([8, 3]));
    expectError(
      small({ nets: [encoder, decoder, wide] }),
      'nets[2].layers[2].units',
      "critic 'disc' must end in one unit",
      'width 3',
    );
  });

  it('rejects a slice out of range', () => {
    const m = small({ views: { encode: slice(z, 2, 3) } });
    expectError(m, 'views.encode', 'slice [2, 5) is out of range for a value of width 4');
  });

  it('rejects add of different widths', () => {
    const m = small({ views: { encode: add(z, sample('n', gaussian(3))) } });
    expectError(m, 'views.encode', 'add of different widths: width 4 (terms[0]) and width 3 (terms[1])');
  });

  it('rejects concat of values with different row counts', () => {
    const m = small({ views: { encode: concat(z, sample('n', gaussian(3), { batch: 7 })) } });
    expectError(
      m,
      'views.encode',
      'concat of values with different row counts',
      'the batch (parts[0])',
      '7 rows (parts[1])',
    );
  });

  it('rejects mmd of different widths', () => {
    const m = small({
      schedule: [
        recPhase(sum(reconstruction(x, apply(decoder, z)), mmd(z, sample('n', gaussian(3)), [1]))),
        criticPhase(),
        generatorPhase(),
      ],
    });
    expectError(m, 'schedule[0].minimize.terms[1]', 'mmd of different widths', 'width 4', 'width 3');
  });

  it('rejects a reconstruction whose target and output widths differ', () => {
    const m = small({
      schedule: [recPhase(reconstruction(z, apply(decoder, z))), criticPhase(), generatorPhase()],
    });
    expectError(m, 'schedule[0].minimize', 'reconstruction target has width 4 but output has width 12');
  });

  it('rejects a crossEntropy whose widths differ', () => {
    const m = small({
      streams: [labeledStream('train')],
      schedule: [
        recPhase(sum(reconstruction(x, apply(decoder, z)), crossEntropy(z, oneHot(label(), 3)))),
        criticPhase(),
        generatorPhase(),
      ],
    });
    expectError(m, 'schedule[0].minimize.terms[1]', 'crossEntropy probs has width 4 but target has width 3');
  });

  it('rejects two different distributions at one site', () => {
    const m = small({ views: { prior: concat(zPrior, sample('prior', uniform(4))) } });
    expectError(
      m,
      'views.prior.parts[1].dist',
      "site 'prior' is drawn twice differently",
      'gaussian',
      'uniform',
    );
  });

  it('rejects klGaussian of a value that is not a gaussianCode', () => {
    const m = small({
      schedule: [
        recPhase(sum(reconstruction(x, apply(decoder, z)), { kind: 'klGaussian', code: z })),
        criticPhase(),
        generatorPhase(),
      ],
    });
    expectError(m, 'schedule[0].minimize.terms[1].code', 'klGaussian', "gets an 'apply' expression");
  });

  it('rejects a gaussianCode of odd width', () => {
    const code = gaussianCode('eps', sample('odd', gaussian(3)));
    expectError(small({ views: { encode: code } }), 'views.encode.params', 'even width', 'width 3');
  });

  it('rejects a net that is never applied', () => {
    const unused = net('unused', mlp([2]), { trainable: false });
    expectError(
      small({ nets: [encoder, decoder, disc, unused] }),
      'nets[3]',
      "net 'unused' is never applied",
    );
  });
});

describe('what phases train', () => {
  it('rejects a trainable net no phase updates', () => {
    expectError(
      withPhase(0, { update: ['encoder'] }),
      'nets[1]',
      "net 'decoder' is trainable but no phase updates it",
    );
  });

  it('rejects a phase updating a net its loss does not depend on', () => {
    const regularize = phase('regularize', {
      minimize: gan.generator,
      update: ['encoder', 'decoder'],
      optimizer: adam(1e-4),
    });
    expectError(
      small({ schedule: [recPhase(), criticPhase(), regularize] }),
      'schedule[2].update[1]',
      "phase 'regularize' updates 'decoder' but its loss does not depend on it",
    );
  });

  it('rejects a phase whose loss reaches an updated net only through stopGradient', () => {
    const frozenCode = reconstruction(x, apply(decoder, stopGradient(z)));
    const m = small({ schedule: [recPhase(frozenCode), criticPhase(), generatorPhase()] });
    expectError(m, 'schedule[0].update[0]', "updates 'encoder' but its loss does not depend on it");
    expect(errorsOf(m).some((e) => e.path === 'schedule[0].update[1]')).toBe(false);
  });

  it('rejects a frozen net in update', () => {
    const frozen = net('decoder', decoder.layers, { trainable: false });
    expectError(
      small({ nets: [encoder, frozen, disc] }),
      'schedule[0].update[1]',
      "updates 'decoder', which is frozen",
    );
  });

  it('rejects reading labels in a phase whose stream has none', () => {
    const semi = sum(reconstruction(x, apply(decoder, z)), crossEntropy(z, oneHot(label(), 4)));
    const m = small({ schedule: [recPhase(semi), criticPhase(), generatorPhase()] });
    expectError(
      m,
      'schedule[0].minimize.terms[1].target.of',
      'reads labels',
      "stream 'train' has labels: 'none'",
    );
  });
});

describe('the game sign rule', () => {
  it('rejects a generator view minimized by the phase that updates the critic', () => {
    expectError(
      criticSwap(gan.generator, ['disc']),
      'schedule[1].minimize',
      'generator view',
      "also updates 'disc'",
      'classic sign bug',
    );
  });

  it('rejects a critic view minimized by a phase that does not update the critic', () => {
    expectError(
      small({ schedule: [recPhase(), criticPhase(), generatorPhase(gan.critic)] }),
      'schedule[2].minimize',
      'critic view',
      "does not update 'disc'",
      'classic sign bug',
    );
  });

  it('tracks signs through scale: a negated critic view is a generator view', () => {
    const negated = scale(-1, gan.critic);
    expectError(
      small({ schedule: [recPhase(), criticPhase(negated), generatorPhase()] }),
      'schedule[1].minimize.term',
      'negative scale',
      'classic sign bug',
    );
    // and −(−critic) is the critic view again, minimized by the right phase: it compiles
    const twice = scale(-2, scale(-0.5, gan.critic));
    expect(E.isRight(compile(small({ schedule: [recPhase(), criticPhase(twice), generatorPhase()] })))).toBe(
      true,
    );
  });

  it('rejects a critic view that also trains the nets its fakes come from', () => {
    expectError(
      criticSwap(gan.critic, ['disc', 'encoder']),
      'schedule[1].minimize',
      "also updates 'encoder'",
      'classic sign bug',
    );
  });
});

const criticSwap = (loss: typeof gan.critic, update: readonly string[]): Model =>
  small({ schedule: [recPhase(), criticPhase(loss, update), generatorPhase()] });

describe('hyperparameter ranges', () => {
  it('rejects non-positive learning rates and out-of-range optimizer constants', () => {
    expectError(
      withPhase(0, { optimizer: adam(0) }),
      'schedule[0].optimizer.learningRate',
      'learning rate must be > 0',
      'got 0',
    );
    expectError(
      withPhase(0, { optimizer: adam(1e-3, { beta1: 1 }) }),
      'schedule[0].optimizer.beta1',
      'in [0, 1)',
    );
    expectError(
      withPhase(0, { optimizer: adam(1e-3, { beta2: -0.1 }) }),
      'schedule[0].optimizer.beta2',
      'in [0, 1)',
    );
    expectError(
      withPhase(0, { optimizer: adam(1e-3, { epsilon: 0 }) }),
      'schedule[0].optimizer.epsilon',
      '> 0',
    );
    expectError(withPhase(0, { optimizer: sgd(-1) }), 'schedule[0].optimizer.learningRate', '> 0');
    expectError(
      withPhase(0, { optimizer: sgd(0.1, { momentum: 1.5 }) }),
      'schedule[0].optimizer.momentum',
      'in [0, 1)',
    );
    expectError(
      withPhase(0, { optimizer: rmsprop(0.1, { decay: 1 }) }),
      'schedule[0].optimizer.decay',
      'in [0, 1)',
    );
  });

  it('rejects repeat counts that are not whole numbers ≥ 1', () => {
    expectError(withPhase(1, { repeat: 0 }), 'schedule[1].repeat', 'whole number ≥ 1', 'got 0');
    expectError(withPhase(1, { repeat: 2.5 }), 'schedule[1].repeat', 'whole number ≥ 1');
  });

  it('rejects layer fields out of range', () => {
    const bad = net('encoder', seq(dropout(1), dense(0), batchNorm({ momentum: 1, epsilon: 0 }), dense(4)));
    const m = small({ nets: [bad, decoder, disc] });
    expectError(m, 'nets[0].layers[0].rate', 'dropout rate must be in [0, 1)', 'got 1');
    expectError(m, 'nets[0].layers[1].units', 'positive integer', 'got 0');
    expectError(m, 'nets[0].layers[2].momentum', 'in [0, 1)');
    expectError(m, 'nets[0].layers[2].epsilon', '> 0');
    const conv = net('encoder', seq(reshape([2, 2, 3]), conv2d(2.5, 0), dense(4)));
    const c = small({ nets: [conv, decoder, disc] });
    expectError(c, 'nets[0].layers[1].filters', 'positive integer');
    expectError(c, 'nets[0].layers[1].kernel', 'positive integer');
  });

  it('rejects distributions out of range', () => {
    const view = (d: Parameters<typeof sample>[1]): Model => small({ views: { prior: sample('p', d) } });
    expectError(view(gaussian(4, { std: 0 })), 'views.prior.dist.std', 'gaussian std must be > 0');
    expectError(view(gaussian(0)), 'views.prior.dist.dim', 'positive integer');
    expectError(view(categorical([0.5, 0.6])), 'views.prior.dist.probs', 'must sum to 1');
    expectError(view(categorical([1.5, -0.5])), 'views.prior.dist.probs[1]', 'non-negative');
    expectError(view(uniform(2, 1, 1)), 'views.prior.dist.high', 'above low');
    const component = (weight: number, mean: number[], scale: number[][]) => ({ weight, mean, scale });
    const mix = gaussianMixture([
      component(
        0.5,
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ),
      component(0.6, [1, 1, 1], [[1]]),
    ]);
    expectError(view(mix), 'views.prior.dist.components', 'mixture weights must sum to 1');
    expectError(view(mix), 'views.prior.dist.components[1].mean', '2 finite entries');
    expectError(view(mix), 'views.prior.dist.components[1].scale', '2 × 2 matrix');
    const negative = gaussianMixture([component(1.5, [0], [[1]]), component(-0.5, [1], [[1]])]);
    expectError(view(negative), 'views.prior.dist.components[1].weight', 'non-negative');
  });

  it('rejects labeled-stream counts that are not a positive multiple of the classes', () => {
    expectError(
      small({ streams: [{ name: 'train', labels: 'none' }, labeledStream('few', 0)] }),
      'streams[1].labels.count',
      'positive whole number',
    );
    expectError(
      small({ streams: [{ name: 'train', labels: 'none' }, labeledStream('few', 10)] }),
      'streams[1].labels.count',
      'multiple of the 4 classes',
    );
  });
});

describe('the schedule', () => {
  it('rejects an empty schedule', () => {
    expectError(small({ schedule: [] }), 'schedule', 'the schedule is empty');
  });

  it('requires repeat 1 inside a simultaneous group', () => {
    const together = simultaneous(criticPhase(), { ...generatorPhase(), repeat: 3 });
    const m = small({ schedule: [recPhase(), together] });
    expectError(m, 'schedule[1].phases[1].repeat', 'simultaneous group', 'repeat 3');
    expect(
      E.isRight(compile(small({ schedule: [recPhase(), simultaneous(criticPhase(), generatorPhase())] }))),
    ).toBe(true);
  });
});

describe('all errors at once', () => {
  it('reports independent mistakes together', () => {
    const m = small({
      schedule: [
        { ...recPhase(), optimizer: adam(-1) },
        { ...criticPhase(), data: 'nowhere' },
        generatorPhase(scale(1, gan.critic)),
      ],
    });
    expect(errorsOf(m).map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'schedule[0].optimizer.learningRate',
        'schedule[1].data',
        'schedule[2].minimize.term',
      ]),
    );
  });

  it('reports a mistake inside a game shared by two phases once', () => {
    const bad = { ...gan.game, real: slice(zPrior, 3, 2) };
    const m = small({
      schedule: [
        recPhase(),
        criticPhase({ kind: 'game', game: bad, view: 'critic' }),
        generatorPhase({ kind: 'game', game: bad, view: 'generator' }),
      ],
    });
    expect(errorsOf(m).filter((e) => e.message.includes('out of range'))).toHaveLength(1);
  });
});

describe('garbage cast to Model', () => {
  it('names missing and mistyped fields instead of throwing', () => {
    expectError(
      { name: 'm', data: { x: [1], classes: 1 }, nets: 'no', streams: [], schedule: [], views: {} },
      'nets',
      'expected an array',
    );
    expectError(null, '', 'expected a model');
    const m = small();
    expectError(
      { ...m, schedule: [{ ...recPhase(), minimize: { kind: 'wasserstein' } }] },
      'schedule[0].minimize.kind',
      'loss kind',
      'wasserstein',
    );
    expectError(
      { ...m, nets: [{ ...encoder, layers: [{ kind: 'dense', units: '8', bias: true }] }, decoder, disc] },
      'nets[0].layers[0].units',
      'expected a number',
      '"8"',
    );
  });

  it('accepts a model that went through JSON', () => {
    expect(E.isRight(compile(JSON.parse(JSON.stringify(small())) as Model))).toBe(true);
  });
});
