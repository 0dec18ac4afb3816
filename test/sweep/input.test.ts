/**
 * Bad input to `saddle sweep` and `saddle worker`: one line, exit 2, no stack trace, and nothing
 * written. In-process (the checks come before any child process or backend).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saddle } from '../cli/helpers.js';
import { freePort } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'saddle-sweep-input-'));
const out = join(tmp, 'sweep');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const oneLine = (r: { code: number; stdout: string; stderr: string }): string => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(existsSync(out)).toBe(false);
  return lines[0] ?? '';
};

describe('saddle sweep: bad input', () => {
  it('a grid key that is not an option of the model', async () => {
    const line = oneLine(await saddle('sweep', 'aae', '--grid', 'learningrate=1e-4,2e-4', '--out', out));
    expect(line).toMatch(
      /^saddle sweep: --grid key "learningrate" is not an option of 'aae' \(options: latent, hidden, /,
    );
  });

  it('an empty grid, or an axis with an empty value', async () => {
    expect(oneLine(await saddle('sweep', 'aae', '--grid', '', '--out', out))).toMatch(
      /^saddle sweep: --grid expects key=value1,value2,\.\.\. with no empty value, got ""$/,
    );
    expect(oneLine(await saddle('sweep', 'aae', '--grid', 'latent=', '--out', out))).toMatch(
      /--grid expects key=value1,value2/,
    );
    expect(oneLine(await saddle('sweep', 'aae', '--grid', 'latent=2,,8', '--out', out))).toMatch(
      /--grid expects key=value1,value2/,
    );
  });

  it('a value the option does not take, and --grid on a spec file', async () => {
    expect(oneLine(await saddle('sweep', 'aae', '--grid', 'latent=2,two', '--out', out))).toMatch(
      /^saddle sweep: --grid options\.latent: "two" is not number \('aae'\)$/,
    );
    expect(oneLine(await saddle('sweep', 'examples/x.json', '--grid', 'latent=2', '--out', out))).toMatch(
      /--grid sets zoo options, and "examples\/x\.json" is a spec file/,
    );
  });

  it('an unreachable Redis, for the sweep and for a worker', async () => {
    const port = await freePort(); // nothing listens there
    expect(
      oneLine(
        await saddle('sweep', 'aae', '--seeds', '1,2', '--queue', `redis://127.0.0.1:${port}`, '--out', out),
      ),
    ).toBe(
      `saddle sweep: cannot reach Redis at redis://127.0.0.1:${port}: ECONNREFUSED (start redis-server, or check --queue)`,
    );
    expect(oneLine(await saddle('worker', '--queue', `redis://127.0.0.1:${port}`))).toMatch(
      /^saddle worker: cannot reach Redis at .*: ECONNREFUSED/,
    );
    expect(oneLine(await saddle('sweep', 'aae', '--queue', 'http://x', '--out', out))).toMatch(
      /--queue must be redis:\/\/host:port, got "http:\/\/x"/,
    );
  });

  it('bad seeds, an unknown --rank column, an unknown metric', async () => {
    expect(oneLine(await saddle('sweep', 'aae', '--seeds', '1,x', '--out', out))).toMatch(
      /--seeds must be non-negative integers/,
    );
    expect(oneLine(await saddle('sweep', 'aae', '--rank', 'fid', '--out', out))).toMatch(
      /--rank "fid" is not a column of this sweep \(columns: reconstruction, critic, generator;/,
    );
    expect(oneLine(await saddle('sweep', 'aae', '--eval', 'parzen,nll', '--out', out))).toMatch(
      /--eval takes metrics .*unknown: nll/,
    );
  });
});
