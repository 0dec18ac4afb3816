/**
 * The error-code registry: what the type checker cannot see about it.
 */
import { describe, expect, it } from 'vitest';
import {
  errorCatalog,
  errorCodes,
  errorDocs,
  errorStages,
  formatError,
  isErrorCode,
  issue,
  type ErrorStage,
} from 'saddle';

describe('error codes', () => {
  it('are kebab-case, with a title and a known stage each', () => {
    for (const code of errorCodes) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(errorCatalog[code].title.length).toBeGreaterThan(0);
      expect(Object.keys(errorStages)).toContain(errorCatalog[code].stage);
    }
  });

  it('list every stage in stage order (the order the errors page follows)', () => {
    const stages = Object.keys(errorStages) as ErrorStage[];
    const firstSeen = [...new Set(errorCodes.map((c) => errorCatalog[c].stage))];
    expect(firstSeen).toEqual(stages);
  });

  it('are recognized by isErrorCode, and nothing else is', () => {
    expect(errorCodes.every(isErrorCode)).toBe(true);
    expect(isErrorCode('unknown-nett')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('point to their section of the errors page and print after the message', () => {
    expect(errorDocs('wrong-player')).toBe('docs/errors.md#wrong-player');
    expect(formatError(issue('', 'internal', 'boom'))).toBe('(root): boom [internal]');
    expect(formatError(issue('nets[0].name', 'invalid-name', 'a net needs a non-empty name'))).toBe(
      'nets[0].name: a net needs a non-empty name [invalid-name]',
    );
  });
});
