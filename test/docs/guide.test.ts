/**
 * docs/guide.md cannot drift from what runs. Every code block of the guide is one of:
 * - an excerpt of an example file (`<!-- excerpt: ... -->`, checked by excerpts.test.ts);
 * - an output (`<!-- output: name -->`), compared here with what the example really prints;
 * - shell commands (`sh`), each run here in the same order on a small scale: the example program with
 *   tiny 9 × 9 digits in place of MNIST, then `saddle train / sample / eval` on the spec it wrote
 *   (a few steps instead of epochs), then the exported-decoder example on that run's export.
 * A block of any other kind fails the test, so a new block must be made checkable to be added.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/compile/index.js';
import { decodePng } from '../../src/report/index.js';
import { saddle } from '../cli/helpers.js';
import { main as wae } from '../../examples/wae-swiss-roll.js';
import { main as useDecoder } from '../../examples/use-exported-decoder.js';
import { repoRoot } from './excerpts.js';

const guidePath = join(repoRoot, 'docs', 'guide.md');
const page = readFileSync(guidePath, 'utf8');

interface Block {
  readonly lang: string;
  readonly body: string;
  readonly marker: string | undefined;
  readonly line: number;
  /** Offsets of `body` in the page. */
  readonly start: number;
  readonly end: number;
}

/** Every fenced block with the HTML comment marker on the line before it, if any. */
const blocks = (text: string): Block[] =>
  [...text.matchAll(/(?:(<!--[^\n]*-->)[ \t]*\n(?:[ \t]*\n)?)?(```([\w-]*)\n)([\s\S]*?\n)```/g)].map((m) => {
    const start = (m.index ?? 0) + m[0].length - 3 - (m[4] ?? '').length;
    return {
      marker: m[1],
      lang: m[3] ?? '',
      body: m[4] ?? '',
      line: text.slice(0, m.index).split('\n').length,
      start,
      end: start + (m[4] ?? '').length,
    };
  });

const tmp = mkdtempSync(join(tmpdir(), 'saddle-guide-'));
const run = join(tmp, 'wae-swiss-roll');
const tiny = { x: [81], classes: 10 };
/** The guide's example, at the size of the tiny digits. */
const small = { data: tiny, hidden: 16 } as const;

/** What the guide's output blocks show, computed from the example the guide is about. */
const computedOutputs = (): Readonly<Record<string, string>> => {
  const result = wae({ spec: join(tmp, 'full.json'), log: () => undefined });
  const lines = explain(result.plan).split('\n');
  const start = lines.findIndex((l) => l.includes("phase 'autoencoder'"));
  const end = lines.findIndex((l, i) => i > start && l.trim().startsWith('terms'));
  return {
    mistake: `${result.mistakeErrors}\n`,
    'explain-autoencoder': `${lines.slice(start, end + 1).join('\n')}\n`,
  };
};

/** Output blocks that differ from what runs (rewritten in place under UPDATE_DOCS=1). */
const staleOutputs = (): string[] => {
  const expected = computedOutputs();
  const stale: string[] = [];
  let text = page;
  for (const b of blocks(page).reverse()) {
    const name = /output:\s*([\w-]+)/.exec(b.marker ?? '')?.[1];
    if (name === undefined) continue;
    const want = expected[name];
    if (want === undefined) stale.push(`line ${b.line}: no output named '${name}'`);
    else if (want !== b.body) {
      stale.push(`line ${b.line}: output '${name}' is stale`);
      text = text.slice(0, b.start) + want + text.slice(b.end);
    }
  }
  if (process.env['UPDATE_DOCS'] === '1' && text !== page) writeFileSync(guidePath, text);
  return process.env['UPDATE_DOCS'] === '1' ? [] : stale;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('docs/guide.md', () => {
  it('has only blocks that are checked: excerpts, outputs or shell commands', () => {
    const unchecked = blocks(page).filter(
      (b) =>
        !(
          b.marker?.includes('excerpt:') === true ||
          b.marker?.includes('output:') === true ||
          b.lang === 'sh'
        ),
    );
    expect(unchecked.map((b) => `line ${b.line}: ${b.body.split('\n')[0] ?? ''}`)).toEqual([]);
  });

  it("shows the compiler's error for the mistake and the plan's autoencoder phase exactly as they print", () => {
    expect(staleOutputs()).toEqual([]);
  });

  it('runs every shell command of the guide, in order', async () => {
    const commands = blocks(page)
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => b.body.split('\n'))
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => l !== '');
    const ran: string[] = [];
    for (const command of commands) {
      const words = command.split(/\s+/).map((w) => w.replaceAll('runs/wae-swiss-roll', run));
      if (command === 'npx tsx examples/wae-swiss-roll.ts') {
        const result = wae({ spec: join(run, 'wae.json'), wae: small, log: () => undefined });
        expect(existsSync(result.spec)).toBe(true);
      } else if (command === 'npx tsx examples/use-exported-decoder.ts') {
        const result = await useDecoder({
          exportDir: join(run, 'export'),
          picture: join(run, 'roll-walk.png'),
          points: 20,
          side: 9,
          backend: 'cpu',
        });
        expect(decodePng(readFileSync(result.picture)).width).toBeGreaterThan(9 * 10);
      } else if (words[0] === 'npx' && words[1] === 'saddle') {
        const args = words.slice(2);
        // Epochs of MNIST become a few steps on the tiny digits; everything else is as written.
        const at = args.indexOf('--epochs');
        if (at >= 0) args.splice(at, 2, '--steps', '6', '--data', 'tiny', '--batch-size', '20');
        if (args[0] === 'eval') args.push('--samples', '200');
        args.push('--backend', 'cpu');
        const result = await saddle(...args);
        expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      } else {
        throw new Error(`docs/guide.md: no way to check the command '${command}'; teach this test to run it`);
      }
      ran.push(command);
    }
    expect(ran.length).toBeGreaterThanOrEqual(5);
    expect(existsSync(join(run, 'eval.json'))).toBe(true);
    expect(existsSync(join(run, 'samples-final.png'))).toBe(true);
  });
});
