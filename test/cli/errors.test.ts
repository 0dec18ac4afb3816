/**
 * How the CLI reports a spec or model with mistakes: every error with its code, then where to read more.
 */
import { describe, expect, it } from 'vitest';
import { compileFailure } from '../../src/cli/errors.js';
import { issue } from '../../src/dsl/errors.js';

describe('compileFailure', () => {
  it('lists every error with its code and points to the first code', () => {
    const failure = compileFailure("model 'm'", [
      issue('schedule[1].update[0]', 'unknown-net', "phase 'critic' updates unknown net 'disc'"),
      issue('nets[2]', 'never-updated', "net 'discriminator' is trainable but no phase updates it"),
      issue('schedule[1].data', 'unknown-net', 'again'),
    ]);
    expect(failure.lines).toEqual([
      "saddle: model 'm' has 3 errors:",
      "  schedule[1].update[0]: phase 'critic' updates unknown net 'disc' [unknown-net]",
      "  nets[2]: net 'discriminator' is trainable but no phase updates it [never-updated]",
      '  schedule[1].data: again [unknown-net]',
      'see docs/errors.md#unknown-net (each [code] above has its section in docs/errors.md)',
    ]);
  });

  it('names the one section when every error has one code', () => {
    const failure = compileFailure('spec "x.json"', [issue('', 'invalid-json', 'invalid JSON: oops')]);
    expect(failure.lines.at(-1)).toBe(
      'see docs/errors.md#invalid-json for what this means and how to fix it',
    );
    expect(failure.lines[0]).toBe('saddle: spec "x.json" has 1 error:');
  });
});
