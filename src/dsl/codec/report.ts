/**
 * From io-ts validation errors to saddle's `CompileError`s, and from those to the lines the CLI prints.
 *
 * io-ts records *where* a value failed as a context (a stack of keys from the root); saddle reports
 * the same place as a JS accessor a user can paste — `schedule[1].optimizer.learningRate` — so spec
 * errors and compiler errors read alike. The sentence itself was written by the failing codec
 * (`strict.ts`); this module only renders the path.
 *
 * @module
 */
import type * as t from 'io-ts';
import type { CompileError } from '../../compile/plan.js';
import { ListType, describeValue } from './strict.js';

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The accessor of a context: list elements as `[i]`, identifier keys as `.key`, other keys as `["k"]`. */
export const contextPath = (context: t.Context): string => {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const key = context[i]?.key ?? '';
    const parent = context[i - 1]?.type;
    if (parent instanceof ListType) path += `[${key}]`;
    else if (identifier.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
};

/** One CompileError per io-ts error, with the codec's message (or a generic one from its name). */
export const toCompileErrors = (errors: t.Errors): readonly CompileError[] =>
  errors.map((e) => ({
    path: contextPath(e.context),
    message:
      e.message ??
      `expected ${e.context[e.context.length - 1]?.type.name ?? 'a valid value'}, got ${describeValue(e.value)}`,
  }));

/**
 * One line per error, `path: message`, with `(root)` for the whole document. This is what the CLI
 * prints for a bad spec or a model that does not compile.
 */
export const formatErrors = (errors: readonly CompileError[]): string =>
  errors.map((e) => `${e.path === '' ? '(root)' : e.path}: ${e.message}`).join('\n');
