/**
 * Flag parsing for the `saddle` command, on `node:util`'s strict `parseArgs`.
 *
 * Numeric flags are validated here so a typo (`--epochs ten`) is one clear line, not a NaN that
 * reaches the trainer.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Parse `args` for `command`; unknown flags and missing values become a `UsageError`. */
export const parse = (command: string, args: readonly string[], options: Options): Parsed => {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(`saddle ${command}: ${message} (see \`saddle help\`)`);
  }
};

/** A flag that must be a positive integer (or absent). */
export const positiveInt = (command: string, flag: string, raw: unknown): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`saddle ${command}: --${flag} must be a positive integer, got "${String(raw)}"`);
  }
  return n;
};

/** A flag that must be a non-negative integer (seeds). */
export const nonNegativeInt = (command: string, flag: string, raw: unknown): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new UsageError(`saddle ${command}: --${flag} must be a non-negative integer, got "${String(raw)}"`);
  }
  return n;
};

/** A flag restricted to a set of words. */
export const oneOf = <T extends string>(
  command: string,
  flag: string,
  raw: unknown,
  allowed: readonly T[],
): T | undefined => {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(
    `saddle ${command}: --${flag} must be one of ${allowed.join(', ')}, got "${String(raw)}"`,
  );
};

/** Exactly `n` positional arguments, named for the message. */
export const positionals = (command: string, parsed: Parsed, names: readonly string[]): readonly string[] => {
  if (parsed.positionals.length !== names.length) {
    throw new UsageError(
      `saddle ${command}: expected ${names.map((n) => `<${n}>`).join(' ')}, got ${parsed.positionals.length === 0 ? 'nothing' : parsed.positionals.map((p) => `"${p}"`).join(' ')}`,
    );
  }
  return parsed.positionals;
};

export const strings = (raw: unknown): readonly string[] => (Array.isArray(raw) ? (raw as string[]) : []);
