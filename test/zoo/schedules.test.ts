/**
 * Each entry's schedule is the paper's algorithm: phases in the paper's order, each moving
 * exactly the players the paper moves, on the stream the paper reads.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Model, Phase } from '../../src/dsl/ast.js';
import {
  aae,
  aaeClustering,
  aaeDimred,
  aaeSemisupervised,
  aaeSupervised,
  entries,
  mmdAe,
  resolveOptions,
  vae,
  zoo,
} from '../../src/zoo/index.js';

/** `[name, update, data]` of every phase, in schedule order. */
const schedule = (m: Model): [string, readonly string[], string][] =>
  m.schedule
    .flatMap((s): readonly Phase[] => (s.kind === 'phase' ? [s] : s.phases))
    .map((p) => [p.name, p.update, p.data]);

const trunkAndHeads = ['encoder', 'classHead', 'styleHead'];
const critics = ['classCritic', 'styleCritic'];

describe('zoo registry', () => {
  it('lists every entry once, model names equal ids', () => {
    expect(entries.map((e) => e.id)).toEqual([
      'aae',
      'aae-supervised',
      'aae-semisupervised',
      'aae-clustering',
      'aae-dimred',
      'mmd-ae',
      'ds-aae',
      'vae',
      'vae-gan',
      'lp-aae',
      'lp-aae-conditional',
      'bavae',
    ]);
    for (const e of entries) {
      expect(zoo[e.id]).toBe(e);
      expect(e.build(e.defaults).name).toBe(e.id);
      expect(E.isRight(e.options.decode(e.defaults))).toBe(true);
    }
  });
});

