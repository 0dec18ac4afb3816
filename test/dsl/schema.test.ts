/**
 * The JSON Schema of spec files (`src/dsl/schema.ts`) agrees with the codec that decodes them.
 *
 * The schema is validated with ajv (strict mode, so a malformed schema keyword fails here rather
 * than being ignored by an editor), against the zoo's own specs, random structurally valid models,
 * and mutations of them: for every mutated spec the schema and `decodeModel` give the same verdict.
 *
 * `schema/saddle-model.schema.json` is generated, never hand-edited; this test fails if it is stale.
 * Regenerate with:
 *
 *     UPDATE_SCHEMA=1 npx vitest run test/dsl/schema.test.ts
 */
import { fc, test } from '@fast-check/vitest';
import { Ajv, type ErrorObject } from 'ajv';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { compileJson } from '../../src/compile/index.js';
import { decodeModel, encodeModel, parseModelJson } from '../../src/dsl/codec.js';
import {
  jsonSchemaDraft,
  modelJsonSchema,
  modelJsonSchemaText,
  type JsonSchema,
} from '../../src/dsl/schema.js';
import { entries, resolveOptions, type ZooEntry } from '../../src/zoo/index.js';
import { arbModel } from '../arbitraries/ast.js';
import { arbWellFormedModel } from '../arbitraries/wellformed.js';
import { saddle } from '../cli/helpers.js';

// -------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------

/** Mutable, untyped JSON: tests poke into specs freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** What a spec file on disk holds. */
const viaJson = (u: unknown): Json => JSON.parse(JSON.stringify(u)) as unknown;

const schema = modelJsonSchema();
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

const schemaAccepts = (json: unknown): boolean => validate(json);
const decoderAccepts = (json: unknown): boolean => E.isRight(decodeModel(json));

/** ajv's errors for `json` (which must be rejected). */
const schemaErrors = (json: unknown): readonly ErrorObject[] => {
  expect(validate(json)).toBe(false);
  return validate.errors ?? [];
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries have different option types
type AnyEntry = ZooEntry<any>;

const specOf = (entry: AnyEntry, sets: readonly string[] = []): Json => {
  const options = resolveOptions(entry, sets);
  if (E.isLeft(options)) throw new Error(`${entry.id} ${sets.join(' ')}: ${JSON.stringify(options.left)}`);
  return viaJson(encodeModel(entry.build(options.right)));
};

/** `key=value` for every value of every enum option (`t.keyof`) of an entry, one at a time. */
const enumVariants = (entry: AnyEntry): string[] => {
  const codec = entry.options as unknown as { props?: t.Props; type?: { props?: t.Props } };
  const props = codec.props ?? codec.type?.props ?? {};
  return Object.entries(props).flatMap(([key, option]) =>
    option instanceof t.KeyofType ? Object.keys(option.keys as object).map((v) => `${key}=${v}`) : [],
  );
};

type Segment = string | number;

interface Node {
  readonly path: readonly Segment[];
  readonly value: unknown;
}

/** Every node of a JSON tree, root first. */
const nodesOf = (value: unknown, path: readonly Segment[] = []): Node[] => {
  const here: Node = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => nodesOf(v, [...path, i]))];
  if (typeof value === 'object' && value !== null) {
    return [here, ...Object.entries(value).flatMap(([k, v]) => nodesOf(v, [...path, k]))];
  }
  return [here];
};

const isRecord = (u: unknown): boolean => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Apply `f` to the parent of `path` inside a deep copy of `json` (the root itself if `path` is empty). */
const editAt = (json: unknown, path: readonly Segment[], f: (parent: Json, key: Segment) => void): Json => {
  const copy = viaJson(json);
  let parent: Json = copy;
  for (const s of path.slice(0, -1)) parent = parent[s];
  f(parent, path[path.length - 1] as Segment);
  return copy;
};

/** The paper AAE's spec, fresh for each edit. */
const aae = (): Json => specOf(entries.find((e) => e.id === 'aae') as AnyEntry);

/** A JSON pointer, as ajv's `instancePath`. */
const pointer = (path: readonly Segment[]): string => path.map((s) => `/${s}`).join('');

// -------------------------------------------------------------------------------------------------
// the committed file
// -------------------------------------------------------------------------------------------------

