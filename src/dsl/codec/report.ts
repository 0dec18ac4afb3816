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
import { isErrorCode, type CompileError, type ErrorCode } from '../errors.js';
import { ListType, describeValue, type CodedValidationError } from './strict.js';

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

/** The code a strict codec gave its failure; a plain io-ts codec's failure is a type mismatch. */
const codeOf = (e: t.ValidationError | CodedValidationError): ErrorCode =>
  'code' in e && isErrorCode(e.code) ? e.code : 'wrong-type';

/** One CompileError per io-ts error, with the codec's code and message (or generic ones). */
export const toCompileErrors = (errors: t.Errors): readonly CompileError[] =>
  errors.map((e) => ({
    path: contextPath(e.context),
    code: codeOf(e),
    message:
      e.message ??
      `expected ${e.context[e.context.length - 1]?.type.name ?? 'a valid value'}, got ${describeValue(e.value)}`,
  }));

/**
 * One error as one line: `path: message [code]`, `(root)` for the whole document. The path says
 * where, the message what, and the code where to read more (`docs/errors.md#<code>`).
 *
 * @example
 * import { formatError } from 'saddle';
 * formatError({ path: 'schedule[0].data', code: 'unknown-stream', message: "phase 'critic' reads unknown stream 'trian' (streams: 'train')" });
 * // "schedule[0].data: phase 'critic' reads unknown stream 'trian' (streams: 'train') [unknown-stream]"
 */
export const formatError = (e: CompileError): string =>
  `${e.path === '' ? '(root)' : e.path}: ${e.message} [${e.code}]`;

/**
 * Every error, one line each (see `formatError`), in the order they were found: what the CLI prints
 * for a bad spec or a model that does not compile, so a user fixes them all in one pass.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compile, formatErrors } from 'saddle';
 * const r = compile(myModel);
 * if (E.isLeft(r)) console.error(formatErrors(r.left));
 * // schedule[1].update[0]: phase 'critic' updates unknown net 'discrimnator' (declared nets: 'encoder', 'decoder', 'discriminator') [unknown-net]
 */
export const formatErrors = (errors: readonly CompileError[]): string => errors.map(formatError).join('\n');
