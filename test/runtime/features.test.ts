/**
 * Math properties of the two new terms, on the cpu backend:
 *
 * - `features(net, x, k)` as compiled and executed equals the truncated net — a net declared with
 *   only the first k layers, lowered on its own and run with the same variables — for random MLPs
 *   (fused activations, batch norm, dropout) and every cut the compiler accepts;
 * - the negated mutual-information bound `CE(q, s) − H(s)` is `−H(s)` when q recovers s, `0` when
 *   q predicts the prior (exactly, on batches with the prior's frequencies), never below `−H(s)`,
 *   and the executor's op computes it from the entropy the compiler put in the plan.
 */
import { fc, test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoricalEntropy } from '../../src/compile/lower.js';
import { lowerNet } from '../../src/compile/shapes.js';
import type { Layer, NetDecl } from '../../src/dsl/ast.js';
import {
  adam,
  apply,
  batchNorm,
  categorical,
  dense,
  dropout,
  elu,
  features,
  gaussian,
  input,
  leakyRelu,
  model,
  mutualInformation,
  net,
  phase,
  reconstruction,
  relu,
  sample,
  sigmoid,
  tanh,
} from '../../src/dsl/index.js';
import { createDraws } from '../../src/runtime/draws.js';
import { compileProgram } from '../../src/runtime/execute.js';
import { negativeMutualInformationBound } from '../../src/runtime/losses.js';
import { compileNet, compileNets, createVariables } from '../../src/runtime/nets.js';
import { validCuts } from '../arbitraries/wellformed.js';
import { planOf } from '../compile/fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A seeded uniform source for parameter init (mulberry32 through the draws). */
const uniformFrom = (seed: number): (() => number) => createDraws(seed).uniform;

// -------------------------------------------------------------------------------------------------
// features = the truncated net
// -------------------------------------------------------------------------------------------------

const arbLayers: fc.Arbitrary<Layer[]> = fc
  .array(
    fc.record({
      units: fc.integer({ min: 1, max: 6 }),
      norm: fc.boolean(),
      activation: fc.constantFrom(relu, tanh, elu, sigmoid, leakyRelu(0.3), null),
      drop: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((blocks) =>
    blocks.flatMap((b) => [
      dense(b.units),
      ...(b.activation === null ? [] : [b.activation]),
      ...(b.norm ? [batchNorm()] : []),
      ...(b.drop ? [dropout(0.2)] : []),
    ]),
  );

describe('features', () => {
  test.prop([arbLayers, fc.integer({ min: 1, max: 5 }), fc.nat(), fc.integer({ min: 0, max: 1000 })], {
    numRuns: 40,
  })(
    'equals applying the truncated net (same weights), at every accepted cut',
    (layers, width, pick, seed) => {
      const cuts = validCuts(layers);
      const k = cuts[pick % cuts.length] ?? layers.length;
      const decl: NetDecl = net('body', layers);
      const out = lowerNet(decl, 'nets[0]', [width]);
      if (!out.ok) throw new Error('the body does not lower');
      const x = input();
      const plan = planOf(
        model('features', {
          data: { x: [width], classes: 2 },
          nets: [decl],
          schedule: [
            phase('fit', {
              minimize: reconstruction(
                sample('t', gaussian(out.net.outShape[0] ?? 1)),
                apply(decl, x),
                'mse',
              ),
              update: [decl],
              optimizer: adam(1e-3),
            }),
          ],
          views: { encode: features(decl, x, k) },
        }),
      );
      const variables = createVariables(plan.nets, uniformFrom(seed));
      const program = plan.views.encode;
      if (program === undefined) throw new Error('no encode view');
      const mode = { training: false, updates: new Set<string>(), where: "view 'encode'" };
      const truncated = lowerNet({ ...decl, layers: layers.slice(0, k) }, 'nets[0]', [width]);
      if (!truncated.ok) throw new Error('the truncated body does not lower');
      const batch = tf.tidy(() => tf.randomNormal([7, width], 0, 1, 'float32', seed));
      const [got, want] = tf.tidy(() => {
        const values = compileProgram(
          program,
          compileNets(plan.nets, variables),
          mode,
        )({
          batch: { x: batch, labels: null, rows: 7 },
          draws: createDraws(1),
        });
        const context = { training: false, updateStatistics: false, draws: createDraws(1) };
        return [
          Array.from((values[program.output] as tf.Tensor).dataSync()),
          Array.from(compileNet(truncated.net, variables)(batch, context).dataSync()),
        ];
      });
      batch.dispose();
      for (const v of variables.values()) v.dispose();
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i] ?? Number.NaN, 5));
    },
  );
});

