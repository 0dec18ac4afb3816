/**
 * `npm run parity:runs`: the parity of whole runs — saddle and a PyTorch twin trained from the *same
 * initial weights* for whole epochs on real MNIST, scored with the same metrics, over several seeds.
 *
 * `npm run parity` proves single steps equal (same weights, batches and draws, 20 iterations). It
 * cannot see what only shows over thousands of steps, nor anything where its reference mirrors
 * saddle's own choice. Here the reference is what a PyTorch user would write for the same recipe —
 * `scripts/recipes/aae2d.py`: `nn.Linear` nets, `torch.optim.Adam`, `BCEWithLogitsLoss`, its own data
 * order and prior draws — started from saddle's initial weights, so the runs differ only by the
 * implementation and by the randomness of batches and draws. Whether saddle is "within noise" of it
 * is then a question about the spread over seeds: the table gives both implementations per seed and
 * epoch, and the mean ± standard error over seeds at the last epoch with the difference of the means
 * in units of its standard error (|z| ≤ 2: within noise). With two or three seeds that test is
 * coarse; it catches a systematic gap (a run-level bug), not a subtle one.
 *
 * Covers the `aae` entry with a deterministic posterior and the non-saturating game (the twin's
 * model); the default is the 2-D, 10-petal configuration of issue 11.
 *
 *   npm run parity:runs -- --seeds=1,2 --epochs=3 [--backend=native] [--set=key=value ...]
 *                          [--out=runs/parity-runs] [--json]
 *
 * Each seed runs saddle (a child process: one tfjs backend per process) and the twin side by side;
 * saddle's run directory (`OUT/saddle-s<seed>`) is an ordinary one (`saddle report` reads it).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { compile } from '../src/compile/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { formatErrors } from '../src/dsl/codec/report.js';
import { evaluate, headline } from '../src/eval/evaluate.js';
import { selectBackend, type BackendChoice } from '../src/runtime/backend/select.js';
import { runTraining } from '../src/runtime/run.js';
import { createTrainer } from '../src/runtime/trainer.js';
import { aae, type AaeOptions } from '../src/zoo/aae.js';
import { resolveOptions } from '../src/zoo/entry.js';
import { estimate } from '../src/sweep/results.js';
import { exportInitialWeights, findTorchPython } from './harness.js';

interface Args {
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly backend: string;
  readonly sets: readonly string[];
  readonly out: string;
  readonly json: boolean;
  /** Internal: this process is the saddle side of one seed. */
  readonly saddleSeed: number | null;
}

const usage = (message: string): never => {
  console.error(`parity:runs: ${message}`);
  process.exit(2);
};

const parseArgs = (argv: readonly string[]): Args => {
  const known = ['seeds', 'epochs', 'backend', 'set', 'out', 'json', 'saddle-seed'];
  for (const a of argv) {
    const name = a.replace(/^--/, '').split('=')[0] ?? '';
    if (!a.startsWith('--') || !known.includes(name))
      usage(
        `unknown argument '${a}' (options: ${known
          .slice(0, -1)
          .map((k) => `--${k}`)
          .join(' ')})`,
      );
  }
  const values = (name: string): string[] =>
    argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  const value = (name: string): string | undefined => values(name).at(-1);
  const positive = (name: string, raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) usage(`--${name} needs positive integers, got '${raw}'`);
    return n;
  };
  const saddleSeed = value('saddle-seed');
  return {
    seeds: (value('seeds') ?? '1,2').split(',').map((s) => positive('seeds', s)),
    epochs: positive('epochs', value('epochs') ?? '3'),
    backend: value('backend') ?? 'native',
    sets: ['latent=2', 'prior=mixture10', ...values('set')],
    out: value('out') ?? 'runs/parity-runs',
    json: argv.includes('--json'),
    saddleSeed: saddleSeed === undefined ? null : positive('saddle-seed', saddleSeed),
  };
};

