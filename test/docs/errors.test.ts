/**
 * `docs/errors.md` cannot drift: every error code of the registry has its section, every example
 * on the page really runs (its code is an excerpt of `error-examples.ts`, checked by
 * `excerpts.test.ts`; its JSON is generated from the edit that runs), and every output block is
 * exactly what `formatErrors` prints for it.
 *
 * After changing a message or an example, refresh the page with:
 *     UPDATE_DOCS=1 npx vitest run test/docs/errors.test.ts test/docs/excerpts.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, errorCatalog, errorCodes, errorStages, formatErrors, isErrorCode } from 'saddle';
import { base, baseSpec, errorsOf, examples, type ErrorExample } from './error-examples.js';
import { findExcerpts, repoRoot } from './excerpts.js';

const pagePath = join(repoRoot, 'docs', 'errors.md');
const catalogFile = 'test/docs/error-examples.ts';

// -------------------------------------------------------------------------------------------------
// generated blocks
// -------------------------------------------------------------------------------------------------

/** A block the test generates: `<!-- output: id -->` or `<!-- spec: id -->` before a fenced block. */
interface Generated {
  readonly what: 'output' | 'spec';
  readonly id: string;
  readonly line: number;
  readonly shown: string;
  readonly start: number;
  readonly end: number;
}

const marker = /<!--\s*(output|spec):\s*([\w-]+)\s*-->[ \t]*\n(?:[ \t]*\n)?(```[\w-]*)[ \t]*\n/g;

const generatedBlocks = (page: string): Generated[] => {
  const out: Generated[] = [];
  const markers = [...page.matchAll(/<!--\s*(output|spec):/g)].length;
  for (const m of page.matchAll(marker)) {
    const start = (m.index ?? 0) + m[0].length;
    const end = page.indexOf('```', start);
    if (end < 0) throw new Error(`docs/errors.md: the block of ${m[1]} ${m[2]} is never closed`);
    out.push({
      what: m[1] === 'spec' ? 'spec' : 'output',
      id: m[2] ?? '',
      line: page.slice(0, m.index).split('\n').length,
      shown: page.slice(start, end),
      start,
      end,
    });
  }
  if (out.length !== markers)
    throw new Error(
      `docs/errors.md: ${markers - out.length} marker(s) not directly followed by a fenced block`,
    );
  return out;
};

/** JSON on one line, with the spaces a person puts after `:` and `,`. */
const flatJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(flatJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`);
    return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
  }
  return JSON.stringify(value);
};

/** JSON as a person writes it: a node on one line when it fits in 100 columns, its parts indented otherwise. */
const showJson = (value: unknown, indent = '', prefix = 0): string => {
  const flat = flatJson(value);
  if (indent.length + prefix + flat.length <= 100 || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((v) => inner + showJson(v, inner)).join(',\n')}\n${indent}]`;
  const fields = Object.entries(value).map(
    ([k, v]) => `${inner}${JSON.stringify(k)}: ${showJson(v, inner, JSON.stringify(k).length + 2)}`,
  );
  return `{\n${fields.join(',\n')}\n${indent}}`;
};

/** What a spec block shows: the edited node with its place, or the whole file. */
const specText = (example: ErrorExample): string =>
  example.kind === 'json'
    ? `// ${example.edit.path} in the base spec:\n${showJson(example.edit.value)}\n`
    : example.kind === 'text'
      ? example.text
      : '';

const expectedBlock = (block: Generated): string => {
  if (block.what === 'spec' && block.id === 'base') return `${showJson(baseSpec)}\n`;
  const example = examples[block.id];
  if (example === undefined) throw new Error(`docs/errors.md:${block.line}: no example '${block.id}'`);
  return block.what === 'spec' ? specText(example) : `${formatErrors(errorsOf(example))}\n`;
};

// -------------------------------------------------------------------------------------------------
// the page
// -------------------------------------------------------------------------------------------------

