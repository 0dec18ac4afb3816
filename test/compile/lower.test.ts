import { describe, expect, it } from 'vitest';
import { planPhases, type Instr, type Program } from '../../src/compile/plan.js';
import {
  apply,
  batchNorm,
  categorical,
  conv2d,
  crossEntropy,
  deconv2d,
  dense,
  dropout,
  flatten,
  gaussian,
  gaussianCode,
  joint,
  klGaussian,
  label,
  labeledStream,
  leakyRelu,
  maxPool,
  mmd,
  net,
  oneHot,
  phase,
  adam,
  pushforward,
  reconstruction,
  relu,
  reshape,
  sample,
  scale,
  seq,
  sigmoid,
  softmax,
  stopGradient,
  sum,
  trainStream,
} from '../../src/dsl/index.js';
import {
  criticPhase,
  decoder,
  disc,
  encoder,
  gan,
  generatorPhase,
  planOf,
  recPhase,
  small,
  x,
  z,
  zPrior,
} from './fixtures.js';

const ops = (p: Program): string[] => p.instrs.map((i) => i.op.kind);
const only = <T>(xs: readonly T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
};
const find = (p: Program, kind: string): Instr[] => p.instrs.filter((i) => i.op.kind === kind);

describe('lowering nets', () => {
  it('infers input shapes from applications and fuses dense + activation', () => {
    const plan = planOf(small());
    const [enc, dec, d] = plan.nets;
    expect(enc?.inShape).toEqual([12]);
    expect(enc?.outShape).toEqual([4]);
    expect(dec?.inShape).toEqual([4]);
    expect(d?.outShape).toEqual([1]);
    // decoder = dense 16, relu, dense 12, sigmoid: four layers become two fused ones.
    expect(dec?.layers.map((l) => [l.op, 'activation' in l ? l.activation.fn : ''])).toEqual([
      ['dense', 'relu'],
      ['dense', 'sigmoid'],
    ]);
    expect(enc?.layers[1]).toMatchObject({ op: 'dense', activation: { fn: 'linear', alpha: 0 } });
  });

  it('names parameters by declared layer index, with the documented inits and trainability', () => {
    const bn = net('bn', seq(dense(6, { bias: false }), batchNorm(), leakyRelu(0.2), dense(4)));
    const both = sum(reconstruction(x, apply(decoder, z)), mmd(apply(bn, x), zPrior, [1]));
    const m = small({
      nets: [encoder, decoder, disc, bn],
      schedule: [
        phase('reconstruction', { minimize: both, update: [encoder, decoder, bn], optimizer: adam(1e-3) }),
        criticPhase(),
        generatorPhase(),
      ],
    });
    const plan = planOf(m);
    const p = plan.nets.find((n) => n.name === 'bn');
    expect(p?.params.map((s) => [s.name, s.shape, s.init, s.trainable])).toEqual([
      ['bn/0/kernel', [12, 6], 'glorotUniform', true],
      ['bn/1/gamma', [6], 'ones', true],
      ['bn/1/beta', [6], 'zeros', true],
      ['bn/1/movingMean', [6], 'zeros', false],
      ['bn/1/movingVariance', [6], 'ones', false],
      ['bn/3/kernel', [6, 4], 'glorotUniform', true],
      ['bn/3/bias', [4], 'zeros', true],
    ]);
    // batchNorm sits between dense and the activation: nothing to fuse, the leaky ReLU stays a layer.
    expect(p?.layers.map((l) => l.op)).toEqual(['dense', 'batchNorm', 'activation', 'dense']);
    expect(p?.layers[2]).toMatchObject({ activation: { fn: 'leakyRelu', alpha: 0.2 } });
    const rec = planPhases(plan)[0];
    expect(rec?.params).toEqual([
      'encoder/0/kernel',
      'encoder/0/bias',
      'encoder/2/kernel',
      'encoder/2/bias',
      'decoder/0/kernel',
      'decoder/0/bias',
      'decoder/2/kernel',
      'decoder/2/bias',
      'bn/0/kernel',
      'bn/1/gamma',
      'bn/1/beta',
      'bn/3/kernel',
      'bn/3/bias',
    ]);
  });

  it('propagates convolution shapes (tfjs arithmetic)', () => {
    const convEnc = net(
      'encoder',
      seq(
        reshape([4, 3, 1]),
        conv2d(8, 3, { stride: 2 }),
        relu,
        maxPool(2, 1),
        dropout(0.1),
        flatten,
        dense(4),
      ),
    );
    const convDec = net(
      'decoder',
      seq(
        dense(2 * 3 * 2),
        reshape([2, 3, 2]),
        deconv2d(1, 3, { stride: 2, padding: 'valid' }),
        flatten,
        dense(12),
        sigmoid,
      ),
    );
    const plan = planOf(small({ nets: [convEnc, convDec, disc] }));
    const enc = plan.nets[0];
    expect(enc?.layers.map((l) => [l.op, l.outShape])).toEqual([
      ['reshape', [4, 3, 1]],
      ['conv2d', [2, 2, 8]], // same padding: ceil(4/2), ceil(3/2)
      ['maxPool', [1, 1, 8]], // valid: floor((2-2)/1)+1
      ['dropout', [1, 1, 8]],
      ['flatten', [8]],
      ['dense', [4]],
    ]);
    expect(enc?.params.find((p) => p.name === 'encoder/1/kernel')?.shape).toEqual([3, 3, 1, 8]);
    const dec = plan.nets[1];
    // valid transposed conv: n·s + max(k − s, 0) = 2·2+1, 3·2+1
    expect(dec?.layers[2]).toMatchObject({ op: 'deconv2d', outShape: [5, 7, 1] });
    expect(dec?.params.find((p) => p.name === 'decoder/2/kernel')?.shape).toEqual([3, 3, 1, 2]);
  });
});

