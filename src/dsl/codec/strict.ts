/**
 * Strict io-ts combinators for saddle's JSON specs: exact records, `kind`-tagged unions, lists and
 * leaf values, each failing with a message a user can act on.
 *
 * io-ts's own `t.type`/`t.exact` silently drop unknown keys and `t.union` reports one error per
 * member; a spec language needs the opposite. Here an unknown key is an error at its own path (with a
 * did-you-mean), a tagged union picks its member by `kind` before looking at anything else (so a typo
 * inside a dense layer is one error, not ten), and every failure carries its sentence in `message`,
 * so the reporter (`report.ts`) only has to turn the io-ts context into a JS accessor path.
 *
 * Every codec decodes into a fresh value holding only declared keys and encodes back the same way, so
 * `decode ∘ encode` and `encode ∘ decode` are identities on valid data.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ErrorCode } from '../errors.js';
import { didYouMean } from './suggest.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * A codec from any input to `A`, encoding back to plain JSON data.
 *
 * @example
 * const codec: Codec<Model> = ModelCodec;
 * const result = codec.decode(spec);   // Either<t.Errors, Model>
 */
export type Codec<A> = t.Type<A, unknown, unknown>;

/** Codecs of a record's fields, by field name. */
export type Fields = Readonly<Record<string, t.Mixed>>;

/** The decoded type of a record with `Required` fields and `Optional` fields (absent, never `undefined`). */
export type RecordOf<Required extends Fields, Optional extends Fields> = {
  readonly [K in keyof Required]: t.TypeOf<Required[K]>;
} & { readonly [K in keyof Optional]?: t.TypeOf<Optional[K]> };

/** A list codec. Its own class so the reporter can render element keys as `[i]` rather than `.i`. */
export class ListType<A> extends t.Type<readonly A[], unknown, unknown> {
  readonly _tag = 'ListType' as const;
}

// -------------------------------------------------------------------------------------------------
// structure
// -------------------------------------------------------------------------------------------------

/**
 * What a codec built here accepts, as data. io-ts keeps a custom codec's rules inside its `validate`
 * closure; recording them beside the codec lets other interpreters of the same declaration — the
 * JSON Schema of spec files (`../schema.ts`) — walk the codec the decoder runs instead of restating it.
 */
export type Structure =
  | { readonly tag: 'number' }
  | { readonly tag: 'integer'; readonly minimum: number }
  | { readonly tag: 'string' }
  | { readonly tag: 'boolean' }
  | { readonly tag: 'literal'; readonly value: string }
  | { readonly tag: 'enum'; readonly values: readonly string[] }
  | { readonly tag: 'list'; readonly item: t.Mixed }
  | { readonly tag: 'record'; readonly required: Fields; readonly optional: Fields }
  | { readonly tag: 'tagged'; readonly members: Readonly<Record<string, t.Mixed>> }
  | { readonly tag: 'anyOf'; readonly members: readonly t.Mixed[] };

const structures = new WeakMap<t.Mixed, Structure>();

/**
 * Record what `codec` accepts and return it. The constructors below call it; a hand-written codec
 * elsewhere calls it too, so that it is not invisible to the schema.
 *
 * @example
 * const labels = withStructure(new t.Type(...), { tag: 'anyOf', members: [labelChoice, labelCount] });
 */
export const withStructure = <C extends t.Mixed>(codec: C, structure: Structure): C => {
  structures.set(codec, structure);
  return codec;
};

/**
 * What `codec` accepts, if it was built by this module or registered with `withStructure`.
 *
 * @example
 * structureOf(positiveInt); // { tag: 'integer', minimum: 1 }
 */
export const structureOf = (codec: t.Mixed): Structure | undefined => structures.get(codec);

/**
 * An io-ts validation error that also names its kind of mistake. Every failure built here carries
 * one, so the reporter (`report.ts`) gives each decoding error the code `docs/errors.md` explains.
 */
