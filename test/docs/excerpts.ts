/**
 * Code blocks in the docs that are excerpts of real, type-checked, tested files — kept identical.
 *
 * A page says where a block comes from with a marker on the line before its fence:
 *
 *     <!-- excerpt: examples/wae-swiss-roll.ts#prior -->
 *     ```ts
 *     ...the lines between `// #region prior` and `// #endregion prior` in that file...
 *     ```
 *
 * Without `#region` the block is the whole file. Regions are VS Code's folding markers, so a reader
 * of the example sees nothing unusual; marker lines of other regions inside an excerpt are left out,
 * and the excerpt is dedented. `checkExcerpts` lists every block that differs from its source (the
 * docs test fails on any); `UPDATE_DOCS=1` rewrites the blocks from the sources.
 *
 * Why excerpts rather than prose-only examples: a code block that is only text rots the day an API
 * changes; one that is cut from a file `npm test` type-checks and runs cannot.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (this file is `test/docs/excerpts.ts`). */
export const repoRoot = join(import.meta.dirname, '..', '..');

/** One excerpt block of a page: where it points and what the page currently shows. */
export interface Excerpt {
  /** The marker's source path, relative to the repository root. */
  readonly file: string;
  /** The region name, or undefined for the whole file. */
  readonly region: string | undefined;
  /** 1-based line of the marker in the page. */
  readonly line: number;
  /** The block's content as the page shows it (without fences). */
  readonly shown: string;
  /** Character offsets of the block's content in the page, for rewriting. */
  readonly start: number;
  readonly end: number;
}

const marker = /<!--\s*excerpt:\s*([^\s#]+)(?:#([\w-]+))?\s*-->[ \t]*\n[ \t]*\n?(```[\w-]*)[ \t]*\n/g;

/** Every excerpt block of a page, in order. A marker not followed by a fenced block is an error. */
export const findExcerpts = (page: string, pageName = 'page'): Excerpt[] => {
  const out: Excerpt[] = [];
  const markers = [...page.matchAll(/<!--\s*excerpt:/g)].length;
  for (const m of page.matchAll(marker)) {
    const start = (m.index ?? 0) + m[0].length;
    const close = page.indexOf('\n```', start - 1);
    if (close < 0) throw new Error(`${pageName}: the excerpt block of ${m[1]} is never closed`);
    const end = close + 1;
    out.push({
      file: m[1] ?? '',
      region: m[2],
      line: page.slice(0, m.index).split('\n').length,
      shown: page.slice(start, end),
      start,
      end,
    });
  }
  if (out.length !== markers) {
    throw new Error(
      `${pageName}: ${markers - out.length} excerpt marker(s) not directly followed by a fenced block`,
    );
  }
  return out;
};

const regionLine = /^\s*\/\/\s*#(end)?region\b\s*([\w-]*)\s*$/;

/** Remove the indentation every non-blank line shares. */
const dedent = (lines: readonly string[]): string[] => {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(cut));
};

/** The text an excerpt should show: the file, or one region of it (ending in a newline). */
export const sourceText = (file: string, region: string | undefined, root = repoRoot): string => {
  const lines = readFileSync(join(root, file), 'utf8').replace(/\n$/, '').split('\n');
  let body: string[];
  if (region === undefined) {
    body = lines;
  } else {
    const open = lines.findIndex(
      (l) => regionLine.exec(l)?.[1] === undefined && regionLine.exec(l)?.[2] === region,
    );
    if (open < 0) throw new Error(`${file} has no '// #region ${region}'`);
    const close = lines.findIndex(
      (l, i) =>
        i > open && regionLine.exec(l)?.[1] === 'end' && [region, ''].includes(regionLine.exec(l)?.[2] ?? ''),
    );
    if (close < 0) throw new Error(`${file}: region '${region}' has no '// #endregion ${region}'`);
    body = lines.slice(open + 1, close);
  }
  return `${dedent(body.filter((l) => !regionLine.test(l))).join('\n')}\n`;
};

/** A block that differs from its source. */
export interface Mismatch {
  readonly page: string;
  readonly excerpt: Excerpt;
  readonly expected: string;
}

/** Check (or, with `write`, rewrite) every excerpt of `page` (a path relative to the root). */
export const checkExcerpts = (
  page: string,
  options: { readonly write?: boolean; readonly root?: string } = {},
) => {
  const root = options.root ?? repoRoot;
  const path = join(root, page);
  const text = readFileSync(path, 'utf8');
  const excerpts = findExcerpts(text, page);
  const mismatches: Mismatch[] = [];
  for (const excerpt of excerpts) {
    const expected = sourceText(excerpt.file, excerpt.region, root);
    if (expected !== excerpt.shown) mismatches.push({ page, excerpt, expected });
  }
  if (options.write === true && mismatches.length > 0) {
    let next = text;
    for (const m of [...mismatches].reverse()) {
      next = next.slice(0, m.excerpt.start) + m.expected + next.slice(m.excerpt.end);
    }
    writeFileSync(path, next);
  }
  return { excerpts, mismatches };
};
