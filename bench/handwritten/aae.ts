/**
 * The paper AAE trained by hand in tfjs: the baseline saddle's `aae` zoo entry is measured against.
 *
 * Same networks (784-1000-1000-8 encoder, 8-1000-1000-784 sigmoid decoder, 8-1000-1000-1 critic),
 * same three phases per iteration on one batch (reconstruction: encoder + decoder on BCE; critic:
 * softplus log-loss on prior codes vs encoded codes; generator: encoder on the non-saturating loss),
 * same optimizers (Adam 1e-3; Adam 2e-4, β₁ 0.5 for the game).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { HandwrittenModel, OptimizerFactory } from './model.js';
import { bce, forward, gaussianBatch, mlp, seeded } from './mlp.js';

export const handwrittenAae = (makeOptimizer: OptimizerFactory, seed: number): HandwrittenModel => {
  const encoder = mlp('hw-aae-encoder', [784, 1000, 1000, 8], 'linear', seed);
  const decoder = mlp('hw-aae-decoder', [8, 1000, 1000, 784], 'sigmoid', seed + 1);
  const critic = mlp('hw-aae-critic', [8, 1000, 1000, 1], 'linear', seed + 2);
  const reconstruction = makeOptimizer({
    kind: 'adam',
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  });
  const criticOpt = makeOptimizer({
    kind: 'adam',
    learningRate: 2e-4,
    beta1: 0.5,
    beta2: 0.999,
    epsilon: 1e-7,
  });
  const generatorOpt = makeOptimizer({
    kind: 'adam',
    learningRate: 2e-4,
    beta1: 0.5,
    beta2: 0.999,
    epsilon: 1e-7,
  });
  const uniform = seeded(seed + 3);
  const autoencoderVars = [...encoder.variables, ...decoder.variables];

  return {
    step: (x) => {
      const prior = gaussianBatch(x.shape[0], 8, uniform);
      const losses = [
        tf.tidy(
          () =>
            reconstruction.minimize(
              () => bce(x, forward(decoder, forward(encoder, x))),
              true,
              autoencoderVars,
            ) as tf.Scalar,
        ),
        tf.tidy(
          () =>
            criticOpt.minimize(
              () => {
                const real = forward(critic, prior);
                const fake = forward(critic, forward(encoder, x));
                return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar;
              },
              true,
              [...critic.variables],
            ) as tf.Scalar,
        ),
        tf.tidy(
          () =>
            generatorOpt.minimize(
              () => tf.mean(tf.softplus(tf.neg(forward(critic, forward(encoder, x))))) as tf.Scalar,
              true,
              [...encoder.variables],
            ) as tf.Scalar,
        ),
      ];
      prior.dispose();
      return losses;
    },
    dispose: () => {
      tf.dispose([...autoencoderVars, ...critic.variables]);
      [reconstruction, criticOpt, generatorOpt].forEach((o) => o.dispose());
    },
  };
};