export interface CodedValidationError extends t.ValidationError {
  readonly code: ErrorCode;
}

/**
 * A failed validation with its code and sentence: `t.failure` with the code a user can look up.
 *
 * @example
 * fail(u, c, 'wrong-type', `expected a string, got ${describeValue(u)}`);
 */
export const fail = (u: unknown, c: t.Context, code: ErrorCode, message: string): t.Validation<never> => {
  const error: CodedValidationError = { value: u, context: c, code, message };
  return t.failures([error]);
};

// -------------------------------------------------------------------------------------------------
// describing values
// -------------------------------------------------------------------------------------------------

/** A short rendering of any value for "got ..." messages: never throws, never prints a huge object. */
export const describeValue = (u: unknown): string => {
  if (typeof u === 'string') return JSON.stringify(u.length > 40 ? `${u.slice(0, 37)}...` : u);
  if (typeof u === 'number' || typeof u === 'boolean' || u === null || u === undefined) return String(u);
  if (typeof u === 'bigint') return `${u}n`;
  if (typeof u === 'symbol') return 'a symbol';
  if (typeof u === 'function') return 'a function';
  return Array.isArray(u) ? 'a list' : 'an object';
};

/** `a layer`, `an optimizer`: the indefinite article a noun needs in a message. */
export const withArticle = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A non-null, non-list object: the only thing a JSON record can be. */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** Whether `u` already occurs above the current position (a cyclic input would recurse forever). */
const isCycle = (u: unknown, c: t.Context): boolean => c.slice(0, -1).some((entry) => entry.actual === u);

const cycleMessage = 'this value contains itself (a cycle); a spec must be a tree';

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/** A codec whose `is` is its own validation, so the three views of one codec can never disagree. */
const leaf = <A>(
  name: string,
  validate: (u: unknown, c: t.Context) => t.Validation<A>,
  encode: (a: A) => unknown = (a) => a,
): Codec<A> => {
  const self: Codec<A> = new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => E.isRight(validate(u, t.getDefaultContext(self))),
    validate,
    encode,
  );
  return self;
};

/** A finite number. NaN, ±Infinity and numeric strings are rejected (JSON has no encoding for them). */
export const finiteNumber: Codec<number> = leaf('a number', (u, c) =>
  typeof u === 'number' && Number.isFinite(u)
    ? t.success(u)
    : fail(
        u,
        c,
        typeof u === 'number' ? 'out-of-range' : 'wrong-type',
        `expected ${typeof u === 'number' ? 'a finite number' : 'a number'}, got ${describeValue(u)}`,
      ),
);

