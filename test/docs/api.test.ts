/**
 * Every public export has a doc comment with an `@example`.
 *
 * "Public" means reachable from one of the package's entry points: the files `typedoc.json` lists,
 * which are the targets of `package.json`'s `exports` (the zoo's `saddle/zoo/<id>` modules included).
 * The walk uses the TypeScript compiler API on one Program over those files: re-exports
 * (`export * from`, `export { x } from`) are followed to the declaration a user's editor shows, and
 * that declaration must carry the comment. An export without one fails this test with its entry,
 * name and file, so the API reference (`npm run docs:api`) cannot silently grow blank pages.
 *
 * A second test runs typedoc itself on `typedoc.json` (validation only: no output, and no type
 * check, which `npm test`'s `tsc` already does) and fails on any warning — a `{@link}` to nothing, a
 * public type that names an unexported one — so `npm run docs:api`, which treats warnings as errors,
 * keeps building.
 *
 * @module
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Application, Logger, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './excerpts.js';

/** One exported declaration that its doc comment does not fully document. */
interface ExportGap {
  /** The entry point it was first reached from, relative to the root. */
  readonly entry: string;
  readonly name: string;
  /** The file of the declaration the export resolves to. */
  readonly declaredIn: string;
  readonly missing: 'doc comment' | '@example';
}

/** The entry points typedoc documents (one source of truth: `typedoc.json`). */
const entryPoints = (): string[] => {
  const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as {
    readonly entryPoints: readonly string[];
  };
  return config.entryPoints.map((p) => join(repoRoot, p));
};

/** The repository's compiler options, so paths and module resolution match `tsc -p .`. */
const repoOptions = (): ts.CompilerOptions => {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error('tsconfig.json could not be read');
  return parsed.options;
};

/**
 * Walk every export of every entry and list each declaration without a summary or an `@example`.
 * A declaration reached from several entries (or under several names) is reported once.
 */
const exportGaps = (
  entries: readonly string[],
  options: ts.CompilerOptions,
  root: string,
): { readonly gaps: readonly ExportGap[]; readonly checked: number } => {
  const program = ts.createProgram({ rootNames: [...entries], options: { ...options, noEmit: true } });
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Symbol>();
  const gaps: ExportGap[] = [];
  for (const entry of entries) {
    const file = program.getSourceFile(entry);
    if (file === undefined) throw new Error(`entry point ${entry} is not in the program`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`entry point ${entry} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (seen.has(target)) continue;
      seen.add(target);
      const declaration = target.declarations?.[0];
      const declaredIn =
        declaration === undefined ? '(no declaration)' : relative(root, declaration.getSourceFile().fileName);
      const summary = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
      const hasExample = target.getJsDocTags(checker).some((tag) => tag.name === 'example');
      const where = { entry: relative(root, entry), name: exported.name, declaredIn };
      if (summary === '') gaps.push({ ...where, missing: 'doc comment' });
      else if (!hasExample) gaps.push({ ...where, missing: '@example' });
    }
  }
  return { gaps, checked: seen.size };
};

/** A typedoc logger that keeps every warning and error, instead of printing them. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(`${LogLevel[level]}: ${message}`);
  }
}

/** Run typedoc's conversion and validation on `typedoc.json`, returning what it warned about. */
const typedocProblems = async (): Promise<readonly string[]> => {
  const app = await Application.bootstrap(
    { options: join(repoRoot, 'typedoc.json'), emit: 'none', skipErrorChecking: true },
    [new TypeDocReader(), new TSConfigReader()],
  );
  const early = app.logger.warningCount + app.logger.errorCount;
  const logger = new CollectingLogger();
  app.logger = logger;
  const project = await app.convert();
  if (project === undefined) return [...logger.messages, 'typedoc could not convert the project'];
  app.validate(project);
  return early > 0
    ? [`typedoc reported ${early} problem(s) while reading its options`, ...logger.messages]
    : logger.messages;
};

const describeGap = (g: ExportGap): string =>
  `${g.entry}: ${g.name} (declared in ${g.declaredIn}) has no ${g.missing}`;

describe('API reference', () => {
  it('every export of every entry point has a doc comment with an @example', () => {
    const { gaps, checked } = exportGaps(entryPoints(), repoOptions(), repoRoot);
    // The public surface is a few hundred declarations; far fewer means the walk lost its way.
    expect(checked).toBeGreaterThan(250);
    expect(gaps.map(describeGap)).toEqual([]);
  });

  it('typedoc validates the reference without a warning', async () => {
    expect(await typedocProblems()).toEqual([]);
  });

  it('follows re-exports to their declarations and names what each one lacks', () => {
    const root = mkdtempSync(join(tmpdir(), 'saddle-api-'));
    const write = (name: string, text: string): string => {
      writeFileSync(join(root, name), text);
      return join(root, name);
    };
    write(
      'a.ts',
      [
        '/**',
        ' * Documented, with an example.',
        ' *',
        ' * @example',
        ' * documented(1);',
        ' */',
        'export const documented = (n: number): number => n;',
        '/** A summary but no example. */',
        'export interface Summarized { readonly n: number }',
        '',
      ].join('\n'),
    );
    write('b.ts', 'export const bare = 1;\nexport type Hidden = string;\n');
    const entry = write(
      'index.ts',
      [
        "export * from './a.js';",
        "export { bare as renamed } from './b.js';",
        "export { documented as again } from './a.js';",
        '',
      ].join('\n'),
    );
    const { gaps, checked } = exportGaps(
      [entry],
      { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true },
      root,
    );
    expect(checked).toBe(3);
    expect(gaps.map(describeGap).sort()).toEqual([
      'index.ts: Summarized (declared in a.ts) has no @example',
      'index.ts: renamed (declared in b.ts) has no doc comment',
    ]);
  });
});
