/**
 * A sweep's design: the cross product of `--grid` option values and `--seeds` as named runs, the
 * flags every run shares, and `sweep.json`, which records it all so a pool, a queue worker on
 * another machine, `--status` and a re-run of the same command agree on what the runs are.
 *
 * Pure apart from reading and writing `sweep.json` (and the per-combination spec files): no tfjs,
 * so a mistake in the command is reported before any backend loads.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from '../compile/index.js';
import { planPhases } from '../compile/plan.js';
import { ring, swissRollSet, tinyDigits } from '../data/synthetic.js';
import { encodeModel, parseModelJson } from '../dsl/codec.js';
import type { DataDecl } from '../dsl/ast.js';
import { writeDurably } from '../runtime/durable.js';
import { resolveOptions, zoo } from '../zoo/index.js';

/** One grid axis: a zoo option and the values it takes (as given, `--set key=value` text). */
export interface GridAxis {
  readonly key: string;
  readonly values: readonly string[];
}

/** One run of the sweep: its directory name, seed, and the grid's option values. */
export interface SweepRun {
  readonly name: string;
  /** The option combination it belongs to (runs differing only in seed share it). */
  readonly combo: string;
  readonly seed: number;
  readonly options: Readonly<Record<string, string>>;
  /**
   * The spec file the run trains, when the sweep wrote one: a zoo entry on data other than MNIST is
   * built for that data's shape here, since `saddle train <zoo-id>` builds MNIST models.
   */
  readonly spec?: string;
  /** Why the run cannot start (its model does not compile): recorded as its failure. */
  readonly invalid?: string;
}

/** What `sweep.json` holds. */
export interface SweepDesign {
  readonly version: 1;
  /** A zoo id, or the absolute path of a spec file. */
  readonly model: string;
  readonly seeds: readonly number[];
  readonly grid: readonly GridAxis[];
  /** Flags passed to every `saddle train` (length, data, batch size, backend, validation, checkpoints). */
  readonly train: readonly string[];
  /** `saddle eval --metrics` of every run, if any. */
  readonly eval?: readonly string[];
  /** `saddle eval --samples`, if given. */
  readonly evalSamples?: number;
  readonly backend: string;
  /** The model's phases: each run's final loss of each is a column of the results. */
  readonly losses: readonly string[];
  readonly runs: readonly SweepRun[];
  /** The Redis queue the runs were last put on (`--status` asks it which are running). */
  readonly queue?: string;
}

export const sweepFile = (dir: string): string => join(dir, 'sweep.json');
export const runsDir = (dir: string): string => join(dir, 'runs');
export const runDir = (dir: string, run: SweepRun): string => join(runsDir(dir), run.name);

/** A problem with the command: one line, exit 2 (the CLI turns it into a `UsageError`). */
export class SweepInputError extends Error {
  override readonly name = 'SweepInputError';
}

/** `1,2,3` → [1, 2, 3]: distinct non-negative integers. */
export const parseSeeds = (raw: string | undefined): readonly number[] => {
  if (raw === undefined) return [0];
  const parts = raw.split(',').map((s) => s.trim());
  const seeds = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new SweepInputError(`--seeds must be non-negative integers separated by commas, got "${raw}"`);
  }
  if (new Set(seeds).size !== seeds.length) throw new SweepInputError(`--seeds repeats a seed: "${raw}"`);
  return seeds;
};

/** `lr=1e-4,2e-4` → { key: 'lr', values: ['1e-4', '2e-4'] }. */
export const parseGridAxis = (raw: string): GridAxis => {
  const eq = raw.indexOf('=');
  const values = raw
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  if (eq <= 0 || values.some((v) => v === '')) {
    throw new SweepInputError(`--grid expects key=value1,value2,... with no empty value, got "${raw}"`);
  }
  if (new Set(values).size !== values.length) throw new SweepInputError(`--grid repeats a value: "${raw}"`);
  return { key: raw.slice(0, eq), values };
};

/** Every combination of the axes' values, in flag order (the last axis varies fastest). */
export const crossProduct = (grid: readonly GridAxis[]): readonly Readonly<Record<string, string>>[] =>
  grid.reduce<Record<string, string>[]>(
    (combos, axis) => combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.key]: v }))),
    [{}],
  );