const integerAtLeast = (min: number, name: string): Codec<number> =>
  withStructure(
    leaf(name, (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min
        ? t.success(u)
        : fail(
            u,
            c,
            typeof u === 'number' ? 'out-of-range' : 'wrong-type',
            `expected ${name}, got ${describeValue(u)}`,
          ),
    ),
    { tag: 'integer', minimum: min },
  );

/** A width, a count, a kernel size: an integer ≥ 1. */
export const positiveInt: Codec<number> = integerAtLeast(1, 'a positive integer');

/** An offset or a count that may be zero. */
export const nonNegativeInt: Codec<number> = integerAtLeast(0, 'a non-negative integer');

export const string: Codec<string> = leaf('a string', (u, c) =>
  typeof u === 'string'
    ? t.success(u)
    : fail(u, c, 'wrong-type', `expected a string, got ${describeValue(u)}`),
);

export const boolean: Codec<boolean> = leaf('a boolean', (u, c) =>
  typeof u === 'boolean'
    ? t.success(u)
    : fail(u, c, 'wrong-type', `expected true or false, got ${describeValue(u)}`),
);

withStructure(finiteNumber, { tag: 'number' });
withStructure(string, { tag: 'string' });
withStructure(boolean, { tag: 'boolean' });

/** Exactly `value` (a node's `kind` inside its own record). */
export const literal = <V extends string>(value: V): Codec<V> =>
  withStructure(
    leaf(`'${value}'`, (u, c) =>
      u === value
        ? t.success(value)
        : fail(u, c, 'wrong-type', `expected '${value}', got ${describeValue(u)}`),
    ),
    { tag: 'literal', value },
  );

/**
 * One of a fixed set of strings. The set is given as a record (as `t.keyof`) so that adding a member
 * to the string union in `ast.ts` fails to type-check here until it is listed.
 */
export const oneOf = <K extends string>(name: string, members: Readonly<Record<K, null>>): Codec<K> => {
  const keys = Object.keys(members) as K[];
  const self: Codec<K> = leaf(name, (u, c) => {
    if (typeof u === 'string' && hasOwn(members, u)) return t.success(u as K);
    const hint = typeof u === 'string' ? didYouMean(u, keys) : undefined;
    const listed = keys.map((k) => `'${k}'`).join(', ');
    return fail(
      u,
      c,
      typeof u === 'string' ? 'unknown-value' : 'wrong-type',
      `expected ${name} (one of ${listed}), got ${describeValue(u)}${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`,
    );
  });
  return withStructure(self, { tag: 'enum', values: keys });
};

/** A list of `item`; `plural` names the items in messages (`expected a list of layers, got 3`). */
export const listOf = <A>(item: Codec<A>, plural: string): Codec<readonly A[]> => {
  const name = `a list of ${plural}`;
  const validate = (u: unknown, c: t.Context): t.Validation<readonly A[]> => {
    if (!Array.isArray(u)) return fail(u, c, 'wrong-type', `expected ${name}, got ${describeValue(u)}`);
    if (isCycle(u, c)) return fail(u, c, 'cyclic-value', cycleMessage);
    const errors: t.ValidationError[] = [];
    const out: A[] = [];
    for (let i = 0; i < u.length; i++) {
      const element: unknown = u[i];
      const r = item.validate(element, t.appendContext(c, String(i), item, element));
      if (E.isLeft(r)) errors.push(...r.left);
      else out.push(r.right);
    }
    return errors.length > 0 ? t.failures(errors) : t.success(out);
  };
  const self: ListType<A> = new ListType<A>(
    name,
    (u): u is readonly A[] => E.isRight(validate(u, t.getDefaultContext(self))),
    validate,
    (as) => as.map((a) => item.encode(a)),
  );
  return withStructure(self, { tag: 'list', item });
};

/**
 * An exact record: every `required` field present, `optional` fields present or absent (never
 * `undefined`), and any other key an error at its own path. A misspelt field is reported once, as
 * `unknown field 'unit' (did you mean 'units'?)`, not again as a missing `units`.
 */
export const exactRecord = <Required extends Fields, Optional extends Fields = Record<never, never>>(
  name: string,
  required: Required,
  optional: Optional = {} as Optional,
): Codec<RecordOf<Required, Optional>> => {
  type A = RecordOf<Required, Optional>;
  const requiredKeys = Object.keys(required);
  const optionalKeys = Object.keys(optional);
  const declared = [...requiredKeys, ...optionalKeys];
  const fieldCodec = (k: string): t.Mixed | undefined =>
    hasOwn(required, k) ? required[k] : hasOwn(optional, k) ? optional[k] : undefined;

  const validate = (u: unknown, c: t.Context): t.Validation<A> => {
    if (!isRecord(u)) return fail(u, c, 'wrong-type', `expected ${name}, got ${describeValue(u)}`);
    if (isCycle(u, c)) return fail(u, c, 'cyclic-value', cycleMessage);
    const errors: t.ValidationError[] = [];
    const out: Record<string, unknown> = {};
    const claimed = new Set<string>();
    const unknownErrors: CodedValidationError[] = [];
    for (const k of Object.keys(u)) {
      if (fieldCodec(k) !== undefined) continue;
      const hint = didYouMean(
        k,
        declared.filter((d) => !hasOwn(u, d)),
      );
      if (hint !== undefined) claimed.add(hint);
      const expected =
        hint !== undefined ? `did you mean '${hint}'?` : `expected: ${declared.join(', ') || 'no fields'}`;
      unknownErrors.push({
        value: u[k],
        context: t.appendContext(c, k, t.never, u[k]),
        code: 'unknown-field',
        message: `unknown field '${k}' (${expected})`,
      });
    }
    for (const k of declared) {
      const codec = fieldCodec(k) as t.Mixed;
      if (!hasOwn(u, k)) {
        if (hasOwn(required, k) && !claimed.has(k)) {
          const missing: CodedValidationError = {
            value: undefined,
            context: t.appendContext(c, k, codec, undefined),
            code: 'missing-field',
            message: `missing (expected ${codec.name})`,
          };
          errors.push(missing);
        }
        continue;
      }
      const value = u[k];
      const r = codec.validate(value, t.appendContext(c, k, codec, value));
      if (E.isLeft(r)) errors.push(...r.left);
      else out[k] = r.right;
    }
    errors.push(...unknownErrors);
    return errors.length > 0 ? t.failures(errors) : t.success(out as A);
  };

  const encode = (a: A): unknown => {
    const fields = a as Readonly<Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const k of declared) {
      const value = fields[k];
      if (value === undefined && !hasOwn(required, k)) continue;
      out[k] = (fieldCodec(k) as t.Mixed).encode(value);
    }
    return out;
  };

  const self: Codec<A> = new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => E.isRight(validate(u, t.getDefaultContext(self))),
    validate,
    encode,
  );
  return withStructure(self, { tag: 'record', required, optional });
};