/** The page's `## stage` and `### code` headings, with the text of each code's section. */
const sections = (page: string) => {
  const out: { code: string; stage: string; line: number; text: string }[] = [];
  let stage = '';
  const lines = page.split('\n');
  lines.forEach((l, i) => {
    const h2 = /^## (.+)$/.exec(l);
    if (h2 !== null) stage = h2[1] ?? '';
    const h3 = /^### (.+)$/.exec(l);
    if (h3 === null) return;
    const next = lines.findIndex((m, j) => j > i && /^##?#? /.test(m));
    out.push({
      code: (h3[1] ?? '').trim(),
      stage,
      line: i + 1,
      text: lines.slice(i, next < 0 ? undefined : next).join('\n'),
    });
  });
  return out;
};

describe('docs/errors.md', () => {
  if (process.env['UPDATE_DOCS'] === '1') {
    const page = readFileSync(pagePath, 'utf8');
    let next = page;
    for (const block of generatedBlocks(page).reverse())
      next = next.slice(0, block.start) + expectedBlock(block) + next.slice(block.end);
    if (next !== page) writeFileSync(pagePath, next);
  }
  const page = readFileSync(pagePath, 'utf8');
  const blocks = generatedBlocks(page);

  it('starts from a base model that compiles', () => {
    expect(compile(base)._tag).toBe('Right');
  });

  it('shows every output and spec block exactly as saddle produces it', () => {
    const stale = blocks
      .filter((b) => b.shown !== expectedBlock(b))
      .map((b) => `docs/errors.md:${b.line} (${b.what} ${b.id}) is stale`);
    expect(stale).toEqual([]);
  });

  it('runs every example to an error with the code it demonstrates', () => {
    const wrong = Object.entries(examples).flatMap(([id, example]) => {
      const codes = errorsOf(example).map((e) => e.code);
      return codes.includes(example.code)
        ? []
        : [`${id}: expected [${example.code}], got [${codes.join(', ')}]`];
    });
    expect(wrong).toEqual([]);
  });

  it('shows every example, with its code or its spec and its output', () => {
    const excerpts = findExcerpts(page, 'docs/errors.md').filter((e) => e.file === catalogFile);
    const count = (what: 'output' | 'spec', id: string) =>
      blocks.filter((b) => b.what === what && b.id === id).length;
    const problems = Object.entries(examples).flatMap(([id, example]) => [
      ...(count('output', id) >= 1 ? [] : [`${id}: no output block`]),
      ...(example.kind === 'ts'
        ? excerpts.some((e) => e.region === id)
          ? []
          : [`${id}: no excerpt of ${catalogFile}#${id}`]
        : count('spec', id) === 1
          ? []
          : [`${id}: ${count('spec', id)} spec blocks`]),
    ]);
    expect(problems).toEqual([]);
    expect(blocks.filter((b) => b.id !== 'base' && examples[b.id] === undefined).map((b) => b.id)).toEqual(
      [],
    );
  });

  it('has one section per registered code, under its stage, with an example of that code', () => {
    const found = sections(page);
    expect(found.map((s) => s.code).sort()).toEqual([...errorCodes].sort());
    const problems = found.flatMap((s) => {
      if (!isErrorCode(s.code)) return [`line ${s.line}: '${s.code}' is not a registered code`];
      const heading = errorStages[errorCatalog[s.code].stage].heading;
      const shown = [...s.text.matchAll(/<!--\s*output:\s*([\w-]+)\s*-->/g)].map((m) => m[1] ?? '');
      return [
        ...(s.stage === heading ? [] : [`${s.code}: under '## ${s.stage}', not '## ${heading}'`]),
        ...(shown.some((id) => examples[id]?.code === s.code) ? [] : [`${s.code}: no example of its own`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('gives every stage its section, in the registry order', () => {
    const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    const stages = Object.values(errorStages).map((s) => s.heading);
    expect(headings.filter((h) => stages.includes(h ?? ''))).toEqual(stages);
  });
});