/** A directory-safe name for a combination: `lr-1e-4_latent-2` (`default` for no grid). */
export const comboName = (options: Readonly<Record<string, string>>): string => {
  const parts = Object.entries(options).map(([k, v]) => `${k}-${v}`.replace(/[^A-Za-z0-9.+-]/g, '-'));
  return parts.length === 0 ? 'default' : parts.join('_');
};

/** The data declaration of a non-MNIST data set, read off a one-example draw so it cannot drift. */
const dataDecl = (data: string): DataDecl | undefined => {
  const one =
    data === 'ring'
      ? ring(1, { seed: 0 })
      : data === 'swissroll'
        ? swissRollSet(1, { seed: 0 })
        : data === 'tiny'
          ? tinyDigits(1, { seed: 0 })
          : undefined;
  return one === undefined ? undefined : { x: one.shape, classes: one.classes };
};

/** The phases of a spec file's model; a file that cannot be read or does not compile is the user's to fix. */
const specPhases = (file: string): readonly string[] => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SweepInputError(
      `cannot read spec file "${file}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const model = parseModelJson(text);
  const plan = E.isLeft(model) ? model : compile(model.right);
  if (E.isLeft(plan)) {
    const first = plan.left[0];
    throw new SweepInputError(
      `spec "${file}" has ${plan.left.length} error(s), the first: ${first === undefined ? '' : `${first.path}: ${first.message}`} (saddle explain ${file} lists them)`,
    );
  }
  return planPhases(plan.right).map((p) => p.name);
};

export interface DesignRequest {
  readonly model: string;
  readonly seeds: readonly number[];
  readonly grid: readonly GridAxis[];
  readonly train: readonly string[];
  readonly data: string;
  readonly backend: string;
  readonly eval?: readonly string[];
  readonly evalSamples?: number;
  /** The sweep directory: per-combination spec files are written under it. */
  readonly out: string;
  readonly queue?: string;
}

const isSpecPath = (model: string): boolean => model.endsWith('.json') || model.includes('/');

/**
 * The runs of a sweep. Grid keys must be options of the zoo entry and values must decode (else a
 * `SweepInputError`); a combination whose model does not compile becomes runs marked `invalid`,
 * recorded as failures while the rest of the sweep goes on.
 */
export const designSweep = (request: DesignRequest): SweepDesign => {
  const { grid, seeds } = request;
  if (grid.some((a) => a.values.length === 0)) throw new SweepInputError('--grid has an axis with no value');
  const keys = grid.map((a) => a.key);
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated !== undefined) throw new SweepInputError(`--grid names "${repeated}" twice`);
  const spec = isSpecPath(request.model);
  if (spec && grid.length > 0) {
    throw new SweepInputError(
      `--grid sets zoo options, and "${request.model}" is a spec file; sweep a zoo id, or write one spec per variant`,
    );
  }
  const entry = spec ? undefined : zoo[request.model];
  if (!spec && entry === undefined) {
    throw new SweepInputError(`unknown zoo id "${request.model}" (known: ${Object.keys(zoo).join(', ')})`);
  }
  const unknown = entry === undefined ? [] : keys.filter((k) => !Object.hasOwn(entry.defaults, k));
  if (entry !== undefined && unknown.length > 0) {
    throw new SweepInputError(
      `--grid key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length > 1 ? 'are not options' : 'is not an option'} of '${entry.id}' (options: ${Object.keys(entry.defaults).join(', ')})`,
    );
  }
  const decl = dataDecl(request.data);
  let losses: readonly string[] | undefined = spec ? specPhases(request.model) : undefined;
  const runs = crossProduct(grid).flatMap((options): SweepRun[] => {
    const combo = comboName(options);
    let specFile: string | undefined;
    let invalid: string | undefined;
    if (entry !== undefined) {
      const resolved = resolveOptions(
        entry,
        Object.entries(options).map(([k, v]) => `${k}=${v}`),
      );
      if (E.isLeft(resolved)) {
        throw new SweepInputError(
          `--grid ${resolved.left.map((e) => `${e.path}: ${e.message}`).join('; ')} ('${entry.id}')`,
        );
      }
      const model = entry.build(resolved.right, decl);
      const plan = compile(model);
      if (E.isLeft(plan)) {
        invalid = `model '${model.name}' does not compile: ${plan.left.map((e) => `${e.path}: ${e.message} [${e.code}]`).join('; ')}`;
      } else {
        losses ??= planPhases(plan.right).map((p) => p.name);
      }
      if (E.isRight(plan) && decl !== undefined) {
        // Written whole on every start: the same options give the same bytes.
        specFile = resolve(request.out, 'specs', `${combo}.json`);
        mkdirSync(join(request.out, 'specs'), { recursive: true });
        writeDurably(specFile, `${JSON.stringify(encodeModel(model))}\n`);
      }
    }
    return seeds.map((seed) => ({
      name: `${combo}_seed-${seed}`,
      combo,
      seed,
      options,
      ...(specFile === undefined ? {} : { spec: specFile }),
      ...(invalid === undefined ? {} : { invalid }),
    }));
  });
  return {
    version: 1,
    model: spec ? resolve(request.model) : request.model,
    seeds,
    grid,
    train: request.train,
    backend: request.backend,
    losses: losses ?? [],
    ...(request.eval === undefined ? {} : { eval: request.eval }),
    ...(request.evalSamples === undefined ? {} : { evalSamples: request.evalSamples }),
    runs,
    ...(request.queue === undefined ? {} : { queue: request.queue }),
  };
};

/** `saddle train` arguments of one run (the CLI script is the caller's). */
export const trainArgs = (dir: string, design: SweepDesign, run: SweepRun): readonly string[] => [
  'train',
  run.spec ?? design.model,
  ...(run.spec === undefined ? Object.entries(run.options).flatMap(([k, v]) => ['--set', `${k}=${v}`]) : []),
  ...design.train,
  '--backend',
  design.backend,
  '--seed',
  String(run.seed),
  '--out',
  runDir(dir, run),
  // A fresh run starts; a run a dead worker or a Ctrl-C left behind continues from its checkpoint;
  // a finished one is a no-op. The same command therefore serves every attempt.
  '--resume',
];

/** `saddle eval` arguments of one run, when the sweep evaluates. */
export const evalArgs = (dir: string, design: SweepDesign, run: SweepRun): readonly string[] | undefined =>
  design.eval === undefined
    ? undefined
    : [
        'eval',
        runDir(dir, run),
        '--metrics',
        design.eval.join(','),
        '--backend',
        design.backend,
        ...(design.evalSamples === undefined ? [] : ['--samples', String(design.evalSamples)]),
        '--json',
      ];

/** `sweep.json` of `dir`, if there is one. */
export const readDesign = (dir: string): SweepDesign | undefined => {
  const path = sweepFile(dir);
  if (!existsSync(path)) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as SweepDesign;
    if (json.version !== 1 || !Array.isArray(json.runs)) throw new Error('not a version 1 sweep');
    return json;
  } catch (e) {
    throw new SweepInputError(
      `${path} is damaged or from another saddle (${e instanceof Error ? e.message : String(e)})`,
    );
  }
};

/**
 * Record the design, or check it against the one already in `dir`: re-running the same command
 * continues that sweep, and a different one is refused rather than mixed into its results.
 */
export const recordDesign = (dir: string, design: SweepDesign): void => {
  const existing = readDesign(dir);
  const write = (): void => writeDurably(sweepFile(dir), `${JSON.stringify(design, null, 2)}\n`);
  if (existing === undefined) {
    mkdirSync(dir, { recursive: true });
    write();
    return;
  }
  const fields = ['model', 'seeds', 'grid', 'train', 'backend', 'eval', 'evalSamples'] as const;
  const differing = fields.filter((f) => JSON.stringify(existing[f]) !== JSON.stringify(design[f]));
  if (differing.length > 0) {
    throw new SweepInputError(
      `${dir} holds another sweep (it differs in ${differing.join(', ')}); re-run its own command to continue it, or choose another --out DIR`,
    );
  }
  // The same sweep, continued on a pool or another queue: remember where its runs went.
  if (existing.queue !== design.queue) write();
};
