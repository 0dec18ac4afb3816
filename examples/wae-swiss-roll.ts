/**
 * The guide's worked example (docs/guide.md): a Wasserstein autoencoder (WAE-GAN, Tolstikhin,
 * Bousquet, Gelly & Schölkopf 2018, Algorithm 1) whose 2-D codes must fill a swiss roll.
 *
 * What makes it a WAE rather than the zoo's AAE: the encoder and decoder take *one* step on the sum
 * `c(x, G(Q(x))) + λ · D_Z(q(z), p(z))`, so λ really trades reconstruction against fitting the
 * prior (in the AAE's three separately-optimized phases it cannot), the cost `c` is the squared
 * error of the WAE paper, and the critic is a GAN discriminator on codes (the paper's `D_Z`).
 *
 * Run it: `npx tsx examples/wae-swiss-roll.ts` prints the compiled plan, shows the compiler catching a
 * sign mistake, and writes the spec file that `npx saddle train` trains (see the guide).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
// #region imports
import {
  adam,
  apply,
  compile,
  critic,
  encodeModel,
  explain,
  formatErrors,
  ganGame,
  input,
  mlp,
  mnist,
  model,
  net,
  phase,
  reconstruction,
  sample,
  scale,
  seq,
  sigmoid,
  simultaneous,
  sum,
  swissRoll,
  type DataDecl,
  type Model,
  type Phase,
  type Plan,
} from 'saddle';
// #endregion imports

/** The knobs of the example; `waeDefaults` are what the guide trains. */
export interface WaeOptions {
  /** Width of the two hidden layers of every net. */
  readonly hidden: number;
  /** λ: how much fitting the prior weighs against reconstruction (the WAE paper uses 10 on MNIST). */
  readonly lambda: number;
  /** Critic steps per encoder/decoder step. */
  readonly criticSteps: number;
  /** Take both players' gradients at the same parameters instead of one after the other. */
  readonly simultaneous: boolean;
  readonly learningRate: number;
  /** What one training example is: MNIST by default, anything flat for a quick test. */
  readonly data: DataDecl;
}

export const waeDefaults: WaeOptions = {
  hidden: 512,
  lambda: 10,
  criticSteps: 1,
  simultaneous: false,
  learningRate: 1e-3,
  data: mnist,
};

/** The WAE-GAN with a swiss-roll prior, as a saddle model. */
export const buildWae = (options: Partial<WaeOptions> = {}): Model => {
  const o = { ...waeDefaults, ...options };
  const pixels = o.data.x.reduce((a, b) => a * b, 1);

  // #region nets
  // Nets are named layer lists; the type parameters say which space each maps between.
  const encoder = net<'data', 'code'>('encoder', mlp([o.hidden, o.hidden, 2]));
  const decoder = net<'code', 'data'>('decoder', seq(mlp([o.hidden, o.hidden, pixels]), sigmoid));
  const discriminator = critic<'code'>('critic', mlp([o.hidden, o.hidden, 1]));
  // #endregion nets

  // #region prior
  // The prior the codes must fill: a 2-D swiss roll (two turns, radius 3) with a little noise,
  // so it has an inside for the codes to land in rather than a curve of zero width.
  const roll = swissRoll({ turns: 2, radius: 3, noise: 0.15 });
  const x = input();
  const z = apply(encoder, x);
  const zPrior = sample('prior', roll);
  // #endregion prior

  // #region game
  // The code critic tells prior draws (real) from codes (fake). A game returns both of its views:
  // `gan.critic` is what the critic minimizes, `gan.generator` what the encoder minimizes.
  const gan = ganGame(discriminator, { real: zPrior, fake: z });
  // #endregion game

  // #region loss
  // WAE's objective for the encoder and decoder: squared error plus λ times the encoder's side of
  // the game, in one loss, so λ weighs one against the other.
  const cost = reconstruction(x, apply(decoder, z), 'mse');
  const autoencoderLoss = sum(cost, scale(o.lambda, gan.generator));
  // #endregion loss

  // #region phases
  // One player's move per phase: a loss, the nets it moves, an optimizer. `repeat` sets the
  // step ratio; `simultaneous(...)` takes both gradients before applying either.
  const autoencoder = phase('autoencoder', {
    minimize: autoencoderLoss,
    update: [encoder, decoder],
    optimizer: adam(o.learningRate),
  });
  const criticPhase = phase('critic', {
    minimize: scale(o.lambda, gan.critic),
    update: [discriminator],
    optimizer: adam(o.learningRate, { beta1: 0.5 }),
    repeat: o.criticSteps,
  });
  const schedule = o.simultaneous ? [simultaneous(autoencoder, criticPhase)] : [criticPhase, autoencoder];
  // #endregion phases

  // #region model
  return model('wae-swiss-roll', {
    data: o.data,
    nets: [encoder, decoder, discriminator],
    schedule,
    // Views are what pictures, `saddle sample` and `saddle eval` read from a trained model.
    views: {
      sample: apply(decoder, zPrior),
      encode: z,
      prior: zPrior,
      reconstruct: apply(decoder, z),
    },
  });
  // #endregion model
};

/** A mistake the compiler catches: the critic's phase also moves the encoder (see the guide). */
export const mistakenWae = (wae: Model): Model => {
  // #region mistake
  // A model is plain data, so a variant is an ordinary object edit. Here the critic's phase
  // also updates the encoder, which would teach the encoder to help the critic.
  const [criticStep, autoencoderStep] = wae.schedule as readonly Phase[];
  const mistaken: Model = {
    ...wae,
    schedule: [{ ...criticStep!, update: ['critic', 'encoder'] }, autoencoderStep!],
  };
  // #endregion mistake
  return mistaken;
};

export interface MainOptions {
  /** Where to write the spec file. */
  readonly spec?: string;
  readonly wae?: Partial<WaeOptions>;
  /** Where the program's text goes (the console by default). */
  readonly log?: (line: string) => void;
}

export interface MainResult {
  readonly model: Model;
  readonly plan: Plan;
  readonly spec: string;
  /** What the compiler said about the mistaken variant. */
  readonly mistakeErrors: string;
}

export const main = (options: MainOptions = {}): MainResult => {
  const log = options.log ?? ((line: string) => console.log(line));
  const specFile = options.spec ?? 'runs/wae-swiss-roll/wae.json';
  const wae = buildWae(options.wae);

  // #region compile
  // Compiling checks every name, width, range and game sign at once, and returns either all the
  // errors (with paths into the model) or the Plan the runtime executes.
  const compiled = compile(wae);
  if (E.isLeft(compiled)) throw new Error(formatErrors(compiled.left));
  log(explain(compiled.right));
  // #endregion compile

  const wrong = compile(mistakenWae(wae));
  const mistakeErrors = E.isLeft(wrong) ? formatErrors(wrong.left) : '';
  log(`\nthe mistaken variant does not compile:\n${mistakeErrors}`);

  // #region save
  // A spec file is the model as JSON: `saddle train` reads it, and so can any other program.
  mkdirSync(dirname(specFile), { recursive: true });
  writeFileSync(specFile, `${JSON.stringify(encodeModel(wae), null, 2)}\n`);
  log(`\nwrote ${specFile}; train it with: npx saddle train ${specFile} --epochs 12`);
  // #endregion save

  return { model: wae, plan: compiled.right, spec: specFile, mistakeErrors };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
