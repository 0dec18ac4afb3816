/**
 * The `saddle` subcommands: each takes its arguments and returns an exit code, or throws a
 * `UsageError`.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import { compile, explain } from '../compile/index.js';
import { encodeModel } from '../dsl/codec.js';
import { entries } from '../zoo/index.js';
import { parse, positionals, strings } from './args.js';
import { compileFailure } from './errors.js';
import { resolveModel } from './resolve.js';
import { evalCommand } from './eval.js';
import { reportCommand } from './report.js';
import { sampleCommand } from './sample.js';
import { schemaCommand } from './schema.js';
import { serveCommand } from './serve.js';
import { sweepCommand } from './sweep.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

export type Command = (args: readonly string[]) => Promise<number>;

export const helpText = `saddle — typed adversarial-autoencoder models on TensorFlow.js

usage:
  saddle zoo                                      list the zoo entries
  saddle spec <zoo-id> [--set key=value ...]      print the model's JSON spec
  saddle schema                                   print the JSON Schema of spec files (for editors)
  saddle explain <zoo-id | spec.json> [--set key=value ...]
                                                  print the compiled plan, or every error (exit 2)
  saddle train <zoo-id | spec.json> [--set key=value ...] [--epochs N | --steps N]
               [--batch-size N] [--backend auto|node-gpu|node|native|wasm|cpu] [--seed N]
               [--out DIR] [--resume] [--every N] [--data mnist|ring|swissroll|tiny]
               [--validation N] [--checkpoint-every N|Ns|Nm] [--on-nan stop|skip]
                                                  train; writes metrics.jsonl, checkpoints,
                                                  samples-<epoch>.png, latent-<epoch>.png to DIR;
                                                  --validation holds the last N MNIST training
                                                  images out (saddle eval picks Parzen's σ on them);
                                                  checkpoints every 10 minutes and epoch by default;
                                                  Ctrl-C / SIGTERM checkpoint and exit 130 / 143
  saddle sample <run-dir> [--n N] [--out file.png] [--seed N]
                                                  draw a grid of samples from a trained run
  saddle eval <run-dir> [--metrics parzen,fid,score,recon,mmd,cluster,classify] [--samples N] [--json]
                                                  evaluate a trained run; writes eval.json into it
  saddle report <run-dir> [<run-dir> ...] [--out file.html]
                                                  write the run's report page (run-dir/report.html,
                                                  one file, no network); several runs: one page
                                                  comparing them (first run-dir/compare.html)
  saddle serve <run-dir> [--port N]               the latent-space explorer on localhost (default
                                                  port 8080): decode codes in the browser
  saddle sweep <zoo-id | spec.json> [--seeds 1,2,3] [--grid key=v1,v2 ...] [--steps N | --epochs N]
               [--eval metric,...] [--eval-samples N] [--rank column[:min|:max]] [--out DIR]
               [--workers N] [--threads N] [--queue redis://host:port] [--data ...]
               [--batch-size N] [--backend ...] [--validation N] [--checkpoint-every N|Ns|Nm]
                                                  one run per seed and grid combination (each an
                                                  ordinary run directory in DIR/runs/), then mean ±
                                                  s.e. over seeds per combination (DIR/results.jsonl);
                                                  a local pool of child processes, or a Redis queue;
                                                  the same command again continues the sweep
  saddle sweep --status --out DIR                 each run queued, running, done or failed
  saddle worker --queue redis://host:port [--concurrency N] [--threads N] [--lock-seconds N]
                                                  take sweep runs from the queue until stopped
`;

const zooCommand: Command = async (args) => {
  parse('zoo', args, {});
  const idWidth = Math.max(...entries.map((e) => e.id.length));
  const paperWidth = Math.max(...entries.map((e) => e.paper.length));
  for (const e of entries) {
    process.stdout.write(`${e.id.padEnd(idWidth)}  ${e.paper.padEnd(paperWidth)}  ${e.summary}\n`);
  }
  return 0;
};

const setOption = { set: { type: 'string', multiple: true } } as const;

const specCommand: Command = async (args) => {
  const parsed = parse('spec', args, setOption);
  const [id = ''] = positionals('spec', parsed, ['zoo-id']);
  const { model } = resolveModel('spec', id, strings(parsed.values['set']));
  process.stdout.write(`${JSON.stringify(encodeModel(model), null, 2)}\n`);
  return 0;
};

const explainCommand: Command = async (args) => {
  const parsed = parse('explain', args, setOption);
  const [arg = ''] = positionals('explain', parsed, ['zoo-id | spec.json']);
  const { model } = resolveModel('explain', arg, strings(parsed.values['set']));
  const plan = compile(model);
  if (E.isLeft(plan)) throw compileFailure(`model '${model.name}'`, plan.left);
  process.stdout.write(`${explain(plan.right)}\n`);
  return 0;
};

export const commands: Readonly<Record<string, Command>> = {
  zoo: zooCommand,
  spec: specCommand,
  schema: schemaCommand,
  explain: explainCommand,
  train: trainCommand,
  sample: sampleCommand,
  eval: evalCommand,
  report: reportCommand,
  serve: serveCommand,
  sweep: sweepCommand,
  worker: workerCommand,
};