describe('lowering programs', () => {
  it('gives the AAE phases the update sets of the paper and computes shared values once', () => {
    const plan = planOf(small());
    const [rec, crit, gen] = planPhases(plan);
    expect([rec, crit, gen].map((p) => p?.update)).toEqual([['encoder', 'decoder'], ['disc'], ['encoder']]);
    expect(ops(crit?.program as Program)).toEqual([
      'sample',
      'input',
      'apply',
      'apply',
      'apply',
      'ganCritic',
    ]);
    // the generator view does not need the critic's score of the real draws
    expect(ops(gen?.program as Program)).toEqual(['input', 'apply', 'apply', 'ganGenerator']);
  });

  it('computes a sub-expression shared by two loss terms once', () => {
    const both = sum(reconstruction(x, apply(decoder, z)), scale(0.5, gan.generator));
    const plan = planOf(small({ schedule: [recPhase(both), criticPhase(), generatorPhase()] }));
    const rec = planPhases(plan)[0];
    const program = rec?.program as Program;
    const encoderApplies = program.instrs.filter((i) => i.op.kind === 'apply' && i.op.net === 'encoder');
    expect(encoderApplies).toHaveLength(1);
    expect(find(program, 'input')).toHaveLength(1);
    // every operand refers to an earlier instruction and ids are dense
    program.instrs.forEach((ins, i) => expect(ins.id).toBe(i));
    expect(rec?.terms.map((t) => t.label)).toEqual(['loss', 'reconstruction', '0.5 × gan generator']);
    // two summands of one kind are told apart by their critic, then by number
    const twice = sum(gan.generator, gan.generator, reconstruction(x, apply(decoder, z)));
    const labels = planPhases(
      planOf(small({ schedule: [recPhase(twice), criticPhase(), generatorPhase()] })),
    )[0]?.terms;
    expect(labels?.map((t) => t.label)).toEqual([
      'loss',
      'gan generator of disc',
      'gan generator of disc (2)',
      'reconstruction',
    ]);
    // the same term twice is one instruction, logged under both labels
    expect(labels?.[1]?.value).toBe(labels?.[2]?.value);
    expect(rec?.terms[0]?.value).toBe(program.output);
    expect(program.instrs[program.output]?.op.kind).toBe('sum');
  });

  it('draws joint priors per part and learned priors through their net', () => {
    const gen = net('codegen', seq(dense(8), relu, dense(4)));
    const learned = sample('lp', pushforward(gaussian(3), gen), { batch: 5 });
    const jointZ = sample('j', joint(categorical(2), gaussian(2)));
    const m = small({
      nets: [encoder, decoder, disc, gen],
      schedule: [
        recPhase(sum(reconstruction(x, apply(decoder, z)), mmd(z, jointZ, [1]))),
        criticPhase(),
        phase('generator', {
          minimize: sum(gan.generator, mmd(learned, zPrior, [1, 2])),
          update: [encoder, gen],
          optimizer: adam(1e-4),
        }),
      ],
    });
    const [rec, , g] = planPhases(planOf(m));
    const recProgram = rec?.program as Program;
    expect(
      find(recProgram, 'sample').map((i) => i.op.kind === 'sample' && [i.op.site, i.op.dist.kind, i.shape]),
    ).toEqual([
      ['j/0', 'categorical', [2]],
      ['j/1', 'gaussian', [2]],
    ]);
    expect(only(find(recProgram, 'concat')).shape).toEqual([4]);
    const gProgram = g?.program as Program;
    const base = only(
      find(gProgram, 'sample').filter((i) => i.op.kind === 'sample' && i.op.site === 'lp/base'),
    );
    expect(base.rows).toBe(5);
    const pushed = only(gProgram.instrs.filter((i) => i.op.kind === 'apply' && i.op.net === 'codegen'));
    expect(pushed).toMatchObject({ op: { input: base.id }, rows: 5, shape: [4] });
  });

  it('lowers klGaussian to the parameters of its gaussianCode', () => {
    const vaeEnc = net('encoder', seq(dense(16), relu, dense(8)));
    const params = apply(vaeEnc, x);
    const code = gaussianCode('eps', params);
    const m = small({
      nets: [vaeEnc, decoder],
      schedule: [recPhase(sum(reconstruction(x, apply(decoder, code)), klGaussian(code)))],
      views: { sample: apply(decoder, zPrior) },
    });
    const program = planPhases(planOf(m))[0]?.program as Program;
    const gc = only(find(program, 'gaussianCode'));
    const kl = only(find(program, 'klGaussian'));
    expect(gc.shape).toEqual([4]);
    expect(kl.op).toEqual({ kind: 'klGaussian', params: gc.op.kind === 'gaussianCode' ? gc.op.params : -1 });
  });

  it('marks phases that read labels and lets views read them', () => {
    const classifier = net('classifier', seq(dense(8), relu, dense(4), softmax));
    const semi = phase('semi', {
      minimize: crossEntropy(apply(classifier, x), oneHot(label(), 4)),
      update: [classifier],
      optimizer: adam(1e-3),
      data: 'labeled',
    });
    const plan = planOf(
      small({
        nets: [encoder, decoder, disc, classifier],
        streams: [trainStream, labeledStream('labeled', 100)],
        schedule: [recPhase(), criticPhase(), generatorPhase(), semi],
        views: { classify: apply(classifier, x), encode: stopGradient(oneHot(label(), 4)) },
      }),
    );
    expect(planPhases(plan).map((p) => p.needsLabels)).toEqual([false, false, false, true]);
    expect(ops(plan.views.encode as Program)).toEqual(['label', 'oneHot', 'stopGradient']);
    expect(plan.streams).toEqual([trainStream, { name: 'labeled', labels: { count: 100 } }]);
  });

  it('keeps rows: batch by default, a sample batch when given', () => {
    const m = small({
      views: { sample: apply(decoder, sample('grid', gaussian(4), { batch: 100 })), encode: z },
    });
    const sampleView = planOf(m).views.sample as Program;
    expect(sampleView.instrs.map((i) => i.rows)).toEqual([100, 100]);
    const rec = planPhases(planOf(m))[0]?.program as Program;
    expect(rec.instrs.map((i) => i.rows)).toEqual(['batch', 'batch', 'batch', 'scalar']);
  });
});