/** The member codecs of a `kind`-tagged union, one per kind: a missing kind fails to type-check. */
export type Members<A extends { readonly kind: string }> = {
  readonly [K in A['kind']]: Codec<Extract<A, { readonly kind: K }>>;
};

/**
 * A union of records tagged by `kind`. The member is chosen by `kind` first, so errors come from that
 * member alone; an unknown kind is one error at `.kind` listing the kinds there are.
 */
export const taggedUnion = <A extends { readonly kind: string }>(
  noun: string,
  members: Members<A>,
): Codec<A> => {
  const name = withArticle(noun);
  const kinds = Object.keys(members);
  const table = members as unknown as Readonly<Record<string, Codec<A>>>;
  const expected = `expected one of: ${kinds.join(', ')}`;

  const validate = (u: unknown, c: t.Context): t.Validation<A> => {
    if (!isRecord(u)) return fail(u, c, 'wrong-type', `expected ${name}, got ${describeValue(u)}`);
    const kind = u['kind'];
    const member = typeof kind === 'string' && hasOwn(table, kind) ? table[kind] : undefined;
    if (member === undefined) {
      const where = t.appendContext(c, 'kind', t.never, kind);
      if (!hasOwn(u, 'kind'))
        return fail(kind, where, 'missing-field', `missing: ${name} needs a kind (${expected})`);
      const shown = typeof kind === 'string' ? `'${kind}'` : describeValue(kind);
      return fail(kind, where, 'unknown-kind', `unknown ${noun} kind ${shown} (${expected})`);
    }
    return member.validate(u, c);
  };

  const self: Codec<A> = new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => E.isRight(validate(u, t.getDefaultContext(self))),
    validate,
    (a) => (table[a.kind] as Codec<A>).encode(a),
  );
  return withStructure(self, { tag: 'tagged', members: table });
};

/** The record of a union member: `kind` first, then its required fields, then its optional ones. */
export const member = <
  K extends string,
  Required extends Fields,
  Optional extends Fields = Record<never, never>,
>(
  noun: string,
  kind: K,
  fields: Required,
  optional: Optional = {} as Optional,
): Codec<RecordOf<{ readonly kind: Codec<K> } & Required, Optional>> =>
  exactRecord(withArticle(`'${kind}' ${noun}`), { kind: literal(kind), ...fields }, optional);