/** The aae options of this comparison, or exit 2 naming what the twin does not model. */
const optionsOf = (args: Args): AaeOptions => {
  const resolved = resolveOptions(aae, args.sets);
  if (E.isLeft(resolved)) return usage(formatErrors(resolved.left));
  const o = resolved.right;
  const unsupported = [
    o.posterior !== 'deterministic' && `posterior=${o.posterior} (the twin's encoder is deterministic)`,
    o.form !== 'nonSaturating' && `form=${o.form} (the twin plays the non-saturating game)`,
    o.lambda !== 1 && `lambda=${o.lambda}`,
    o.hidden !== 1000 && `hidden=${o.hidden} (the twin's nets are 1000 wide)`,
    o.prior === 'swissroll' && 'prior=swissroll',
  ].filter((u): u is string => typeof u === 'string');
  if (unsupported.length > 0) usage(`the PyTorch twin does not model ${unsupported.join(', ')}`);
  return o;
};

/** The twin's command line for the same recipe (see scripts/recipes/aae2d.py). */
const twinArgs = (o: AaeOptions, seed: number, epochs: number, init: string): string[] => {
  const annealed = o.annealIterations > 0;
  return [
    ...['--seed', String(seed), '--epochs', String(epochs), '--batch', String(aae.batchSize)],
    ...['--latent', String(o.latent), '--prior', o.prior],
    ...['--rec', `adam:${o.reconstructionLr}`],
    ...['--crit', `adam:${o.criticLr}:${o.beta1}`, '--gen', `adam:${o.generatorLr}:${o.beta1}`],
    ...['--decay', annealed ? `cosine:${o.adversarialFloor}` : 'none'],
    ...['--rec-decay', annealed ? `cosine:${o.reconstructionFloor}` : 'none'],
    ...(annealed ? ['--anneal-iterations', String(o.annealIterations)] : []),
    ...['--init', init, '--threads', '1', '--json'],
  ];
};

interface EpochScore {
  readonly seed: number;
  readonly epoch: number;
  readonly recon: number;
  readonly mmd: number;
}

/**
 * The saddle side of one seed (a child process): write the trainer's initial weights for the twin,
 * say so on stdout, then train epoch by epoch, evaluating recon and MMD² after each.
 */
const saddleSide = async (args: Args, seed: number): Promise<void> => {
  const o = optionsOf(args);
  const plan = compile(aae.build(o));
  if (E.isLeft(plan)) throw new Error(formatErrors(plan.left));
  await selectBackend(args.backend as BackendChoice);
  const { train, test } = await loadMnist();
  const trainer = createTrainer({ plan: plan.right, data: train, batchSize: aae.batchSize, seed });
  const init = join(args.out, `init-s${seed}`);
  exportInitialWeights(init, trainer, { seed });
  process.stdout.write(`${JSON.stringify({ init })}\n`);
  const perEpoch = Math.floor(train.size / aae.batchSize);
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    await runTraining({
      trainer,
      totalSteps: epoch * perEpoch,
      every: 100,
      outDir: join(args.out, `saddle-s${seed}`),
      handleSignals: false,
    });
    const scores = headline(await evaluate(trainer, { train, test }, { metrics: ['recon', 'mmd'] }));
    const line: EpochScore = { seed, epoch, recon: scores.recon ?? NaN, mmd: scores.mmd ?? NaN };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  trainer.dispose();
};

/** Run a child and hand each JSON line of its stdout to `onLine`; rejects on a non-zero exit. */
const jsonLines = (
  command: string,
  argv: readonly string[],
  onLine: (value: unknown) => void,
): Promise<void> =>
  new Promise((done, fail) => {
    const child = spawn(command, [...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const l of lines.filter((x) => x.startsWith('{'))) onLine(JSON.parse(l));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`${command} ${argv.join(' ')} exited with ${code}:\n${stderr}`)),
    );
  });

interface Comparison {
  readonly metric: 'recon' | 'mmd';
  readonly saddle: { readonly mean: number; readonly se: number };
  readonly twin: { readonly mean: number; readonly se: number };
  /** (saddle − twin) / √(se² + se²); |z| ≤ 2 reads as within noise. */
  readonly z: number;
  /** Null with one seed: no spread was measured. */
  readonly withinNoise: boolean | null;
}

