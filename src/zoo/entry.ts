/**
 * What a zoo entry is: a paper's model as a function of typed options.
 *
 * Options have an io-ts codec, so `--set key=value` overrides and JSON option files are decoded
 * with the same path-precise errors as model specs.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { DataDecl, Model } from '../dsl/ast.js';
import type { CompileError } from '../compile/plan.js';

/**
 * A paper's model as a function of typed options: its id and citation, an io-ts codec of the
 * options with the paper's defaults, its mini-batch size, and a pure `build`. Why a function of
 * options rather than a fixed model: `--set key=value` variations (a 2-D code, another prior) are
 * then decoded, checked and rebuilt the same way for every entry.
 *
 * @example
 * const entry: ZooEntry<AaeOptions> = aae;
 * const m: Model = entry.build({ ...entry.defaults, latent: 2, prior: 'mixture10' });
 * console.log(`${entry.id}: ${entry.paper}, batch ${entry.batchSize}`);
 */
export interface ZooEntry<O extends Record<string, unknown> = Record<string, unknown>> {
  /** The CLI id (`saddle train <id>`); part of the CLI contract. */
  readonly id: string;
  /** Short citation. */
  readonly paper: string;
  /** The seed file in `../shared/seeds/` the entry follows. */
  readonly seed: string;
  /** One line for `saddle zoo`. */
  readonly summary: string;
  /** Exact codec of the options (every key required). */
  readonly options: t.Type<O, O, unknown>;
  /** The paper's defaults. */
  readonly defaults: O;
  /** The paper's mini-batch size: `saddle train` uses it unless `--batch-size` is given. */
  readonly batchSize: number;
  /**
   * Build the model. Pure. `data` declares what one example is (MNIST, `{ x: [784], classes: 10 }`,
   * by default): give your own to train the same model on other flat data — the decoder's output
   * width and the class count follow it.
   */
  readonly build: (options: O, data?: DataDecl) => Model;
}

/** A value given on the command line: JSON when it parses (numbers, booleans, arrays), else a string. */
const parseValue = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

const describeValue = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/**
 * Apply `key=value` overrides to an entry's defaults and decode the result, or return every
 * problem: unknown keys, malformed pairs, values the codec rejects (with the option's name).
 *
 * @example
 * const options = resolveOptions(zoo['aae']!, ['latent=2', 'prior=swissroll']);
 * if (E.isLeft(options)) console.error(formatErrors(options.left));
 * else compile(zoo['aae']!.build(options.right));
 */
export const resolveOptions = <O extends Record<string, unknown>>(
  entry: ZooEntry<O>,
  sets: readonly string[],
): E.Either<readonly CompileError[], O> => {
  const errors: CompileError[] = [];
  const merged: Record<string, unknown> = { ...entry.defaults };
  for (const [i, pair] of sets.entries()) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      errors.push({
        path: `--set[${i}]`,
        code: 'option-syntax',
        message: `expected key=value, got "${pair}"`,
      });
      continue;
    }
    const key = pair.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(entry.defaults, key)) {
      errors.push({
        path: `options.${key}`,
        code: 'unknown-option',
        message: `'${entry.id}' has no option '${key}' (options: ${Object.keys(entry.defaults).join(', ')})`,
      });
      continue;
    }
    merged[key] = parseValue(pair.slice(eq + 1));
  }
  if (errors.length > 0) return E.left(errors);
  const decoded = entry.options.decode(merged);
  if (E.isRight(decoded)) return E.right(decoded.right);
  return E.left(
    decoded.left.map((err) => {
      const keys = err.context.map((c) => c.key).filter((k) => k !== '');
      const expected = err.context[err.context.length - 1]?.type.name ?? 'a valid value';
      return {
        path: `options.${keys.join('.')}`,
        code: 'invalid-option' as const,
        message: `${describeValue(err.value)} is not ${expected}`,
      };
    }),
  );
};
