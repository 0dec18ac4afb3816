/**
 * Loading a model from a JSON spec: parse it, see what saddle says about a broken one, compile the
 * good one and train it briefly.
 *
 * A spec file is the model's JSON encoding — exactly the nodes the combinators build, every value
 * spelled out (`npx saddle spec aae` prints one). `specs/ring-mmd-ae.json` is a small MMD
 * autoencoder for 2-D points; `specs/ring-mmd-ae.broken.json` is a copy with three typos. Errors
 * come back as data, `{ path, code, message }`, all of them at once; `formatErrors` prints one per
 * line. Both files name saddle's JSON Schema in their `"$schema"` line, so an editor that reads
 * JSON Schemas (VS Code does) underlines the typos and completes field names as you type.
 *
 *     npx tsx examples/load-json-spec.ts
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { compile, dense, explain, formatErrors, parseModelJson, type CompileError, type Model } from 'saddle';
import { ring } from 'saddle/data';
import { createTrainer, selectBackend, type BackendChoice, type LossRecord } from 'saddle/runtime';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

export interface LoadJsonSpecOptions {
  /** The spec to train. */
  readonly spec?: string;
  /** A spec with mistakes, to show the errors saddle reports. */
  readonly brokenSpec?: string;
  readonly steps?: number;
  readonly seed?: number;
  readonly backend?: BackendChoice;
  readonly log?: (line: string) => void;
}

export interface LoadJsonSpecResult {
  /** What parsing the broken spec reported. */
  readonly specErrors: readonly CompileError[];
  /** What compiling a decodable but inconsistent copy of the good spec reported. */
  readonly compileErrors: readonly CompileError[];
  /** The good spec's model, as decoded. */
  readonly model: Model;
  /** Every loss record of the training run, oldest first. */
  readonly history: readonly LossRecord[];
}

// #region load
/** Read and decode a spec file: the model, or every mistake in it with its path. */
export const loadSpec = (file: string): E.Either<readonly CompileError[], Model> =>
  parseModelJson(readFileSync(file, 'utf8'));
// #endregion load

/**
 * The model with its decoder's last layer widened to `units`: a mistake the JSON format cannot
 * see (every field is well-formed) but the compiler can (the reconstruction compares widths).
 */
const withDecoderOutput = (m: Model, units: number): Model => ({
  ...m,
  nets: m.nets.map((n) =>
    n.name === 'decoder' ? { ...n, layers: [...n.layers.slice(0, -1), dense(units)] } : n,
  ),
});

/** Show the errors of a broken spec and of an inconsistent model, then train the good spec. */
export const main = async (options: LoadJsonSpecOptions = {}): Promise<LoadJsonSpecResult> => {
  const {
    spec = here('specs/ring-mmd-ae.json'),
    brokenSpec = here('specs/ring-mmd-ae.broken.json'),
    steps = 1000,
    seed = 0,
    backend = 'auto',
    log = console.log,
  } = options;

  // #region errors
  // A malformed spec: every problem at once, each with the path to paste into your editor's search.
  const broken = loadSpec(brokenSpec);
  const specErrors = E.isLeft(broken) ? broken.left : [];
  log(`${relative(process.cwd(), brokenSpec)}:\n${formatErrors(specErrors)}\n`);
  // #endregion errors

  const loaded = loadSpec(spec);
  if (E.isLeft(loaded)) throw new Error(`${spec}:\n${formatErrors(loaded.left)}`);
  const model = loaded.right;

  // #region compile-errors
  // A well-formed spec can still describe a model that does not fit together; the compiler says where.
  const inconsistent = compile(withDecoderOutput(model, 3));
  const compileErrors = E.isLeft(inconsistent) ? inconsistent.left : [];
  log(`'${model.name}' with a 3-unit decoder output:\n${formatErrors(compileErrors)}\n`);
  // #endregion compile-errors

  // #region train
  const compiled = compile(model);
  if (E.isLeft(compiled)) throw new Error(`${spec}:\n${formatErrors(compiled.left)}`);
  log(explain(compiled.right));
  log((await selectBackend(backend)).banner);
  const data = ring(2000, { seed }); // the spec declares examples of shape [2]: 2-D points
  const trainer = createTrainer({ plan: compiled.right, data, batchSize: 100, seed });
  for (let i = 0; i < steps; i++) trainer.step();
  const history = await trainer.readLosses();
  trainer.dispose();
  // #endregion train

  const every = Math.max(1, Math.floor(history.length / 10));
  for (const r of history.filter((_, i) => (i + 1) % every === 0)) {
    log(
      `iteration ${String(r.iteration).padStart(5)}  autoencoder ${r.losses['autoencoder']?.toPrecision(3)}`,
    );
  }
  return { specErrors, compileErrors, model, history };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
