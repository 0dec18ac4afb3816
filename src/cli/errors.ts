/**
 * User-facing failures of the `saddle` command.
 *
 * Anything the user can fix (a bad flag, an unknown zoo id, a malformed spec, a model that does not
 * compile) is a `UsageError`: printed as its lines, exit code 2, never a stack trace.
 *
 * @module
 */
import { formatError } from '../dsl/codec/report.js';
import { errorDocs, type CompileError } from '../dsl/errors.js';

export class UsageError extends Error {
  /** One line per problem. */
  readonly lines: readonly string[];
  constructor(lines: string | readonly string[]) {
    const all = typeof lines === 'string' ? [lines] : lines;
    super(all.join('\n'));
    this.name = 'UsageError';
    this.lines = all;
  }
}

/** `path: message [code]`, one per error, as `formatErrors` prints them. */
export const errorLines = (errors: readonly CompileError[]): readonly string[] => errors.map(formatError);

/**
 * Where to read about `errors`: the section of the first code, and for several codes a word that
 * each has its own. One line, so a user goes from the message to the minimal example and the fix.
 */
export const errorsPointer = (errors: readonly CompileError[]): string => {
  const codes = [...new Set(errors.map((e) => e.code))];
  const first = codes[0];
  if (first === undefined) return 'see docs/errors.md';
  return codes.length === 1
    ? `see ${errorDocs(first)} for what this means and how to fix it`
    : `see ${errorDocs(first)} (each [code] above has its section in docs/errors.md)`;
};

/**
 * The usage error for a spec, a model or zoo options with mistakes: a header, every error on its
 * own line, and where the codes are explained. Exit code 2, never a stack trace.
 */
export const compileFailure = (what: string, errors: readonly CompileError[]): UsageError =>
  new UsageError([
    `saddle: ${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}:`,
    ...errorLines(errors).map((l) => `  ${l}`),
    errorsPointer(errors),
  ]);
