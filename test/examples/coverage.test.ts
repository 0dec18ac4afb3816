/**
 * The examples' contract, checked over every file in examples/ (including ones added later):
 * each has a test that runs it, imports only what a user of the package can import, exports
 * `main`, runs itself when executed directly, and is listed in examples/README.md with its command.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();
const source = (name: string): string => readFileSync(join(root, 'examples', `${name}.ts`), 'utf8');

/** Every module specifier a file imports (static `import … from '…'` and `import '…'`). */
const importedModules = (text: string): string[] =>
  [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map(
    (m) => m[1] ?? m[2] ?? '',
  );

/**
 * What a user of the published package can import: its entry points, fp-ts, Node's builtins, and
 * TensorFlow.js itself (saddle's dependency, which loads the nets saddle exports).
 */
const PUBLIC =
  /^(saddle|saddle\/(runtime|data|report|eval)|saddle\/zoo\/[a-z0-9-]+|fp-ts\/lib\/[A-Za-z]+\.js|node:[a-z/_]+|@tensorflow\/tfjs)$/;

describe('examples/', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples)('%s has its test in test/examples/', (name) => {
    expect(existsSync(join(root, 'test', 'examples', `${name}.test.ts`))).toBe(true);
  });

  it.each(examples)('%s imports only public entries, fp-ts and node builtins', (name) => {
    const imports = importedModules(source(name));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((m) => !PUBLIC.test(m))).toEqual([]);
  });

  it.each(examples)('%s exports main and runs it when executed directly', (name) => {
    const text = source(name);
    expect(text).toMatch(/^export (const|async function) main\b/m);
    expect(text).toMatch(
      /^if \(process\.argv\[1\] === fileURLToPath\(import\.meta\.url\)\) (await )?main\(\);$/m,
    );
  });

  it.each(examples)('%s is in examples/README.md with the command that runs it', (name) => {
    expect(readFileSync(join(root, 'examples', 'README.md'), 'utf8')).toContain(
      `npx tsx examples/${name}.ts`,
    );
  });

  it('finds the imports of a file, and the public rule refuses internals', () => {
    const text = [
      "import { a } from 'saddle';",
      'import {',
      '  b,',
      "} from 'saddle/zoo/aae';",
      "import type { C } from '../src/dsl/ast.js';",
      "import 'node:fs';",
      "export { d } from './d.js';",
    ].join('\n');
    expect(importedModules(text)).toEqual([
      'saddle',
      'saddle/zoo/aae',
      '../src/dsl/ast.js',
      'node:fs',
      './d.js',
    ]);
    expect(['saddle', 'saddle/runtime', 'fp-ts/lib/Either.js', 'node:url'].every((m) => PUBLIC.test(m))).toBe(
      true,
    );
    expect(
      ['../src/index.js', 'saddle/compile', '@tensorflow/tfjs-node', 'saddle/src/x'].some((m) =>
        PUBLIC.test(m),
      ),
    ).toBe(false);
  });
});