describe('schema/saddle-model.schema.json', () => {
  const file = new URL('../../schema/saddle-model.schema.json', import.meta.url);

  it('is the generated schema (formatted by the repository prettier config)', async () => {
    const text = await format(modelJsonSchemaText(), {
      ...(await resolveConfig(file.pathname)),
      parser: 'json',
    });
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(file, text);
    const hint = 'run UPDATE_SCHEMA=1 npx vitest run test/dsl/schema.test.ts';
    expect(existsSync(file), `the schema file is missing: ${hint}`).toBe(true);
    expect(readFileSync(file, 'utf8'), `the schema file is stale: ${hint}`).toBe(text);
  });

  it('is what the package exports as saddle/schema.json and what the docs point editors at', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    expect(new URL(`../../${String(pkg.exports['./schema.json'])}`, import.meta.url).href).toBe(file.href);
    const docs = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
    expect(docs).toContain('"$schema": "./node_modules/saddle/schema/saddle-model.schema.json"');
    expect(docs).toContain('"url": "./node_modules/saddle/schema/saddle-model.schema.json"');
  });

  it('is what `saddle schema` prints, and the command takes no arguments', async () => {
    const printed = await saddle('schema');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(modelJsonSchemaText());
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    const extra = await saddle('schema', 'aae');
    expect(extra.code).not.toBe(0);
    expect(extra.stderr).toContain('saddle schema: takes no arguments, got "aae"');
  });
});

// -------------------------------------------------------------------------------------------------
// layout
// -------------------------------------------------------------------------------------------------

describe('layout', () => {
  it('is draft-07 with one definition per exported codec it reaches', () => {
    expect(schema.$schema).toBe(jsonSchemaDraft);
    expect(Object.keys(schema.definitions ?? {})).toEqual([
      'DataDecl',
      'Dist',
      'Expr',
      'Game',
      'Kernel',
      'Layer',
      'Loss',
      'LrSchedule',
      'MixtureComponent',
      'NetDecl',
      'Optimizer',
      'Phase',
      'Shape',
      'Step',
      'StreamDecl',
      'Views',
    ]);
  });

  it('expresses the recursive kinds by reference to their own definitions', () => {
    const text = (name: string): string => JSON.stringify(schema.definitions?.[name]);
    expect(text('Dist')).toContain('"$ref":"#/definitions/Dist"'); // joint parts, pushforward base
    expect(text('Expr')).toContain('"$ref":"#/definitions/Expr"'); // apply input, concat parts, ...
    expect(text('Loss')).toContain('"$ref":"#/definitions/Loss"'); // scale term, sum terms
  });

  it('describes every definition and every node kind, and offers every kind for completion', () => {
    const unions: [string, JsonSchema][] = [];
    const visit = (s: unknown, where: string): void => {
      if (Array.isArray(s)) s.forEach((x, i) => visit(x, `${where}[${i}]`));
      else if (typeof s === 'object' && s !== null) {
        const node = s as JsonSchema;
        if (node.allOf?.some((branch) => branch.if !== undefined) === true) unions.push([where, node]);
        Object.entries(s).forEach(([k, v]) => visit(v, `${where}.${k}`));
      }
    };
    visit(schema, '#');
    // Layer, Dist, Expr, Game, Kernel, Loss, LrSchedule, Optimizer, Phase, Step: 50 kinds (`phase` is in two)
    expect(unions).toHaveLength(10);
    expect(new Set(unions.flatMap(([, u]) => u.properties?.['kind']?.enum ?? [])).size).toBe(50);
    for (const [where, union] of unions) {
      const branchKinds = (union.allOf ?? []).map((b) => b.if?.properties?.['kind']?.const);
      expect(union.properties?.['kind']?.enum, where).toEqual(branchKinds);
      for (const branch of union.allOf ?? []) {
        expect(branch.then?.description, `${where} ${branch.if?.properties?.['kind']?.const}`).toMatch(/\S/);
        expect(branch.then?.additionalProperties).toBe(false);
      }
    }
    for (const [name, definition] of Object.entries(schema.definitions ?? {})) {
      expect(definition.description, name).toMatch(/\S/);
    }
  });

  it('passes ajv strict mode (no unknown keywords, no ignored ones)', () => {
    expect(() => new Ajv({ strict: true }).compile(modelJsonSchema())).not.toThrow();
  });
});

// -------------------------------------------------------------------------------------------------
// valid specs
// -------------------------------------------------------------------------------------------------

