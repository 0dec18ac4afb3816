/**
 * Samplers: one batch from each `PlanDist`, generated in JS from a seeded `Draws` and uploaded once.
 *
 * Priors are small (a batch × a latent width), so JS generation is as fast as any kernel and makes
 * draws identical on every backend. Each sampler follows the definition its DSL constructor
 * documents (`src/dsl/dist.ts`); their moments are tested against `distMoments`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { PlanDist } from '../compile/plan.js';
import { leafDistWidth } from '../dsl/dist.js';
import type { Draws } from './draws.js';

/** Width of one draw of a lowered distribution: a plan's distributions are the language's leaves. */
export const planDistWidth = (dist: PlanDist): number => leafDistWidth(dist);

/** Index drawn from a discrete distribution by inverse CDF (the last index absorbs rounding). */
const pick = (weights: readonly number[], u: number): number => {
  let acc = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    acc += weights[i] ?? 0;
    if (u < acc) return i;
  }
  return weights.length - 1;
};

/**
 * `rows` draws of `dist` as a `[rows, width]` float32 array, row-major. Exposed separately from
 * `sampleDist` so moments can be checked without a backend.
 */
export const sampleValues = (dist: PlanDist, rows: number, draws: Draws): Float32Array => {
  const width = planDistWidth(dist);
  const out = new Float32Array(rows * width);
  match(dist)
    .with({ kind: 'gaussian' }, (d) => {
      for (let i = 0; i < out.length; i++) out[i] = d.mean + d.std * draws.normal();
    })
    .with({ kind: 'uniform' }, (d) => {
      const span = d.high - d.low;
      for (let i = 0; i < out.length; i++) out[i] = d.low + span * draws.uniform();
    })
    .with({ kind: 'categorical' }, (d) => {
      for (let r = 0; r < rows; r++) out[r * width + pick(d.probs, draws.uniform())] = 1;
    })
    .with({ kind: 'gaussianMixture' }, (d) => {
      const weights = d.components.map((c) => c.weight);
      const eps = new Float64Array(width);
      for (let r = 0; r < rows; r++) {
        const c = d.components[pick(weights, draws.uniform())];
        if (c === undefined) continue;
        for (let k = 0; k < width; k++) eps[k] = draws.normal();
        // mean + scale · ε, scale given as rows.
        for (let j = 0; j < width; j++) {
          const row = c.scale[j] ?? [];
          let v = c.mean[j] ?? 0;
          for (let k = 0; k < width; k++) v += (row[k] ?? 0) * (eps[k] ?? 0);
          out[r * width + j] = v;
        }
      }
    })
    .with({ kind: 'swissRoll' }, (d) => {
      for (let r = 0; r < rows; r++) {
        const s = Math.sqrt(draws.uniform());
        const theta = 2 * Math.PI * d.turns * s;
        out[r * 2] = d.radius * s * Math.cos(theta) + d.noise * draws.normal();
        out[r * 2 + 1] = d.radius * s * Math.sin(theta) + d.noise * draws.normal();
      }
    })
    .exhaustive();
  return out;
};

/** `rows` draws of `dist` as a `[rows, width]` tensor. */
export const sampleDist = (dist: PlanDist, rows: number, draws: Draws): tf.Tensor2D =>
  tf.tensor2d(sampleValues(dist, rows, draws), [rows, planDistWidth(dist)]);

/** `[rows, width]` standard-normal noise (the ε of reparameterized codes). */
export const standardNormal = (rows: number, width: number, draws: Draws): tf.Tensor2D => {
  const out = new Float32Array(rows * width);
  for (let i = 0; i < out.length; i++) out[i] = draws.normal();
  return tf.tensor2d(out, [rows, width]);
};