describe('phase update sets follow the papers', () => {
  it('aae-supervised: reconstruction, critic, generator, all on the labeled stream', () => {
    const m = aaeSupervised.build(aaeSupervised.defaults);
    expect(schedule(m)).toEqual([
      ['reconstruction', ['encoder', 'decoder'], 'labeled'],
      ['critic', ['discriminator'], 'labeled'],
      ['generator', ['encoder'], 'labeled'],
    ]);
    expect(m.streams).toEqual([{ name: 'labeled', labels: 'all' }]);
  });

  it('aae-supervised: the decoder reads the code and the label one-hot', () => {
    const m = aaeSupervised.build({ ...aaeSupervised.defaults, latent: 3 });
    const first = m.schedule[0];
    expect(first?.kind === 'phase' && first.minimize).toMatchObject({
      kind: 'reconstruction',
      output: {
        kind: 'apply',
        net: 'decoder',
        input: {
          kind: 'concat',
          parts: [
            { kind: 'apply', net: 'encoder' },
            { kind: 'oneHot', of: { kind: 'label' }, classes: 10 },
          ],
        },
      },
    });
    expect(m.views.sample).toMatchObject({
      kind: 'apply',
      net: 'decoder',
      input: {
        parts: [
          { kind: 'sample', site: 'prior' },
          { kind: 'sample', dist: { kind: 'categorical' } },
        ],
      },
    });
  });

  it('aae-semisupervised: reconstruction, both critics, generator, labeled cross-entropy', () => {
    const m = aaeSemisupervised.build(aaeSemisupervised.defaults);
    expect(schedule(m)).toEqual([
      ['reconstruction', [...trunkAndHeads, 'decoder'], 'train'],
      ['critics', critics, 'train'],
      ['generator', trunkAndHeads, 'train'],
      ['classification', ['encoder', 'classHead'], 'labeled'],
    ]);
    expect(m.streams).toEqual([
      { name: 'train', labels: 'none' },
      { name: 'labeled', labels: { count: 100 } },
    ]);
    const all = aaeSemisupervised.build({ ...aaeSemisupervised.defaults, labels: 'all' });
    expect(all.streams[1]).toEqual({ name: 'labeled', labels: 'all' });
    expect(Object.keys(m.views).sort()).toEqual(['classify', 'encode', 'prior', 'reconstruct', 'sample']);
  });

  it('aae-clustering: the semi-supervised schedule without its labeled phase', () => {
    const m = aaeClustering.build({ ...aaeClustering.defaults, clusters: 30 });
    expect(schedule(m)).toEqual([
      ['reconstruction', [...trunkAndHeads, 'decoder'], 'train'],
      ['critics', critics, 'train'],
      ['generator', trunkAndHeads, 'train'],
    ]);
    expect(m.streams).toEqual([{ name: 'train', labels: 'none' }]);
    const classHead = m.nets.find((n) => n.name === 'classHead');
    expect(classHead?.layers).toEqual([
      { kind: 'dense', units: 30, bias: true },
      { kind: 'activation', fn: 'softmax' },
    ]);
  });

  it('criticNoise adds a fresh N(0, σ²) draw to every critic input, real and fake, and nothing else', () => {
    const sites = (m: Model): string[] => {
      const found = new Set<string>();
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (typeof v === 'object' && v !== null) {
          const o = v as Record<string, unknown>;
          if (o['kind'] === 'sample' && typeof o['site'] === 'string') found.add(o['site']);
          Object.values(o).forEach(walk);
        }
      };
      walk(m.schedule);
      return [...found].sort();
    };
    const quiet = aaeClustering.build({ ...aaeClustering.defaults, criticNoise: 0 });
    const plain = sites(quiet);
    expect(plain).toEqual(['classPrior', 'stylePrior']);
    const noised = aaeClustering.build({ ...aaeClustering.defaults, criticNoise: 0.3 });
    expect(sites(noised)).toEqual(
      [...plain, 'classFakeNoise', 'classRealNoise', 'styleFakeNoise', 'styleRealNoise'].sort(),
    );
    expect(JSON.stringify(noised.schedule)).toContain(
      JSON.stringify({ kind: 'gaussian', dim: 16, mean: 0, std: 0.3 }),
    );
    // the views (sampling, encoding) never see the noise
    expect(noised.views).toEqual(quiet.views);
    // aae-clustering's default has the noise (its cluster head collapses without it); §5's has not
    expect(aaeClustering.defaults.criticNoise).toBe(0.3);
    expect(aaeSemisupervised.defaults.criticNoise).toBe(0);
  });

  it('aae-semisupervised / aae-clustering: annealIterations anneals the three unsupervised phases, to their floors', () => {
    const schedules = (m: Model): [string, unknown][] =>
      m.schedule
        .flatMap((s): readonly Phase[] => (s.kind === 'phase' ? [s] : s.phases))
        .map((p) => [p.name, p.optimizer.lrSchedule]);
    const anneal = { annealIterations: 900, reconstructionFloor: 0.3, adversarialFloor: 0.1 };
    const cosine = (floor: number): unknown => ({ kind: 'cosine', iterations: 900, floor });
    expect(schedules(aaeSemisupervised.build({ ...aaeSemisupervised.defaults, ...anneal }))).toEqual([
      ['reconstruction', cosine(0.3)],
      ['critics', cosine(0.1)],
      ['generator', cosine(0.1)],
      ['classification', undefined],
    ]);
    expect(
      schedules(aaeClustering.build({ ...aaeClustering.defaults, ...anneal })).map(([, s]) => s),
    ).toEqual([cosine(0.3), cosine(0.1), cosine(0.1)]);
    const constant = aaeClustering.build({ ...aaeClustering.defaults, annealIterations: 0 });
    expect(schedules(constant).map(([, s]) => s)).toEqual([undefined, undefined, undefined]);
    const bad = resolveOptions(aaeClustering, ['adversarialFloor=0']);
    expect(E.isLeft(bad) && bad.left[0]?.path).toBe('options.adversarialFloor');
  });
  it('aae-dimred: cluster heads learn only from reconstruction; code = W_c y + z', () => {
    const m = aaeDimred.build({ ...aaeDimred.defaults, n: 3, clusters: 7 });
    expect(schedule(m)).toEqual([
      ['reconstruction', [...trunkAndHeads, 'clusterHeads', 'decoder'], 'train'],
      ['critics', critics, 'train'],
      ['generator', trunkAndHeads, 'train'],
    ]);
    expect(m.nets.find((n) => n.name === 'clusterHeads')?.layers).toEqual([
      { kind: 'dense', units: 3, bias: false },
    ]);
    expect(m.views.encode).toMatchObject({
      kind: 'add',
      terms: [{ kind: 'apply', net: 'clusterHeads', input: { net: 'classHead' } }, { net: 'styleHead' }],
    });
  });

  it('mmd-ae: reconstruction, then the encoder alone minimizing MMD with the paper kernel', () => {
    const m = mmdAe.build(mmdAe.defaults);
    expect(schedule(m)).toEqual([
      ['reconstruction', ['encoder', 'decoder'], 'train'],
      ['regularization', ['encoder'], 'train'],
    ]);
    const reg = m.schedule[1];
    expect(reg?.kind === 'phase' && reg.minimize).toMatchObject({
      kind: 'mmd',
      kernel: { kind: 'rbf', sigmas: [2, 5, 10, 20, 40, 80] },
    });
    expect(mmdAe.batchSize).toBe(1000);
    const widths = (name: string) =>
      m.nets
        .find((n) => n.name === name)
        ?.layers.flatMap((l): (number | string)[] =>
          l.kind === 'dense' ? [l.units] : l.kind === 'dropout' ? [`drop ${l.rate}`] : [],
        );
    expect(widths('encoder')).toEqual(['drop 0.2', 1024, 512, 216, 4]);
    expect(widths('decoder')).toEqual([216, 512, 1024, 784]);
  });

  it('mmd-ae: no dropout layer when inputDropout is 0', () => {
    const m = mmdAe.build({ ...mmdAe.defaults, inputDropout: 0 });
    expect(m.nets[0]?.layers.some((l) => l.kind === 'dropout')).toBe(false);
  });

  it('vae: one phase, reconstruction + KL over encoder and decoder', () => {
    const m = vae.build(vae.defaults);
    expect(schedule(m)).toEqual([['elbo', ['encoder', 'decoder'], 'train']]);
    const only = m.schedule[0];
    expect(only?.kind === 'phase' && only.minimize).toMatchObject({
      kind: 'sum',
      terms: [
        { kind: 'reconstruction', metric: 'bce' },
        { kind: 'klGaussian', code: { kind: 'gaussianCode', params: { kind: 'apply', net: 'encoder' } } },
      ],
    });
    const enc = m.nets[0]?.layers ?? [];
    expect(enc.filter((l) => l.kind === 'dense').map((l) => (l.kind === 'dense' ? l.units : 0))).toEqual([
      500, 40,
    ]);
    expect(enc).toContainEqual({ kind: 'activation', fn: 'tanh' });
  });

  it('aae keeps its three phases', () => {
    expect(schedule(aae.build(aae.defaults))).toEqual([
      ['reconstruction', ['encoder', 'decoder'], 'train'],
      ['critic', ['discriminator'], 'train'],
      ['generator', ['encoder'], 'train'],
    ]);
  });
});