describe('valid specs validate', () => {
  it.each(entries.map((e) => [e.id, e] as const))('the zoo entry %s with its defaults', (_, entry) => {
    const spec = specOf(entry);
    expect(schemaAccepts(spec), JSON.stringify(validate.errors)).toBe(true);
  });

  it('every zoo entry with each value of each of its enum options', () => {
    let checked = 0;
    for (const entry of entries) {
      for (const set of enumVariants(entry)) {
        const spec = specOf(entry, [set]);
        expect(schemaAccepts(spec), `${entry.id} --set ${set}: ${JSON.stringify(validate.errors)}`).toBe(
          true,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  test.prop([arbModel], { numRuns: 150 })('every structurally valid model the arbitraries produce', (m) => {
    expect(schemaAccepts(viaJson(encodeModel(m))), JSON.stringify(validate.errors)).toBe(true);
  });

  test.prop([arbWellFormedModel], { numRuns: 30 })('every well-formed model', (m) => {
    expect(schemaAccepts(viaJson(encodeModel(m))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a spec naming its schema with "$schema", which the decoder ignores', () => {
    const spec = aae();
    const named = { $schema: './node_modules/saddle/schema/saddle-model.schema.json', ...spec };
    expect(schemaAccepts(named)).toBe(true);
    expect(decodeModel(named)).toEqual(decodeModel(spec));
    expect(E.isRight(decodeModel(spec))).toBe(true);
    // and what reads spec files (the CLI's explain and train, compileJson) reads it the same way
    expect(parseModelJson(JSON.stringify(named))).toEqual(decodeModel(spec));
    expect(E.isRight(compileJson(named))).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------
// invalid specs: the schema rejects what the decoder rejects
// -------------------------------------------------------------------------------------------------

/** One way to break a spec at a node. */
interface Mutation {
  readonly name: string;
  /** The nodes it applies to. */
  readonly at: (node: Node) => boolean;
  /** The broken spec (a deep copy of `json`, edited at `node`). */
  readonly edit: (json: Json, node: Node) => Json;
  /** Whether the result is invalid wherever the break is made (else the decoder decides). */
  readonly alwaysInvalid: boolean;
}

const isNumber = (node: Node): boolean => typeof node.value === 'number';
const isString = (node: Node): boolean => typeof node.value === 'string';
const isField = (node: Node): boolean => typeof node.path.at(-1) === 'string';
const isRecordNode = (node: Node): boolean => isRecord(node.value);
const isNestedRecord = (node: Node): boolean => node.path.length > 0 && isRecord(node.value);
const isRoot = (node: Node): boolean => node.path.length === 0;

const replaceWith =
  (value: unknown) =>
  (json: Json, node: Node): Json =>
    node.path.length === 0 ? value : editAt(json, node.path, (p, k) => (p[k] = value));
const addField =
  (key: string, value: unknown) =>
  (json: Json, node: Node): Json =>
    editAt(json, [...node.path, key], (p, k) => (p[k] = value));
const changeValue =
  (f: (v: Json) => unknown) =>
  (json: Json, node: Node): Json =>
    editAt(json, node.path, (p, k) => (p[k] = f(p[k])));

const mutations: readonly Mutation[] = [
  // optional fields (views, `sample.batch`) may go, required ones may not
  { name: 'delete a field', at: isField, edit: (j, n) => editAt(j, n.path, (p, k) => delete p[k]), alwaysInvalid: false },
  { name: 'add an unknown field', at: isRecordNode, edit: addField('zzStray', 1), alwaysInvalid: true },
  { name: 'add "$schema" below the root', at: isNestedRecord, edit: addField('$schema', 'x'), alwaysInvalid: true },
  { name: 'misspell a kind', at: (n) => n.path.at(-1) === 'kind', edit: changeValue((v) => `${v}x`), alwaysInvalid: true },
  // integer or not, positive or not: each position has its own rule
  ...[2.5, 0, -1, 1e21].map((x) => ({ name: `set a number to ${x}`, at: isNumber, edit: replaceWith(x), alwaysInvalid: false })),
  { name: 'set a number to a numeric string', at: isNumber, edit: replaceWith('8'), alwaysInvalid: true },
  { name: 'set a string to a number', at: isString, edit: replaceWith(8), alwaysInvalid: true },
  // names may be anything, kinds and enum values may not
  { name: 'upper-case a string', at: isString, edit: changeValue((v) => `${v}`.toUpperCase()), alwaysInvalid: false },
  { name: 'set a value to null', at: (n) => !isRoot(n), edit: replaceWith(null), alwaysInvalid: true },
  { name: 'set a record to a list', at: isNestedRecord, edit: replaceWith([]), alwaysInvalid: true },
  { name: 'set "$schema" to a number', at: isRoot, edit: addField('$schema', 7), alwaysInvalid: true },
  { name: 'name the schema in "$schema"', at: isRoot, edit: addField('$schema', 'schema.json'), alwaysInvalid: false },
]; // prettier-ignore

/** Apply `mutation` at the `n`-th (mod count) node it applies to, if any. */
const mutate = (json: Json, mutation: Mutation, n: number): { where: string; json: Json } | undefined => {
  const nodes = nodesOf(json).filter(mutation.at);
  const node = nodes[n % Math.max(1, nodes.length)];
  return node === undefined
    ? undefined
    : { where: pointer(node.path) || '/', json: mutation.edit(json, node) };
};

describe('invalid specs are rejected by the schema as by the decoder', () => {
  const arbMutation = fc.tuple(fc.constantFrom(...mutations), fc.nat());

  test.prop([arbModel, arbMutation], { numRuns: 400 })(
    'for any mutation of a random model, schema and decoder agree',
    (m, [mutation, n]) => {
      const mutated = mutate(viaJson(encodeModel(m)), mutation, n);
      fc.pre(mutated !== undefined);
      const decoder = decoderAccepts(mutated.json);
      expect(schemaAccepts(mutated.json), `${mutation.name} at ${mutated.where}`).toBe(decoder);
      if (mutation.alwaysInvalid) expect(decoder, `${mutation.name} at ${mutated.where}`).toBe(false);
    },
  );

  test.prop([fc.constantFrom(...entries), arbMutation], { numRuns: 200 })(
    'for any mutation of a zoo spec, schema and decoder agree',
    (entry, [mutation, n]) => {
      const mutated = mutate(specOf(entry), mutation, n);
      fc.pre(mutated !== undefined);
      const decoder = decoderAccepts(mutated.json);
      expect(schemaAccepts(mutated.json), `${entry.id}: ${mutation.name} at ${mutated.where}`).toBe(decoder);
      if (mutation.alwaysInvalid) expect(decoder).toBe(false);
    },
  );

  it('an unknown field: reported on its record', () => {
    const json = aae();
    json.nets[0].layers[0].unit = 3;
    expect(decoderAccepts(json)).toBe(false);
    expect(schemaErrors(json)).toContainEqual(
      expect.objectContaining({
        instancePath: '/nets/0/layers/0',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'unit' },
      }),
    );
  });

  it('a kind that does not exist: one error, at kind, listing the kinds', () => {
    const json = aae();
    json.nets[1].layers[0].kind = 'dens';
    expect(decoderAccepts(json)).toBe(false);
    const errors = schemaErrors(json);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ instancePath: '/nets/1/layers/0/kind', keyword: 'enum' });
    expect(errors[0]?.params).toEqual({
      allowedValues: expect.arrayContaining(['dense', 'conv2d', 'maxPool']),
    });
  });

  it('a non-integer width: reported against the dense layer only, not every layer kind', () => {
    const json = aae();
    json.nets[0].layers[0].units = 2.5;
    expect(decoderAccepts(json)).toBe(false);
    const errors = schemaErrors(json);
    expect(errors).toContainEqual(
      expect.objectContaining({
        instancePath: '/nets/0/layers/0/units',
        keyword: 'type',
        params: { type: 'integer' },
      }),
    );
    // Apart from ajv's "must match then" summary, every error is about that field.
    expect(errors.filter((e) => e.keyword !== 'if').map((e) => e.instancePath)).toEqual([
      '/nets/0/layers/0/units',
    ]);
  });

  it('a zero width: below the minimum', () => {
    const json = aae();
    json.schedule[1].minimize.game.real.dist.dim = 0;
    expect(decoderAccepts(json)).toBe(false);
    expect(schemaErrors(json)).toContainEqual(
      expect.objectContaining({
        instancePath: '/schedule/1/minimize/game/real/dist/dim',
        keyword: 'minimum',
      }),
    );
  });

  it('a missing field: reported as required on its record', () => {
    const json = aae();
    delete json.schedule[0].repeat;
    expect(decoderAccepts(json)).toBe(false);
    expect(schemaErrors(json)).toContainEqual(
      expect.objectContaining({
        instancePath: '/schedule/0',
        keyword: 'required',
        params: { missingProperty: 'repeat' },
      }),
    );
  });

  it('an enum value that is not one: the values are listed', () => {
    const json = aae();
    json.schedule[1].minimize.game.form = 'nonsaturating';
    expect(decoderAccepts(json)).toBe(false);
    expect(schemaErrors(json)).toContainEqual(
      expect.objectContaining({
        instancePath: '/schedule/1/minimize/game/form',
        keyword: 'enum',
        params: { allowedValues: ['minimax', 'nonSaturating', 'leastSquares'] },
      }),
    );
  });

  it('a "$schema" that is not a string: both reject it at $schema', () => {
    const json = { ...aae(), $schema: 7 };
    const decoded = decodeModel(json);
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.path)).toEqual(['$schema']);
    expect(schemaErrors(json)).toContainEqual(
      expect.objectContaining({ instancePath: '/$schema', keyword: 'type' }),
    );
  });
});

// -------------------------------------------------------------------------------------------------
// what only the compiler knows
// -------------------------------------------------------------------------------------------------

describe('what a schema cannot check', () => {
  it('accepts a spec whose rules span several nodes; the compiler reports them', () => {
    const json = aae();
    json.schedule[0].update = ['no-such-net'];
    json.nets[0].layers[0].units = 7; // widths no longer chain
    expect(schemaAccepts(json)).toBe(true);
    const compiled = compileJson(json);
    expect(E.isLeft(compiled) && compiled.left.map((e) => e.path)).toContain('schedule[0].update[0]');
  });
});
