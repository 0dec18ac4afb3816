/**
 * Small models and helpers shared by the runtime tests: everything tiny, 2-D, seeded.
 */
import type { Layer, Model, Optimizer } from '../../src/dsl/ast.js';
import {
  adam,
  apply,
  batchNorm,
  critic,
  dense,
  dropout,
  ganGame,
  gaussian,
  input,
  model,
  net,
  phase,
  reconstruction,
  relu,
  sample,
  scale,
  seq,
} from '../../src/dsl/index.js';

/** Compile or fail the test with the compiler's messages. */
export { planOf as compileOrThrow } from '../compile/fixtures.js';

export interface TinyAaeOptions {
  readonly hidden?: number;
  readonly latent?: number;
  readonly encoderLayers?: readonly Layer[];
  readonly reconstructionOptimizer?: Optimizer;
  readonly lambda?: number;
}

/** An AAE on 2-D data: mse reconstruction, a GAN on the code against N(0, I). */
export const tinyAae = (o: TinyAaeOptions = {}): Model => {
  const hidden = o.hidden ?? 16;
  const latent = o.latent ?? 2;
  const encoder = net<'data', 'code'>('encoder', o.encoderLayers ?? seq(dense(hidden), relu, dense(latent)));
  const decoder = net<'code', 'data'>('decoder', seq(dense(hidden), relu, dense(2)));
  const disc = critic<'code'>('discriminator', seq(dense(hidden), relu, dense(1)));
  const x = input();
  const z = apply(encoder, x);
  const zPrior = sample('prior', gaussian(latent));
  const gan = ganGame(disc, { real: zPrior, fake: z });
  return model('tiny-aae', {
    data: { x: [2], classes: 8 },
    nets: [encoder, decoder, disc],
    schedule: [
      phase('reconstruction', {
        minimize: reconstruction(x, apply(decoder, z), 'mse'),
        update: [encoder, decoder],
        optimizer: o.reconstructionOptimizer ?? adam(1e-2),
      }),
      phase('critic', { minimize: gan.critic, update: [disc], optimizer: adam(5e-3, { beta1: 0.5 }) }),
      phase('generator', {
        minimize: scale(o.lambda ?? 1, gan.generator),
        update: [encoder],
        optimizer: adam(5e-3, { beta1: 0.5 }),
      }),
    ],
    views: { sample: apply(decoder, zPrior), encode: z, prior: zPrior, reconstruct: apply(decoder, z) },
  });
};

/** The same AAE with batch norm and dropout in the encoder (state beyond weights to checkpoint). */
export const tinyAaeWithState = (): Model =>
  tinyAae({ encoderLayers: seq(dense(16), batchNorm(), relu, dropout(0.2), dense(2)) });