describe('option decoding names the option', () => {
  const firstError = (r: E.Either<readonly { path: string; message: string }[], unknown>) =>
    E.isLeft(r) ? r.left[0] : undefined;

  it('rejects widths that are not positive integers', () => {
    expect(firstError(resolveOptions(aaeClustering, ['clusters=0']))).toEqual({
      path: 'options.clusters',
      code: 'invalid-option',
      message: '0 is not a positive integer',
    });
    expect(firstError(resolveOptions(vae, ['latent=2.5']))?.path).toBe('options.latent');
    expect(firstError(resolveOptions(aaeDimred, ['n=two']))).toEqual({
      path: 'options.n',
      code: 'invalid-option',
      message: '"two" is not a positive integer',
    });
  });

  it('points into lists at the bad item', () => {
    expect(firstError(resolveOptions(mmdAe, ['hidden=[16,-3]']))).toEqual({
      path: 'options.hidden.1',
      code: 'invalid-option',
      message: '-3 is not a positive integer',
    });
    expect(firstError(resolveOptions(mmdAe, ['hidden=[]']))?.message).toBe(
      '[] is not a non-empty list of positive integers',
    );
    expect(firstError(resolveOptions(mmdAe, ['sigmas=[2,0]']))?.path).toBe('options.sigmas.1');
    expect(firstError(resolveOptions(mmdAe, ['inputDropout=1']))?.path).toBe('options.inputDropout');
  });

  it('accepts a class-balanced label count or "all", nothing else', () => {
    expect(resolveOptions(aaeSemisupervised, ['labels=all'])).toEqual(
      E.right({ ...aaeSemisupervised.defaults, labels: 'all' }),
    );
    expect(resolveOptions(aaeSemisupervised, ['labels=1000'])).toEqual(
      E.right({ ...aaeSemisupervised.defaults, labels: 1000 }),
    );
    const bad = resolveOptions(aaeSemisupervised, ['labels=some']);
    expect(E.isLeft(bad) && bad.left).toEqual([
      {
        path: 'options.labels',
        code: 'invalid-option',
        message: '"some" is not a positive multiple of 10 (labels are balanced over the classes) or "all"',
      },
    ]);
    expect(firstError(resolveOptions(aaeSemisupervised, ['labels=15']))?.path).toBe('options.labels');
  });

  it('rejects enum values and non-positive rates with the option name', () => {
    expect(firstError(resolveOptions(vae, ['activation=sigmoid']))).toEqual({
      path: 'options.activation',
      code: 'invalid-option',
      message: '"sigmoid" is not one of "tanh", "relu"',
    });
    expect(firstError(resolveOptions(aaeSupervised, ['criticLr=-1']))?.path).toBe('options.criticLr');
    expect(firstError(resolveOptions(aaeDimred, ['styleStd=0']))?.path).toBe('options.styleStd');
  });
});
