/**
 * Every excerpt block in the docs equals the region of the file it names (see `excerpts.ts`).
 *
 * After changing an example, refresh the pages with:
 *     UPDATE_DOCS=1 npx vitest run test/docs/excerpts.test.ts
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExcerpts, findExcerpts, repoRoot, sourceText } from './excerpts.js';

const pages = (): string[] => [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...(existsSync(join(repoRoot, 'examples', 'README.md')) ? ['examples/README.md'] : []),
];

describe('docs excerpts', () => {
  it.each(pages())('%s shows its excerpts exactly as the sources have them', (page) => {
    const { mismatches } = checkExcerpts(page, { write: process.env['UPDATE_DOCS'] === '1' });
    const report = mismatches.map(
      (m) =>
        `${m.page}:${m.excerpt.line} (${m.excerpt.file}${m.excerpt.region === undefined ? '' : `#${m.excerpt.region}`}) is stale`,
    );
    expect(process.env['UPDATE_DOCS'] === '1' ? [] : report).toEqual([]);
  });
});

describe('excerpt mechanics', () => {
  const root = mkdtempSync(join(tmpdir(), 'saddle-excerpts-'));
  mkdirSync(join(root, 'ex'));
  writeFileSync(
    join(root, 'ex', 'a.ts'),
    [
      "import { x } from 'y';",
      'export const f = () => {',
      '  // #region body',
      '  const a = 1;',
      '  // #region inner',
      '  const b = 2;',
      '  // #endregion inner',
      '  return a + b;',
      '  // #endregion body',
      '};',
      '',
    ].join('\n'),
  );

  it('cuts a region, drops nested markers and dedents', () => {
    expect(sourceText('ex/a.ts', 'body', root)).toBe('const a = 1;\nconst b = 2;\nreturn a + b;\n');
    expect(sourceText('ex/a.ts', 'inner', root)).toBe('const b = 2;\n');
    expect(sourceText('ex/a.ts', undefined, root)).toContain("import { x } from 'y';\nexport const f");
  });

  it('names a missing region', () => {
    expect(() => sourceText('ex/a.ts', 'nope', root)).toThrow("ex/a.ts has no '// #region nope'");
  });

  it('finds stale blocks and rewrites them', () => {
    const page = [
      '# T',
      '',
      '<!-- excerpt: ex/a.ts#inner -->',
      '```ts',
      'const b = 3;',
      '```',
      'after',
      '',
    ].join('\n');
    writeFileSync(join(root, 'page.md'), page);
    const before = checkExcerpts('page.md', { root });
    expect(before.mismatches.map((m) => m.excerpt.line)).toEqual([3]);
    checkExcerpts('page.md', { root, write: true });
    expect(readFileSync(join(root, 'page.md'), 'utf8')).toBe(page.replace('const b = 3;', 'const b = 2;'));
    expect(checkExcerpts('page.md', { root }).mismatches).toEqual([]);
  });

  it('refuses a marker with no block after it', () => {
    expect(() => findExcerpts('<!-- excerpt: ex/a.ts -->\ntext\n', 'p.md')).toThrow(
      'p.md: 1 excerpt marker(s) not directly followed by a fenced block',
    );
  });
});
