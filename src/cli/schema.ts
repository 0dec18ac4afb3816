/**
 * `saddle schema`: print the JSON Schema of spec files, for editors.
 *
 * An editor validates and completes a spec file once it knows the file's schema; this command hands
 * the schema to a user who has no copy of the repository at hand (`saddle schema > saddle.schema.json`,
 * then point the editor or the file's `"$schema"` at it). It prints exactly what the package ships as
 * `schema/saddle-model.schema.json` up to whitespace: both are generated from the spec codec.
 *
 * @module
 */
import { modelJsonSchemaText } from '../dsl/schema.js';
import { parse } from './args.js';
import { UsageError } from './errors.js';

/**
 * Print the spec schema to standard output; takes no arguments.
 *
 * @example
 * await schemaCommand([]); // writes the draft-07 schema, returns 0
 */
export const schemaCommand = async (args: readonly string[]): Promise<number> => {
  const parsed = parse('schema', args, {});
  if (parsed.positionals.length > 0) {
    const given = parsed.positionals.map((p) => `"${p}"`).join(' ');
    throw new UsageError(`saddle schema: takes no arguments, got ${given} (redirect the output to save it)`);
  }
  process.stdout.write(modelJsonSchemaText());
  return 0;
};
