/**
 * Authoring a model in code: declare nets, a prior, a game, a reconstruction term and the phases
 * that play them with saddle's combinators; compile; print the plan; train it on a small 2-D data
 * set and print the losses.
 *
 * The model is an adversarial autoencoder (Makhzani et al. 2015) shrunk to 2-D data: points on a
 * ring of eight Gaussian modes are encoded to 2-D codes, a critic tells those codes from N(0, I)
 * draws, and the encoder learns to fool it while still reconstructing its input.
 *
 *     npx tsx examples/author-in-code.ts
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
  explain,
  formatErrors,
  ganGame,
  gaussian,
  input,
  mlp,
  model,
  net,
  phase,
  reconstruction,
  sample,
  type Model,
} from 'saddle';
import { ring } from 'saddle/data';
import { createTrainer, selectBackend, type BackendChoice, type LossRecord } from 'saddle/runtime';

/** What `main` can be asked to do; every field has a default that shows the model learning. */
export interface AuthorInCodeOptions {
  /** Training iterations (each runs the three phases once). */
  readonly steps?: number;
  /** Read and print the losses every this many iterations. */
  readonly every?: number;
  /** Width of every hidden layer. */
  readonly hidden?: number;
  /** One seed for the data, the initial weights and every draw. */
  readonly seed?: number;
  readonly backend?: BackendChoice;
  /** Where progress lines go (tests pass a collector). */
  readonly log?: (line: string) => void;
}

/** What the run produced, for a caller (or a test) to check. */
export interface AuthorInCodeResult {
  /** `explain`'s description of the compiled plan. */
  readonly explanation: string;
  /** Every loss record read during training, oldest first. */
  readonly history: readonly LossRecord[];
}

/**
 * The model, declared with combinators. A function of the hidden width so the test can shrink it;
 * everything else is fixed here, in one place a reader can take in at once.
 */
export const ringAae = (hidden: number): Model => {
  // #region declare
  // Nets are named, typed by the spaces they map between, and share weights wherever applied.
  const encoder = net<'data', 'code'>('encoder', mlp([hidden, hidden, 2]));
  const decoder = net<'code', 'data'>('decoder', mlp([hidden, hidden, 2]));
  const discriminator = critic<'code'>('discriminator', mlp([hidden, hidden, 1]));

  const x = input(); // the phase's data batch
  const z = apply(encoder, x); // its codes
  const zPrior = sample('prior', gaussian(2)); // draws from the prior the codes should match

  // A game hands out both players' losses, so the sign of an adversarial update is never
  // written by hand: `gan.critic` for the discriminator, `gan.generator` for the encoder.
  const gan = ganGame(discriminator, { real: zPrior, fake: z });
  // #endregion declare

  // #region schedule
  // One iteration runs these phases in order; each updates exactly the nets it names.
  return model('ring-aae', {
    data: { x: [2], classes: 8 },
    nets: [encoder, decoder, discriminator],
    schedule: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, z), 'mse'),
        update: [encoder, decoder],
        optimizer: adam(1e-2),
      }),
      phase('critic', {
        minimize: gan.critic,
        update: [discriminator],
        optimizer: adam(5e-3, { beta1: 0.5 }),
      }),
      phase('generator', {
        minimize: gan.generator,
        update: [encoder],
        optimizer: adam(5e-3, { beta1: 0.5 }),
      }),
    ],
    views: { encode: z, prior: zPrior, sample: apply(decoder, zPrior), reconstruct: apply(decoder, z) },
  });
  // #endregion schedule
};

/** Format one loss record as a line: `iteration 200  reconstruction 0.0412  critic 1.37 ...`. */
const lossLine = (record: LossRecord): string =>
  [
    `iteration ${String(record.iteration).padStart(5)}`,
    ...Object.entries(record.losses).map(([phaseName, value]) => `${phaseName} ${value.toPrecision(3)}`),
  ].join('  ');

/** Declare, compile, explain and train the ring AAE; see the module comment. */
export const main = async (options: AuthorInCodeOptions = {}): Promise<AuthorInCodeResult> => {
  const { steps = 1500, every = 100, hidden = 64, seed = 0, backend = 'auto', log = console.log } = options;

  // #region compile
  // The compiler checks what the types cannot see (widths, names, who may minimize which view)
  // and returns every mistake at once, each with its path in the model.
  const compiled = compile(ringAae(hidden));
  if (E.isLeft(compiled)) throw new Error(`the model does not compile:\n${formatErrors(compiled.left)}`);
  const plan = compiled.right;
  const explanation = explain(plan);
  log(explanation);
  // #endregion compile

  // #region train
  log((await selectBackend(backend)).banner);
  const trainer = createTrainer({ plan, data: ring(2000, { seed }), batchSize: 100, seed });
  const history: LossRecord[] = [];
  for (let i = 1; i <= steps; i++) {
    trainer.step(); // never waits for the backend...
    if (i % every === 0 || i === steps) {
      const records = await trainer.readLosses(); // ...this reads every buffered loss at once
      history.push(...records);
      const last = records[records.length - 1];
      if (last !== undefined) log(lossLine(last));
    }
  }
  trainer.dispose();
  // #endregion train
  return { explanation, history };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
