import { fc, test } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Codec } from '../../src/dsl/codec.js';
import {
  DistCodec,
  ExprCodec,
  LayerCodec,
  LossCodec,
  ModelCodec,
  OptimizerCodec,
  decodeModel,
  encodeModel,
  formatErrors,
  parseModelJson,
} from '../../src/dsl/codec.js';
import type { CompileError } from '../../src/compile/plan.js';
import type { DistKind, ExprKind, GameKind, LayerKind, LossKind, Model } from '../../src/dsl/ast.js';
import { aaeDefaults, buildAae } from '../../src/zoo/aae.js';
import {
  arbDist,
  arbExpr,
  arbFinite,
  arbLayer,
  arbLoss,
  arbModel,
  arbOptimizer,
} from '../arbitraries/ast.js';

// -------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------

/** A JSON round trip: what a spec file on disk would hold. */
const viaJson = (u: unknown): unknown => JSON.parse(JSON.stringify(u)) as unknown;

const errorsOf = (json: unknown): readonly CompileError[] => {
  const r = decodeModel(json);
  if (E.isRight(r)) throw new Error('expected the spec to be rejected');
  return r.left;
};

/** Mutable, untyped JSON: tests poke into specs freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const aaeJson = (): Json => viaJson(encodeModel(buildAae(aaeDefaults)));

type Segment = string | number;
/** The accessor for a path, in the convention the codec reports: `a.b[0].c`. */
const render = (path: readonly Segment[]): string =>
  path.reduce<string>(
    (acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`),
    '',
  );

/** `path` is `place` or inside it. */
const isUnder = (path: string, place: string): boolean =>
  place === '' || path === place || path.startsWith(`${place}.`) || path.startsWith(`${place}[`);

interface Node {
  readonly path: readonly Segment[];
  readonly value: unknown;
  /** The key is optional where it stands (`sample.batch`, any view, an optimizer's schedule and clip norm). */
  readonly optional: boolean;
}

/** Every node of a JSON tree, root first. */
const nodesOf = (value: unknown, path: readonly Segment[] = [], optional = false): Node[] => {
  const here: Node = { path, value, optional };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => nodesOf(v, [...path, i]))];
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return [
      here,
      ...Object.entries(record).flatMap(([k, v]) =>
        nodesOf(
          v,
          [...path, k],
          (k === 'batch' && record['kind'] === 'sample') ||
            render(path) === 'views' ||
            ((k === 'lrSchedule' || k === 'clipNorm') && path.at(-1) === 'optimizer'),
        ),
      ),
    ];
  }
  return [here];
};

const isRecordNode = (n: Node): boolean =>
  typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value);

/** Apply `f` to the parent of `path` inside a deep copy of `json`. */
const editAt = (
  json: unknown,
  path: readonly Segment[],
  f: (parent: Json, key: Segment) => void,
): unknown => {
  const copy = viaJson(json);
  let parent: Json = copy;
  for (const s of path.slice(0, -1)) parent = parent[s];
  f(parent, path[path.length - 1] as Segment);
  return copy;
};

/** A value of a type no position of that value's type accepts. */
const wrongTypeFor = (v: unknown): unknown =>
  typeof v === 'number'
    ? 'fast'
    : typeof v === 'string'
      ? 42
      : typeof v === 'boolean'
        ? 'yes'
        : Array.isArray(v)
          ? 'a list?'
          : 7;

// -------------------------------------------------------------------------------------------------
// round trip
// -------------------------------------------------------------------------------------------------

describe('round trip', () => {
  test.prop([arbModel], { numRuns: 150 })('decode(encode(m)) is m, with or without JSON in between', (m) => {
    expect(decodeModel(encodeModel(m))).toEqual(E.right(m));
    expect(decodeModel(viaJson(encodeModel(m)))).toEqual(E.right(m));
  });

  test.prop([arbModel], { numRuns: 100 })('encode(decode(json)) is json for valid specs', (m) => {
    const json = viaJson(encodeModel(m));
    const decoded = decodeModel(json);
    expect(E.isRight(decoded) && encodeModel(decoded.right)).toEqual(json);
  });

  const subCodecs: readonly [string, Codec<unknown>, fc.Arbitrary<unknown>][] = [
    ['ExprCodec', ExprCodec as Codec<unknown>, arbExpr],
    ['LossCodec', LossCodec as Codec<unknown>, arbLoss],
    ['DistCodec', DistCodec as Codec<unknown>, arbDist],
    ['LayerCodec', LayerCodec as Codec<unknown>, arbLayer],
    ['OptimizerCodec', OptimizerCodec as Codec<unknown>, arbOptimizer],
  ];
  for (const [name, codec, arb] of subCodecs) {
    test.prop([arb], { numRuns: 100 })(`${name} round-trips its own nodes`, (node) => {
      expect(codec.decode(viaJson(codec.encode(node)))).toEqual(E.right(node));
      expect(codec.is(node)).toBe(true);
    });
  }

  it('keeps absent optional fields absent', () => {
    const m: Model = {
      ...buildAae(aaeDefaults),
      views: { sample: { kind: 'sample', site: 'z', dist: { kind: 'gaussian', dim: 2, mean: 0, std: 1 } } },
    };
    const decoded = decodeModel(viaJson(encodeModel(m)));
    expect(E.isRight(decoded)).toBe(true);
    if (E.isRight(decoded)) {
      expect(Object.keys(decoded.right.views)).toEqual(['sample']);
      expect(Object.keys(decoded.right.views.sample ?? {})).not.toContain('batch');
    }
  });

  it('encodes only declared fields (a stray runtime key never reaches the spec)', () => {
    const m = buildAae(aaeDefaults);
    const withStray = { ...m, nets: [{ ...m.nets[0], note: 'x' }, ...m.nets.slice(1)] } as unknown as Model;
    expect(encodeModel(withStray)).toEqual(encodeModel(m));
  });

  const aaeVariants = ['deterministic', 'gaussian', 'universal'].flatMap((posterior) =>
    ['gaussian', 'mixture10', 'swissroll'].flatMap((prior) =>
      ['minimax', 'nonSaturating', 'leastSquares'].map((form) => ({ posterior, prior, form })),
    ),
  );
  /** In memory the model is its own encoding; on disk JSON turns −0 (the mixture's rotations) into 0. */
  const expectRoundTrip = (m: Model): void => {
    expect(decodeModel(encodeModel(m))).toEqual(E.right(m));
    const text = JSON.stringify(encodeModel(m));
    const parsed = parseModelJson(text);
    expect(E.isRight(parsed) && JSON.stringify(encodeModel(parsed.right))).toBe(text);
    expect(E.isRight(parsed) && parsed.right).toEqual(viaJson(m));
  };

  it.each(aaeVariants)('round-trips the zoo AAE with %o', (variant) => {
    expectRoundTrip(buildAae({ ...aaeDefaults, ...variant } as typeof aaeDefaults));
  });

  test.prop(
    [
      fc.record({
        latent: fc.integer({ min: 1, max: 16 }),
        hidden: fc.integer({ min: 1, max: 2000 }),
        posterior: fc.constantFrom('deterministic' as const, 'gaussian' as const, 'universal' as const),
        prior: fc.constantFrom('gaussian' as const, 'mixture10' as const, 'swissroll' as const),
        noiseDim: fc.integer({ min: 1, max: 16 }),
        lambda: arbFinite,
        form: fc.constantFrom('minimax' as const, 'nonSaturating' as const, 'leastSquares' as const),
        reconstructionLr: arbFinite,
        criticLr: arbFinite,
        generatorLr: arbFinite,
        beta1: arbFinite,
      }),
    ],
    { numRuns: 50 },
  )('round-trips the zoo AAE for any options', (options) => {
    expectRoundTrip(buildAae({ ...aaeDefaults, ...options }));
  });
});

// -------------------------------------------------------------------------------------------------
// errors point at the mutated place
// -------------------------------------------------------------------------------------------------

describe('a mutated spec is rejected at the place that was mutated', () => {
  const arbCase = fc.tuple(arbModel, fc.nat()).map(([m, n]) => ({ json: viaJson(encodeModel(m)), n }));

  const expectOnlyUnder = (json: unknown, place: string, exact: string): void => {
    const errors = errorsOf(json);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(isUnder(e.path, place), `${e.path} is not under ${place}`).toBe(true);
    expect(errors.map((e) => e.path)).toContain(exact);
  };

  test.prop([arbCase], { numRuns: 150 })('deleting a required field', ({ json, n }) => {
    const fields = nodesOf(json).filter(
      (node) => node.path.length > 0 && typeof node.path.at(-1) === 'string' && !node.optional,
    );
    const target = fields[n % fields.length] as Node;
    const mutated = editAt(json, target.path, (parent, key) => delete parent[key]);
    expectOnlyUnder(mutated, render(target.path), render(target.path));
  });

  test.prop([arbCase], { numRuns: 150 })('replacing a value with one of the wrong type', ({ json, n }) => {
    const nodes = nodesOf(json);
    const target = nodes[n % nodes.length] as Node;
    const mutated =
      target.path.length === 0
        ? wrongTypeFor(json)
        : editAt(json, target.path, (parent, key) => (parent[key] = wrongTypeFor(target.value)));
    expectOnlyUnder(mutated, render(target.path), render(target.path));
  });

  test.prop([arbCase], { numRuns: 150 })('adding an unknown key', ({ json, n }) => {
    const records = nodesOf(json).filter(isRecordNode);
    const target = records[n % records.length] as Node;
    const mutated = editAt(json, [...target.path, 'zzStray'], (parent, key) => (parent[key] = 1));
    const place = render([...target.path, 'zzStray']);
    expectOnlyUnder(mutated, place, place);
  });

  test.prop([arbCase], { numRuns: 150 })('misspelling a kind', ({ json, n }) => {
    const tagged = nodesOf(json).filter((node) => isRecordNode(node) && 'kind' in (node.value as object));
    fc.pre(tagged.length > 0);
    const target = tagged[n % tagged.length] as Node;
    const mutated = editAt(
      json,
      [...target.path, 'kind'],
      (parent, key) => (parent[key] = `${parent[key]}x`),
    );
    const place = render([...target.path, 'kind']);
    expectOnlyUnder(mutated, place, place);
    expect(errorsOf(mutated)).toHaveLength(1);
  });
});

describe('never throws', () => {
  test.prop(
    [
      fc.anything({
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withObjectString: true,
        withSet: true,
        withSparseArray: true,
        withTypedArray: true,
        withUnicodeString: true,
      }),
    ],
    { numRuns: 300 },
  )('on any value: it is a Left with at least one error', (u) => {
    const r = decodeModel(u);
    expect(E.isLeft(r) && r.left.length).toBeGreaterThan(0);
  });

  test.prop([fc.string()], { numRuns: 200 })('on any text', (text) => {
    expect(E.isLeft(parseModelJson(text))).toBe(true);
  });

  it('reports a cyclic value instead of recursing forever', () => {
    const loop: { kind: string; of?: unknown } = { kind: 'stopGradient' };
    loop.of = loop;
    const json = aaeJson();
    json['views'] = { sample: loop };
    expect(errorsOf(json)).toEqual([
      {
        path: 'views.sample.of',
        code: 'cyclic-value',
        message: 'this value contains itself (a cycle); a spec must be a tree',
      },
    ]);
  });

  it('reports a spec nested too deeply to walk', () => {
    let deep: unknown = { kind: 'input' };
    for (let i = 0; i < 200_000; i++) deep = { kind: 'stopGradient', of: deep };
    const json = aaeJson();
    json['views'] = { sample: deep };
    expect(errorsOf(json)).toEqual([
      { path: '', code: 'spec-too-deep', message: 'the spec is nested too deeply to decode' },
    ]);
  });
});

// -------------------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------------------

describe('messages', () => {
  it('names a value of the wrong type at its path', () => {
    const json = aaeJson();
    json['schedule'][1].optimizer.learningRate = 'fast';
    expect(errorsOf(json)).toEqual([
      {
        path: 'schedule[1].optimizer.learningRate',
        code: 'wrong-type',
        message: 'expected a number, got "fast"',
      },
    ]);
  });

  it('suggests the field a typo meant, once (no extra "missing" error)', () => {
    const json = aaeJson();
    const layer = json['nets'][0].layers[2];
    layer.unit = layer.units;
    delete layer.units;
    expect(errorsOf(json)).toEqual([
      {
        path: 'nets[0].layers[2].unit',
        code: 'unknown-field',
        message: "unknown field 'unit' (did you mean 'units'?)",
      },
    ]);
  });

  it('lists the fields a record has when an unknown key resembles none of them', () => {
    const json = aaeJson();
    json['nets'][0].layers[0].colour = 'red';
    expect(errorsOf(json)).toEqual([
      {
        path: 'nets[0].layers[0].colour',
        code: 'unknown-field',
        message: "unknown field 'colour' (expected: kind, units, bias)",
      },
    ]);
  });

  it('names an unknown kind and lists the kinds there are', () => {
    const json = aaeJson();
    json['nets'][1].layers[0].kind = 'dens';
    expect(errorsOf(json)).toEqual([
      {
        path: 'nets[1].layers[0].kind',
        code: 'unknown-kind',
        message:
          "unknown layer kind 'dens' (expected one of: dense, activation, leakyRelu, dropout, batchNorm, reshape, flatten, conv2d, deconv2d, maxPool, randomFeatures)",
      },
    ]);
  });

  it('reports a bad field inside a union member once, not once per member', () => {
    const json = aaeJson();
    json['nets'][0].layers[0].units = -3;
    expect(errorsOf(json)).toEqual([
      {
        path: 'nets[0].layers[0].units',
        code: 'out-of-range',
        message: 'expected a positive integer, got -3',
      },
    ]);
  });

  it('reaches deep into nested games and distributions', () => {
    const json = aaeJson();
    json['schedule'][1].minimize.game.real.dist.dim = 'eight';
    json['schedule'][2].minimize.term.game.fake[0] = 3;
    expect(errorsOf(json)).toEqual([
      {
        path: 'schedule[1].minimize.game.real.dist.dim',
        code: 'wrong-type',
        message: 'expected a positive integer, got "eight"',
      },
      {
        path: 'schedule[2].minimize.term.game.fake[0]',
        code: 'wrong-type',
        message: 'expected an expression, got 3',
      },
    ]);
  });

  it('reports a missing field and a missing kind', () => {
    const json = aaeJson();
    delete json['schedule'][0].repeat;
    delete json['views'].sample.kind;
    expect(errorsOf(json)).toEqual([
      { path: 'schedule[0].repeat', code: 'missing-field', message: 'missing (expected a positive integer)' },
      {
        path: 'views.sample.kind',
        code: 'missing-field',
        message:
          'missing: an expression needs a kind (expected one of: input, label, oneHot, apply, sample, concat, slice, add, gaussianCode, stopGradient, features)',
      },
    ]);
  });

  it('says what a missing recursive node should be', () => {
    const json = aaeJson();
    delete json['schedule'][1].minimize.game.real.dist;
    delete json['schedule'][2].minimize.term;
    delete json['views'].encode.input;
    expect(errorsOf(json)).toEqual([
      {
        path: 'schedule[1].minimize.game.real.dist',
        code: 'missing-field',
        message: 'missing (expected a distribution)',
      },
      { path: 'schedule[2].minimize.term', code: 'missing-field', message: 'missing (expected a loss)' },
      { path: 'views.encode.input', code: 'missing-field', message: 'missing (expected an expression)' },
    ]);
  });

  it('rejects numbers JSON cannot carry and numbers given as strings', () => {
    const json = aaeJson();
    json['schedule'][0].optimizer.beta1 = Number.NaN;
    json['schedule'][0].optimizer.beta2 = Number.POSITIVE_INFINITY;
    json['schedule'][0].optimizer.epsilon = '1e-8';
    expect(errorsOf(json)).toEqual([
      {
        path: 'schedule[0].optimizer.beta1',
        code: 'out-of-range',
        message: 'expected a finite number, got NaN',
      },
      {
        path: 'schedule[0].optimizer.beta2',
        code: 'out-of-range',
        message: 'expected a finite number, got Infinity',
      },
      { path: 'schedule[0].optimizer.epsilon', code: 'wrong-type', message: 'expected a number, got "1e-8"' },
    ]);
  });

  it('suggests the enum value a typo meant', () => {
    const json = aaeJson();
    json['schedule'][1].minimize.game.form = 'nonsaturating';
    expect(errorsOf(json)).toEqual([
      {
        path: 'schedule[1].minimize.game.form',
        code: 'unknown-value',
        message:
          "expected a GAN form (one of 'minimax', 'nonSaturating', 'leastSquares'), got \"nonsaturating\" (did you mean 'nonSaturating'?)",
      },
    ]);
  });

  it('quotes keys that are not identifiers', () => {
    const json = aaeJson();
    json['data']['learning rate'] = 1;
    expect(errorsOf(json).map((e) => e.path)).toEqual(['data["learning rate"]']);
  });

  it('reports JSON syntax errors at the root with a line and column', () => {
    expect(parseModelJson('{\n  "name": "aae",\n}')).toEqual(
      E.left([
        {
          path: '',
          code: 'invalid-json',
          message: 'invalid JSON: Expected double-quoted property name at line 3, column 1',
        },
      ]),
    );
    const r = parseModelJson('{"name": }');
    expect(E.isLeft(r) && r.left).toEqual([
      { path: '', code: 'invalid-json', message: expect.stringMatching(/^invalid JSON: /) },
    ]);
  });

  it('formats one line per error with its code, (root) for the empty path', () => {
    expect(
      formatErrors([
        { path: '', code: 'wrong-type', message: 'expected a model, got 3' },
        { path: 'nets[0].name', code: 'wrong-type', message: 'expected a string, got 1' },
      ]),
    ).toBe(
      '(root): expected a model, got 3 [wrong-type]\nnets[0].name: expected a string, got 1 [wrong-type]',
    );
    expect(formatErrors(errorsOf(3))).toBe('(root): expected a model, got 3 [wrong-type]');
  });

  it('decodes through the exported ModelCodec the same way', () => {
    const m = buildAae(aaeDefaults);
    expect(ModelCodec.decode(encodeModel(m))).toEqual(E.right(m));
    expect(ModelCodec.is(m)).toBe(true);
    expect(ModelCodec.is({ ...m, extra: 1 })).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------------
// the arbitraries cover every kind
// -------------------------------------------------------------------------------------------------

describe('arbitraries', () => {
  const kindsIn = (values: readonly unknown[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (typeof v === 'object' && v !== null) {
        const kind = (v as { kind?: unknown }).kind;
        if (typeof kind === 'string') seen.add(kind);
        Object.values(v).forEach(visit);
      }
    };
    values.forEach(visit);
    return seen;
  };
  const all = <K extends string>(kinds: Record<K, null>): string[] => Object.keys(kinds);

  it('generate every layer, distribution, expression and loss kind', () => {
    const seen = kindsIn(fc.sample(arbModel, { numRuns: 300, seed: 42 }));
    const expected = [
      ...all<LayerKind>({ dense: null, activation: null, leakyRelu: null, dropout: null, batchNorm: null, reshape: null, flatten: null, conv2d: null, deconv2d: null, maxPool: null, randomFeatures: null }), // prettier-ignore
      ...all<DistKind>({ gaussian: null, gaussianMixture: null, swissRoll: null, categorical: null, uniform: null, joint: null, pushforward: null }), // prettier-ignore
      ...all<ExprKind>({ input: null, label: null, oneHot: null, apply: null, sample: null, concat: null, slice: null, add: null, gaussianCode: null, stopGradient: null, features: null }), // prettier-ignore
      ...all<LossKind>({ reconstruction: null, game: null, mmd: null, crossEntropy: null, klGaussian: null, mutualInformation: null, l2: null, scale: null, sum: null }), // prettier-ignore
      'phase',
      'simultaneous',
      'adam',
      'sgd',
      'rmsprop',
      ...all<GameKind>({ gan: null, witness: null, fgan: null }),
      'rbf', // prettier-ignore
    ];
    expect(expected.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('nest recursive kinds', () => {
    const nested = fc
      .sample(arbDist, { numRuns: 300, seed: 7 })
      .some((d) => d.kind === 'joint' && d.parts.some((p) => p.kind === 'joint' || p.kind === 'pushforward'));
    expect(nested).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------
// the language reference shows what the codec does
// -------------------------------------------------------------------------------------------------

describe('docs/language.md', () => {
  const doc = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
  /** The fenced code blocks of the page tagged `lang` (`''` for untagged), in order. */
  const blocks = (lang: string): string[] => {
    const found: string[] = [];
    let open: { lang: string; lines: string[] } | undefined;
    for (const line of doc.split('\n')) {
      if (!line.startsWith('```')) open?.lines.push(line);
      else if (open === undefined) open = { lang: line.slice(3).trim(), lines: [] };
      else {
        if (open.lang === lang) found.push(open.lines.join('\n'));
        open = undefined;
      }
    }
    return found;
  };

  it('shows the complete spec of the zoo AAE', () => {
    const spec = blocks('json').find((b) => b.includes('"name": "aae"'));
    expect(spec).toBeDefined();
    expect(parseModelJson(spec ?? '')).toEqual(E.right(buildAae(aaeDefaults)));
  });

  it('shows the errors the codec really reports', () => {
    const json = aaeJson();
    json['nets'][0].layers[2].unit = 1000;
    delete json['nets'][0].layers[2].units;
    json['nets'][1].layers[0].kind = 'dens';
    json['schedule'][1].optimizer.learningRate = 'fast';
    json['schedule'][1].minimize.game.real.dist.dim = 0;
    json['schedule'][2].minimize.term.game.form = 'nonsaturating';
    delete json['schedule'][2].repeat;
    json['streams'][0].labels = { count: 100, balanced: true };
    const shown = blocks('').map((b) => b.trim());
    expect(shown).toContain(formatErrors(errorsOf(json)));
    const syntax = parseModelJson('{\n  "name": "aae",\n}');
    expect(shown).toContain(E.isLeft(syntax) && formatErrors(syntax.left));
  });
});
