/**
 * The `saddle` command as a function: arguments in, exit code out. `main.ts` is its process
 * wrapper; tests call it directly.
 *
 * User mistakes print one line each and give exit code 2, never a stack trace; failures whose
 * message is written for users (a NaN loss, a corrupt data file, a damaged checkpoint) print that
 * message and give exit code 1; anything else is an internal error, printed with its stack.
 *
 * @module
 */
import { commands, helpText } from './commands.js';
import { UsageError } from './errors.js';

/** Error classes (by name) whose messages are meant for users, not stack traces. */
const userFacing = new Set([
  'DataError',
  'IdxError',
  'RngError',
  'NonFiniteLossError',
  'NonFiniteParameterError',
  'BackendUnavailableError',
  'CheckpointError',
  'TrainerConfigError',
  'EvalError',
]);

const dispatch = async (argv: readonly string[]): Promise<number> => {
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

/** Run `saddle <argv>`; resolves with the exit code (never rejects). */
export const runCli = async (argv: readonly string[]): Promise<number> => {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      for (const line of e.lines) process.stderr.write(`${line}\n`);
      return 2;
    }
    if (e instanceof Error && userFacing.has(e.name)) {
      process.stderr.write(`saddle: ${e.message}\n`);
      // A missing backend or an unusable checkpoint (damaged, edited, another run's, a newer
      // saddle's) is the user's to fix, like a bad flag.
      return e.name === 'BackendUnavailableError' || e.name === 'CheckpointError' ? 2 : 1;
    }
    process.stderr.write(
      `saddle: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
};
