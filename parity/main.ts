/**
 * `npm run parity`: saddle against the PyTorch reference (`parity/reference.py`), step by step.
 *
 * For each backend (default `cpu` and `native`; each in a child process of its own, since a process
 * has one tfjs backend) and each model of `parity/cases.ts`, saddle trains for `--iterations`
 * (default 20) on real MNIST batches and the reference replays the same iterations from the same
 * weights and draws. Prints one table row per model and backend — worst error over the run, the
 * iteration and parameter where it occurred, pass/fail against the backend's tolerance (1e-4 on
 * `cpu`, 1e-3 on `native`) — or, with `--json`, one JSON object per model and backend with
 * `maxRelativeError` per iteration. Exit 1 when any model fails, 2 when no Python with PyTorch is
 * installed (`apt-get install python3-torch`).
 *
 * Options: `--json`, `--backends=cpu,native`, `--models=aae/gaussian,vae` (case names or entry ids),
 * `--iterations=N`, `--seed=N`, `--full` (the entries' own widths and batch sizes), `--keep` (keep
 * the export directories, printed, for debugging).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../src/data/mnist.js';
import { selectBackend, type BackendChoice } from '../src/runtime/backend/select.js';
import { parityCases, type ParityCase } from './cases.js';
import { findTorchPython, runCase, type CaseResult } from './harness.js';

interface Args {
  readonly json: boolean;
  readonly backends: readonly string[];
  readonly models: readonly string[] | null;
  readonly iterations: number;
  readonly seed: number;
  readonly full: boolean;
  readonly keep: boolean;
  readonly worker: boolean;
}

const parseArgs = (argv: readonly string[]): Args => {
  const value = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const known = ['json', 'backends', 'models', 'iterations', 'seed', 'full', 'keep', 'worker'];
  for (const a of argv) {
    const name = a.replace(/^--/, '').split('=')[0] ?? '';
    if (!a.startsWith('--') || !known.includes(name)) {
      console.error(`parity: unknown argument '${a}' (options: ${known.map((k) => `--${k}`).join(' ')})`);
      process.exit(2);
    }
  }
  const int = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`parity: --${name} must be a positive integer, got '${raw}'`);
      process.exit(2);
    }
    return n;
  };
  return {
    json: argv.includes('--json'),
    backends: (value('backends') ?? 'cpu,native').split(',').filter((b) => b !== ''),
    models: value('models')?.split(',') ?? null,
    iterations: int('iterations', 20),
    seed: int('seed', 1),
    full: argv.includes('--full'),
    keep: argv.includes('--keep'),
    worker: argv.includes('--worker'),
  };
};

const selected = (args: Args): ParityCase[] => {
  if (args.models === null) return [...parityCases];
  const chosen = parityCases.filter((c) => args.models?.includes(c.name) || args.models?.includes(c.entry));
  const unknown = args.models.filter((m) => !parityCases.some((c) => c.name === m || c.entry === m));
  if (unknown.length > 0) {
    console.error(
      `parity: unknown model(s) ${unknown.join(', ')} (cases: ${parityCases.map((c) => c.name).join(', ')})`,
    );
    process.exit(2);
  }
  return chosen;
};

const fmt = (x: number): string => x.toExponential(2);

/** One table row. */
const row = (r: CaseResult): string => {
  const worst = r.iterations.reduce((a, b) => (b.maxRelativeError > a.maxRelativeError ? b : a));
  const where =
    worst.worstParam.relativeError >= worst.maxRelativeError
      ? worst.worstParam.name
      : `loss ${Object.entries(worst.losses).reduce((a, b) => (b[1].relativeError > a[1].relativeError ? b : a))[0]}`;
  return [
    r.case.padEnd(20),
    r.backend.padEnd(7),
    String(r.iterations.length).padStart(5),
    fmt(r.iterations[0]?.maxRelativeError ?? NaN).padStart(10),
    fmt(r.maxRelativeError).padStart(10),
    String(worst.iteration).padStart(5),
    where.padEnd(28),
    fmt(r.tolerance).padStart(9),
    r.pass ? 'pass' : 'FAIL',
  ].join('  ');
};

const header = [
  'model'.padEnd(20),
  'backend'.padEnd(7),
  'iters',
  'first step'.padStart(10),
  'worst'.padStart(10),
  ' at i',
  'worst value'.padEnd(28),
  'tolerance',
  'result',
].join('  ');

/** Run the selected cases on one backend, in this process; one JSON line per case on stdout. */
const worker = async (args: Args): Promise<void> => {
  const torch = findTorchPython();
  if (!torch.ok) throw new Error(torch.reason);
  const backend = args.backends[0] as BackendChoice;
  const info = await selectBackend(backend);
  const { train } = await loadMnist();
  for (const c of selected(args)) {
    const result = await runCase(c, {
      python: torch.python,
      data: train,
      iterations: args.iterations,
      backend: info.name,
      full: args.full,
      seed: args.seed,
      keep: args.keep,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
};

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker) return worker(args);
  const torch = findTorchPython();
  if (!torch.ok) {
    console.error(`parity: ${torch.reason}`);
    process.exit(2);
  }
  if (!args.json) console.log(`reference: ${torch.python} (torch ${torch.torch})\n${header}`);
  let failed = false;
  for (const backend of args.backends) {
    const childArgs = process.argv.slice(2).filter((a) => !a.startsWith('--backends=') && a !== '--json');
    const lines = await new Promise<string[]>((resolve, reject) => {
      const out: string[] = [];
      let buffer = '';
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--worker',
          `--backends=${backend}`,
          ...childArgs,
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const line of parts.filter((l) => l.startsWith('{'))) {
          out.push(line);
          const r = JSON.parse(line) as CaseResult;
          if (!r.pass) failed = true;
          console.log(args.json ? line : row(r));
        }
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`parity worker for '${backend}' exited with ${code}`)),
      );
    });
    if (lines.length === 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
};

main().catch((e: unknown) => {
  console.error(`parity: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
