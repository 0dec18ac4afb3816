/**
 * Taking a zoo entry and making it yours: change its options, then rewrite the model it builds —
 * a model is plain data, so adding a phase is building a new record — compile and train.
 *
 * Here the paper AAE (`saddle/zoo/aae`) gets a 2-D code with the paper's ten-petal mixture prior,
 * narrower nets and a faster reconstruction rate, is built for 9 × 9 images instead of MNIST, and
 * gains a fourth phase: an MMD penalty pulling the codes toward the prior, written with the
 * model's own `encode` and `prior` view expressions.
 *
 *     npx tsx examples/tweak-zoo-entry.ts
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { adam, compile, explain, formatErrors, mmd, phase, planPhases, scale, type Model } from 'saddle';
import { tinyDigits } from 'saddle/data';
import { createTrainer, selectBackend, type BackendChoice, type LossRecord } from 'saddle/runtime';
import { aae, buildAae, type AaeOptions } from 'saddle/zoo/aae';

export interface TweakZooEntryOptions {
  readonly steps?: number;
  /** Width of the AAE's hidden layers (the paper's is 1000). */
  readonly hidden?: number;
  /** Weight of the added MMD phase. */
  readonly mmdWeight?: number;
  readonly seed?: number;
  readonly backend?: BackendChoice;
  readonly log?: (line: string) => void;
}

export interface TweakZooEntryResult {
  readonly model: Model;
  /** The compiled schedule's phase names, in order. */
  readonly phases: readonly string[];
  readonly history: readonly LossRecord[];
}

/** The AAE entry with new options, built for `side × side` images, plus an MMD phase. */
export const tweakedAae = (hidden: number, mmdWeight: number, side: number): Model => {
  // #region options
  // Options are typed (and `saddle train aae --set latent=2` sets the same ones from the shell).
  const options: AaeOptions = {
    ...aae.defaults,
    latent: 2,
    prior: 'mixture10',
    hidden,
    reconstructionLr: 3e-3,
  };
  // Each entry's builder also takes the data declaration; `aae.build(options)` means MNIST.
  const base = buildAae(options, { x: [side * side], classes: 10 });
  // #endregion options

  // #region rewrite
  // The model is data: reuse its view expressions (codes and prior draws) in a new loss, and
  // append a phase to its schedule. Same nets, same sample site, so no new weights or draws.
  const { encode, prior } = base.views;
  if (encode === undefined || prior === undefined)
    throw new Error("the AAE entry has 'encode' and 'prior' views");
  return {
    ...base,
    name: 'aae-plus-mmd',
    schedule: [
      ...base.schedule,
      phase('mmd', {
        minimize: scale(mmdWeight, mmd(encode, prior, [0.5, 1, 2])),
        update: ['encoder'],
        optimizer: adam(1e-3),
      }),
    ],
  };
  // #endregion rewrite
};

/** Build, compile, explain and train the tweaked AAE on tiny digit images. */
export const main = async (options: TweakZooEntryOptions = {}): Promise<TweakZooEntryResult> => {
  const {
    steps = 1000,
    hidden = 128,
    mmdWeight = 1,
    seed = 0,
    backend = 'auto',
    log = console.log,
  } = options;
  const side = 9;
  const model = tweakedAae(hidden, mmdWeight, side);
  const compiled = compile(model);
  if (E.isLeft(compiled))
    throw new Error(`the tweaked model does not compile:\n${formatErrors(compiled.left)}`);
  const plan = compiled.right;
  log(explain(plan));

  log((await selectBackend(backend)).banner);
  const trainer = createTrainer({
    plan,
    data: tinyDigits(1000, { seed, side }),
    batchSize: aae.batchSize,
    seed,
  });
  const history: LossRecord[] = [];
  const every = Math.max(1, Math.floor(steps / 10));
  for (let i = 1; i <= steps; i++) {
    trainer.step();
    if (i % every === 0 || i === steps) {
      const records = await trainer.readLosses();
      history.push(...records);
      const last = records[records.length - 1];
      if (last !== undefined) {
        const losses = Object.entries(last.losses).map(([name, v]) => `${name} ${v.toPrecision(3)}`);
        log(`iteration ${String(last.iteration).padStart(5)}  ${losses.join('  ')}`);
      }
    }
  }
  trainer.dispose();
  return {
    model,
    phases: planPhases(plan).map((p) => p.name),
    history,
  };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