const compare = (
  metric: 'recon' | 'mmd',
  saddle: readonly EpochScore[],
  twin: readonly EpochScore[],
): Comparison => {
  // The sweep's estimate (sample s.d. / √n); one seed has no spread, shown as ± 0.
  const a = estimate(saddle.map((s) => s[metric]));
  const b = estimate(twin.map((s) => s[metric]));
  const diff = a.mean - b.mean;
  const se = Math.hypot(a.se ?? 0, b.se ?? 0);
  const z = se > 0 ? diff / se : diff === 0 ? 0 : Math.sign(diff) * Infinity;
  return {
    metric,
    saddle: { mean: a.mean, se: a.se ?? 0 },
    twin: { mean: b.mean, se: b.se ?? 0 },
    z,
    withinNoise: a.se === null || b.se === null ? null : Math.abs(z) <= 2,
  };
};

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  if (args.saddleSeed !== null) return saddleSide(args, args.saddleSeed);
  const o = optionsOf(args);
  const torch = findTorchPython();
  if (!torch.ok) usage(torch.reason);
  const python = torch.ok ? torch.python : '';
  const twinScript = fileURLToPath(new URL('../scripts/recipes/aae2d.py', import.meta.url));
  mkdirSync(args.out, { recursive: true });
  const saddle: EpochScore[] = [];
  const twin: EpochScore[] = [];
  const log = (line: string): void => {
    if (!args.json) console.log(line);
  };
  log(
    `aae ${args.sets.join(' ')}, ${args.epochs} epochs, saddle on '${args.backend}' against the PyTorch twin (${python})`,
  );
  log('seed  epoch   recon saddle    twin    MMD² saddle    twin');
  for (const seed of args.seeds) {
    let twinRun: Promise<unknown> | undefined;
    const passOn = process.argv.slice(2).filter((a) => !a.startsWith('--seeds=') && a !== '--json');
    const saddleRun = jsonLines(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...passOn, `--saddle-seed=${seed}`],
      (v) => {
        const line = v as Partial<EpochScore> & { init?: string };
        if (line.init !== undefined) {
          // Settled at once into a value, so a twin failing while saddle still trains is reported
          // after saddle's side ends rather than as an unhandled rejection.
          twinRun = jsonLines(
            python,
            [twinScript, ...twinArgs(o, seed, args.epochs, resolve(line.init))],
            (t) => twin.push(t as EpochScore),
          ).then(
            () => undefined,
            (e: unknown) => e,
          );
        } else saddle.push(line as EpochScore);
      },
    );
    await saddleRun;
    if (twinRun === undefined) throw new Error(`saddle wrote no initial weights for seed ${seed}`);
    const twinFailure = await twinRun;
    if (twinFailure !== undefined) throw twinFailure;
    for (let epoch = 1; epoch <= args.epochs; epoch++) {
      const s = saddle.find((x) => x.seed === seed && x.epoch === epoch);
      const t = twin.find((x) => x.seed === seed && x.epoch === epoch);
      log(
        `${String(seed).padStart(4)}  ${String(epoch).padStart(5)}  ${s?.recon.toFixed(1).padStart(12)}  ${t?.recon.toFixed(1).padStart(6)}  ${s?.mmd.toFixed(4).padStart(11)}  ${t?.mmd.toFixed(4).padStart(6)}`,
      );
    }
  }
  const last = (xs: readonly EpochScore[]): EpochScore[] => xs.filter((x) => x.epoch === args.epochs);
  const comparisons = (['recon', 'mmd'] as const).map((m) => compare(m, last(saddle), last(twin)));
  const result = {
    model: 'aae',
    sets: args.sets,
    epochs: args.epochs,
    backend: args.backend,
    seeds: args.seeds,
    saddle,
    twin,
    comparisons,
  };
  writeFileSync(join(args.out, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const c of comparisons) {
    const digits = c.metric === 'recon' ? 1 : 4;
    const verdict =
      args.seeds.length < 2
        ? 'one seed: no spread measured, no verdict'
        : `difference ${c.z.toFixed(1)} s.e., ${c.withinNoise ? 'within noise' : 'NOT within noise'}`;
    log(
      `${c.metric.padEnd(6)} after ${args.epochs} epochs: saddle ${c.saddle.mean.toFixed(digits)} ± ${c.saddle.se.toFixed(digits)}, twin ${c.twin.mean.toFixed(digits)} ± ${c.twin.se.toFixed(digits)} (mean ± s.e. over ${args.seeds.length} seeds): ${verdict}`,
    );
  }
};

main().catch((e: unknown) => {
  console.error(`parity:runs: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
