/**
 * From a command-line model argument to a Model: a zoo id (with `--set` options) or a JSON spec file.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import type { Model } from '../dsl/ast.js';
import { parseModelJson } from '../dsl/codec.js';
import { resolveOptions, zoo, type ZooEntry } from '../zoo/index.js';
import { compileFailure, UsageError } from './errors.js';

/** Where a model came from; recorded in a run directory so a run can be rebuilt exactly. */
export type ModelSource =
  | { readonly kind: 'zoo'; readonly id: string; readonly options: Readonly<Record<string, unknown>> }
  | { readonly kind: 'spec'; readonly file: string };

export interface ResolvedModel {
  readonly model: Model;
  readonly source: ModelSource;
  /** The zoo entry's paper batch size, when the model comes from the zoo. */
  readonly batchSize: number | undefined;
}

const looksLikeFile = (arg: string): boolean => arg.endsWith('.json') || arg.includes('/');

/** Resolve `arg` (zoo id or spec path) with `sets` (`key=value`, zoo entries only). */
export const resolveModel = (command: string, arg: string, sets: readonly string[]): ResolvedModel => {
  if (looksLikeFile(arg)) {
    if (sets.length > 0) {
      throw new UsageError(
        `saddle ${command}: --set applies to zoo entries; edit the spec file "${arg}" instead`,
      );
    }
    let text: string;
    try {
      text = readFileSync(arg, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(
        `saddle ${command}: cannot read spec file "${arg}"${code === 'ENOENT' ? ': no such file' : code !== undefined ? ` (${code})` : ''}`,
      );
    }
    const decoded = parseModelJson(text);
    if (E.isLeft(decoded)) throw compileFailure(`spec "${arg}"`, decoded.left);
    return { model: decoded.right, source: { kind: 'spec', file: arg }, batchSize: undefined };
  }
  const entry: ZooEntry | undefined = zoo[arg];
  if (entry === undefined) {
    throw new UsageError(
      `saddle ${command}: unknown zoo id "${arg}" (known: ${Object.keys(zoo).join(', ')}; or give a path to a .json spec)`,
    );
  }
  const options = resolveOptions(entry, sets);
  if (E.isLeft(options)) throw compileFailure(`options of '${entry.id}'`, options.left);
  return {
    model: entry.build(options.right),
    source: { kind: 'zoo', id: entry.id, options: options.right },
    batchSize: entry.batchSize,
  };
};