// -------------------------------------------------------------------------------------------------
// the mutual-information bound
// -------------------------------------------------------------------------------------------------

/** Class counts (each ≥ 1) and their frequencies as probabilities. */
const arbCounts = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 });

const oneHotRows = (counts: readonly number[]): number[][] =>
  counts.flatMap((n, c) => Array.from({ length: n }, () => counts.map((_, j) => (j === c ? 1 : 0))));

const bound = (probs: number[][], code: number[][], entropy: number): number =>
  tf.tidy(
    () => negativeMutualInformationBound(tf.tensor2d(probs), tf.tensor2d(code), entropy).dataSync()[0] ?? NaN,
  );

describe('the negated mutual-information bound', () => {
  test.prop([arbCounts], { numRuns: 60 })('is −H(s) when q recovers s exactly', (counts) => {
    const total = counts.reduce((a, n) => a + n, 0);
    const h = categoricalEntropy(counts.map((n) => n / total));
    const s = oneHotRows(counts);
    expect(bound(s, s, h)).toBeCloseTo(-h, 5);
  });

  test.prop([arbCounts], { numRuns: 60 })(
    'is 0 when q predicts the prior (on a batch with its frequencies)',
    (counts) => {
      const total = counts.reduce((a, n) => a + n, 0);
      const prior = counts.map((n) => n / total);
      const s = oneHotRows(counts);
      expect(
        bound(
          s.map(() => prior),
          s,
          categoricalEntropy(prior),
        ),
      ).toBeCloseTo(0, 5);
    },
  );

  test.prop(
    [
      arbCounts.chain((counts) =>
        fc.tuple(
          fc.constant(counts),
          fc.array(
            fc.array(fc.double({ min: -4, max: 4, noNaN: true }), {
              minLength: counts.length,
              maxLength: counts.length,
            }),
            { minLength: counts.reduce((a, n) => a + n, 0), maxLength: counts.reduce((a, n) => a + n, 0) },
          ),
        ),
      ),
    ],
    { numRuns: 60 },
  )('never goes below −H(s): the bound never exceeds the entropy', ([counts, logits]) => {
    const total = counts.reduce((a, n) => a + n, 0);
    const h = categoricalEntropy(counts.map((n) => n / total));
    const probs = logits.map((row) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const z = e.reduce((a, v) => a + v, 0);
      return e.map((v) => v / z);
    });
    expect(bound(probs, oneHotRows(counts), h)).toBeGreaterThanOrEqual(-h - 1e-5);
  });

  it('the executor computes it from the entropy the compiler put in the plan', () => {
    const q = net('q', [dense(3), { kind: 'activation', fn: 'softmax' }]);
    const s = sample<'label'>('s', categorical([0.2, 0.3, 0.5]));
    const plan = planOf(
      model('info', {
        data: { x: [3], classes: 3 },
        nets: [q],
        schedule: [
          phase('info', { minimize: mutualInformation(apply(q, s), s), update: [q], optimizer: adam(1e-3) }),
        ],
      }),
    );
    const program = plan.schedule[0]?.kind === 'phase' ? plan.schedule[0].phase.program : undefined;
    if (program === undefined) throw new Error('no phase');
    const variables = createVariables(plan.nets, uniformFrom(5));
    const mode = { training: true, updates: new Set<string>(), where: "phase 'info'" };
    const [value, probs, code] = tf.tidy(() => {
      const values = compileProgram(
        program,
        compileNets(plan.nets, variables),
        mode,
      )({
        batch: { x: null, labels: null, rows: 16 },
        draws: createDraws(9),
      });
      const at = (kind: string) => values[program.instrs.findIndex((i) => i.op.kind === kind)] as tf.Tensor;
      return [
        (values[program.output] as tf.Tensor).dataSync()[0] ?? NaN,
        at('apply').arraySync() as number[][],
        at('sample').arraySync() as number[][],
      ];
    });
    for (const v of variables.values()) v.dispose();
    const h = categoricalEntropy([0.2, 0.3, 0.5]);
    const ce =
      -code.reduce((a, row, i) => a + row.reduce((b, t, j) => b + t * Math.log(probs[i]?.[j] ?? 1), 0), 0) /
      16;
    expect(value).toBeCloseTo(ce - h, 4);
  });
});
