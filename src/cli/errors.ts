/**
 * User-facing failures of the `saddle` command.
 *
 * Anything the user can fix (a bad flag, an unknown zoo id, a malformed spec, a model that does not
 * compile) is a `UsageError`: printed as its lines, exit code 2, never a stack trace.
 *
 * @module
 */
import type { CompileError } from '../compile/plan.js';

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

/** `path: message`, one per error, the way io-ts reporters print. */
export const errorLines = (errors: readonly CompileError[]): readonly string[] =>
  errors.map((e) => `${e.path === '' ? '(root)' : e.path}: ${e.message}`);

export const compileFailure = (what: string, errors: readonly CompileError[]): UsageError =>
  new UsageError([
    `saddle: ${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}:`,
    ...errorLines(errors).map((l) => `  ${l}`),
  ]);
