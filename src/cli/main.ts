#!/usr/bin/env node
/**
 * The `saddle` command.
 *
 *   saddle zoo                                   list the zoo
 *   saddle spec <zoo-id> [--set k=v ...]         print a model's JSON spec
 *   saddle explain <zoo-id | spec.json> [...]    print the compiled plan (or every error, exit 2)
 *   saddle train <zoo-id | spec.json> [...]      train, writing metrics, checkpoints and pictures
 *   saddle sample <run-dir> [--n N] [--out f]    draw a sample grid from a trained run
 *
 * User mistakes print one line each and exit with code 2, never a stack trace.
 *
 * @module
 */
import { UsageError } from './errors.js';
import { commands, helpText } from './commands.js';

/** Error classes (by name) whose messages are meant for users, not stack traces. */
const userFacing = new Set([
  'DataError',
  'IdxError',
  'RngError',
  'NonFiniteLossError',
  'BackendUnavailableError',
  'CheckpointError',
  'TrainerConfigError',
  'EvalError',
]);

const run = async (argv: readonly string[]): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(helpText);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    throw new UsageError(
      `saddle: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')}; see \`saddle help\`)`,
    );
  }
  return command(rest);
};

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    for (const line of e.lines) process.stderr.write(`${line}\n`);
    process.exitCode = 2;
  } else if (e instanceof Error && userFacing.has(e.name)) {
    // Failures whose message is written for users: a NaN loss, a corrupt data file, a missing backend.
    process.stderr.write(`saddle: ${e.message}\n`);
    process.exitCode = e.name === 'BackendUnavailableError' ? 2 : 1;
  } else {
    process.stderr.write(
      `saddle: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 1;
  }
}
