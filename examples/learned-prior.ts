/**
 * A learned prior: `pushforward(base, net)` is the distribution of `net(ε)` for `ε ~ base`, so the
 * prior itself has weights a phase can train — the code generator of LP-AAE (Wang et al. 2018).
 *
 * An autoencoder learns 2-D codes of ring-shaped data; a code generator, fed N(0, I) noise, plays a
 * GAN against a code critic until its draws look like the encoder's codes. The prior starts as a
 * blob near the origin wherever the initial weights put it; the example prints the mean and
 * spread of its draws beside the codes' before and after training, and the decoded prior draws
 * (new data) end up on the ring.
 *
 *     npx tsx examples/learned-prior.ts
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import {
  adam,
  apply,
  compile,
  critic,
  formatErrors,
  ganGame,
  gaussian,
  input,
  mlp,
  model,
  net,
  phase,
  pushforward,
  reconstruction,
  sample,
  type Model,
} from 'saddle';
import { ring } from 'saddle/data';
import { createTrainer, selectBackend, type BackendChoice } from 'saddle/runtime';

export interface LearnedPriorOptions {
  readonly steps?: number;
  readonly hidden?: number;
  readonly seed?: number;
  readonly backend?: BackendChoice;
  readonly log?: (line: string) => void;
}

/** Per-coordinate mean and standard deviation of a set of 2-D points. */
export interface Moments {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** The prior's and the codes' moments at one moment of training. */
export interface Snapshot {
  readonly prior: Moments;
  readonly codes: Moments;
  /** Mean distance from the origin of decoded prior draws (the data's ring has radius 2). */
  readonly sampleRadius: number;
}

export interface LearnedPriorResult {
  readonly before: Snapshot;
  readonly after: Snapshot;
}

/** An autoencoder whose prior is a code generator applied to N(0, I) noise, trained adversarially. */
export const learnedPriorModel = (hidden: number): Model => {
  const encoder = net<'data', 'code'>('encoder', mlp([hidden, hidden, 2]));
  const decoder = net<'code', 'data'>('decoder', mlp([hidden, hidden, 2]));
  // #region prior
  // The prior: codes made by a net from simple noise. Its weights are the prior's parameters.
  const codeGenerator = net<'code', 'code'>('codeGenerator', mlp([hidden, hidden, 2]));
  const zPrior = sample('prior', pushforward(gaussian(2), codeGenerator));
  // #endregion prior
  const codeCritic = critic<'code'>('codeCritic', mlp([hidden, hidden, 1]));

  const x = input();
  const z = apply(encoder, x);
  // #region game
  // The encoder's codes are the "real" side and the generator's draws the "fake" one: the
  // generator view moves the prior toward the codes (not the codes toward a fixed prior).
  const game = ganGame(codeCritic, { real: z, fake: zPrior });
  return model('learned-prior', {
    data: { x: [2], classes: 8 },
    nets: [encoder, decoder, codeGenerator, codeCritic],
    schedule: [
      phase('autoencoder', {
        minimize: reconstruction(x, apply(decoder, z), 'mse'),
        update: [encoder, decoder],
        optimizer: adam(1e-2),
      }),
      phase('codeCritic', {
        minimize: game.critic,
        update: [codeCritic],
        optimizer: adam(5e-3, { beta1: 0.5 }),
      }),
      phase('prior', {
        minimize: game.generator,
        update: [codeGenerator],
        optimizer: adam(5e-3, { beta1: 0.5 }),
      }),
    ],
    views: { encode: z, prior: zPrior, sample: apply(decoder, zPrior) },
  });
  // #endregion game
};

/** Mean and standard deviation of each of the `dim` coordinates of row-major `points`. */
export const moments = (points: Float32Array, dim: number): Moments => {
  const n = points.length / dim;
  const mean = Array.from({ length: dim }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += points[i * dim + j] ?? 0;
    return s / n;
  });
  const std = mean.map((m, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += ((points[i * dim + j] ?? 0) - m) ** 2;
    return Math.sqrt(s / n);
  });
  return { mean, std };
};

/** How far apart two sets of moments are: the largest difference of a mean or a spread. */
export const momentGap = (a: Moments, b: Moments): number =>
  Math.max(
    ...[...a.mean.map((m, j) => m - (b.mean[j] ?? 0)), ...a.std.map((s, j) => s - (b.std[j] ?? 0))].map(
      Math.abs,
    ),
  );

const momentsText = (m: Moments): string =>
  `mean (${m.mean.map((v) => v.toFixed(2)).join(', ')})  std (${m.std.map((v) => v.toFixed(2)).join(', ')})`;

/** Train the autoencoder and its learned prior; return the moments before and after. */
export const main = async (options: LearnedPriorOptions = {}): Promise<LearnedPriorResult> => {
  const { steps = 2000, hidden = 64, seed = 0, backend = 'auto', log = console.log } = options;
  const compiled = compile(learnedPriorModel(hidden));
  if (E.isLeft(compiled)) throw new Error(`the model does not compile:\n${formatErrors(compiled.left)}`);
  log((await selectBackend(backend)).banner);
  const data = ring(1000, { seed });
  const trainer = createTrainer({ plan: compiled.right, data, batchSize: 100, seed });

  // #region moments
  // The same 1000 prior draws every time (a view seed), and the codes of the whole data set.
  const snapshot = async (): Promise<Snapshot> => {
    const prior = moments(await trainer.readView('prior', undefined, 1000, { seed: 7 }), 2);
    const codes = moments(await trainer.readView('encode', { x: data.x, rows: data.size }), 2);
    const samples = await trainer.readView('sample', undefined, 1000, { seed: 7 });
    let radius = 0;
    for (let i = 0; i < 1000; i++) radius += Math.hypot(samples[2 * i] ?? 0, samples[2 * i + 1] ?? 0) / 1000;
    return { prior, codes, sampleRadius: radius };
  };
  // #endregion moments

  const show = (when: string, s: Snapshot): void => {
    log(`${when}: prior ${momentsText(s.prior)}`);
    log(
      `${' '.repeat(when.length)}  codes ${momentsText(s.codes)}  decoded prior draws: mean radius ${s.sampleRadius.toFixed(2)}`,
    );
  };
  const before = await snapshot();
  show('before', before);
  for (let i = 1; i <= steps; i++) {
    trainer.step();
    if (i % 100 === 0 || i === steps) await trainer.readLosses(); // check for NaN, free the buffer
  }
  const after = await snapshot();
  show(`after ${steps} iterations`, after);
  trainer.dispose();
  return { before, after };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
