/**
 * The compiler on the `features` symbol and the `mutualInformation` loss: declared-layer counts map
 * to lowered (fused) layers, a cut between a dense layer and its activation is refused by path,
 * shapes come from the cut, gradients reach (and the sign rule sees) the net through its features,
 * H(s) is computed from the declared categorical, and both kinds survive the codec round trip.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { compile, explain } from '../../src/compile/index.js';
import { categoricalEntropy } from '../../src/compile/lower.js';
import { planPhases, type Op, type Plan } from '../../src/compile/plan.js';
import type { Model } from '../../src/dsl/ast.js';
import { decodeModel, encodeModel } from '../../src/dsl/codec.js';
import {
  adam,
  apply,
  batchNorm,
  categorical,
  critic,
  dense,
  dropout,
  features,
  gaussian,
  leakyRelu,
  mutualInformation,
  net,
  phase,
  reconstruction,
  relu,
  sample,
  seq,
  softmax,
  sum,
} from '../../src/dsl/index.js';
import {
  decoder,
  disc,
  encoder,
  gan,
  generatorPhase,
  planOf,
  recPhase,
  small,
  x,
  z,
  zPrior,
} from './fixtures.js';

const errorsOf = (m: Model) => {
  const r = compile(m);
  return E.isLeft(r) ? r.left : [];
};

/** The ops of the first phase of a plan. */
const firstOps = (plan: Plan): Op[] => planPhases(plan)[0]?.program.instrs.map((i) => i.op) ?? [];

// A data critic with every kind of layer between the cuts: dense+relu (fused), batchNorm, dropout,
// dense+leakyRelu (fused), dense.
const imageCritic = critic(
  'imageCritic',
  seq(dense(6), relu, batchNorm(), dropout(0.1), dense(5), leakyRelu(0.2), dense(1)),
);

/** The small AAE plus a phase matching features of `imageCritic` between x and its reconstruction. */
const withFeatureLoss = (layers: number): Model => {
  const rec = reconstruction(
    features(imageCritic, x, layers),
    features(imageCritic, apply(decoder, z), layers),
    'mse',
  );
  return small({
    nets: [encoder, decoder, disc, imageCritic],
    schedule: [
      recPhase(sum(reconstruction(x, apply(decoder, z)), rec)),
      phase('critic', { minimize: sum(gan.critic), update: [disc], optimizer: adam(1e-3) }),
      phase('imageCritic', {
        minimize: reconstruction(features(imageCritic, x, 7), sample('one', gaussian(1)), 'mse'),
        update: [imageCritic],
        optimizer: adam(1e-3),
      }),
      generatorPhase(),
    ],
  });
};

describe('features: declared layers to lowered layers', () => {
  it.each([
    // [declared layers, lowered layers, width]
    [2, 1, 6], // dense + relu fused
    [3, 2, 6], // + batchNorm
    [4, 3, 6], // + dropout
    [6, 4, 5], // + dense + leakyRelu fused
  ])('%i declared layers are %i lowered layers of width %i', (declared, lowered, width) => {
    const plan = planOf(withFeatureLoss(declared));
    const op = firstOps(plan).find((o) => o.kind === 'features');
    expect(op).toEqual({ kind: 'features', net: 'imageCritic', input: expect.any(Number), layers: lowered });
    const instr = planPhases(plan)[0]?.program.instrs.find((i) => i.op.kind === 'features');
    expect(instr?.shape).toEqual([width]);
    expect(instr?.rows).toBe('batch');
    expect(explain(plan)).toContain(`features imageCritic[:${lowered}](`);
  });

  it('all of the net is the net itself: lowered to (and shared with) an apply', () => {
    const plan = planOf(withFeatureLoss(7));
    const phaseOps = planPhases(plan).find((p) => p.name === 'imageCritic')?.program.instrs ?? [];
    expect(phaseOps.filter((i) => i.op.kind === 'apply' && i.op.net === 'imageCritic')).toHaveLength(1);
    expect(phaseOps.some((i) => i.op.kind === 'features')).toBe(false);
  });

  it('refuses a cut between a dense layer and the activation fused into it, naming the fix', () => {
    for (const [layers, dense, next] of [
      [1, 0, 'relu'],
      [5, 4, 'leakyRelu'],
    ] as const) {
      const errors = errorsOf(withFeatureLoss(layers));
      expect(errors).toContainEqual({
        path: 'schedule[0].minimize.terms[1].target.layers',
        code: 'features-cut',
        message:
          `features of net 'imageCritic' after ${layers} layer${layers === 1 ? '' : 's'} would cut between layers[${dense}] (dense) ` +
          `and the ${next} fused into it at layers[${dense + 1}]; take ${layers + 1} layers to include the activation`,
      });
    }
  });

  it('refuses counts outside 1..layers, by path', () => {
    for (const layers of [0, 8, 2.5]) {
      expect(errorsOf(withFeatureLoss(layers))).toContainEqual({
        path: 'schedule[0].minimize.terms[1].target.layers',
        code: 'out-of-range',
        message: `features of net 'imageCritic' must take a whole number of its layers from 1 to 7, got ${layers}`,
      });
    }
  });

  it('unknown nets and input shapes that clash with other applications are reported', () => {
    const unknown = reconstruction(features(net('ghost', [dense(2)]), x, 1), x);
    expect(
      errorsOf(small({ schedule: [recPhase(sum(reconstruction(x, apply(decoder, z)), unknown))] })),
    ).toContainEqual(expect.objectContaining({ path: 'schedule[0].minimize.terms[1].target.net' }));
    // disc is applied to codes (width 4); its features of an image (width 12) clash.
    const clash = reconstruction(features(disc, x as never, 2), features(disc, zPrior, 2), 'mse');
    const errors = errorsOf(
      small({ schedule: [recPhase(sum(reconstruction(x, apply(decoder, z)), clash))] }),
    );
    expect(errors.map((e) => e.message).join('\n')).toMatch(/net 'disc' is applied to inputs of width/);
  });
});

describe('features: gradients and the game sign rule', () => {
  it('a phase updating a net only through its features reaches it', () => {
    const plan = planOf(withFeatureLoss(6));
    expect(planPhases(plan)[0]?.update).toEqual(['encoder', 'decoder']);
  });

  it('a phase whose loss reads a net only through stopped features does not reach it', () => {
    const m = small({
      nets: [encoder, decoder, disc, imageCritic],
      schedule: [
        recPhase(),
        phase('critic', { minimize: gan.critic, update: [disc], optimizer: adam(1e-3) }),
        phase('features', {
          minimize: reconstruction(
            features(imageCritic, { kind: 'stopGradient', of: apply(decoder, zPrior) }, 2),
            features(imageCritic, x, 2),
            'mse',
          ),
          update: [imageCritic, decoder],
          optimizer: adam(1e-3),
        }),
        generatorPhase(),
      ],
    });
    expect(errorsOf(m)).toContainEqual({
      path: 'schedule[2].update[1]',
      code: 'loss-ignores-net',
      message:
        "phase 'features' updates 'decoder' but its loss does not depend on it (through any path a gradient can follow)",
    });
  });

  it('a critic view whose fakes pass through the critic features of an updated generator is the sign bug', () => {
    // The critic phase also updates the encoder, whose codes the critic scores.
    const m = small({
      schedule: [
        recPhase(),
        phase('critic', {
          minimize: sum(gan.critic, reconstruction(features(disc, z, 2), features(disc, zPrior, 2), 'mse')),
          update: ['disc', 'encoder'],
          optimizer: adam(1e-3),
        }),
        generatorPhase(),
      ],
    });
    expect(
      errorsOf(m)
        .map((e) => e.message)
        .join('\n'),
    ).toMatch(/'encoder' would learn to help the critic/);
  });
});

describe('mutualInformation', () => {
  const q = net('q', seq(dense(3), softmax));
  const codeNet = net('codeNet', seq(dense(4)));
  const s = sample<'label'>('s', categorical([0.5, 0.25, 0.25]));
  const generated = apply(decoder, apply(codeNet, s));
  const infoModel = (loss = mutualInformation(apply(q, generated), s)): Model =>
    small({
      nets: [encoder, decoder, disc, codeNet, q],
      schedule: [
        recPhase(),
        phase('critic', { minimize: gan.critic, update: [disc], optimizer: adam(1e-3) }),
        generatorPhase(),
        phase('info', { minimize: loss, update: [codeNet, q], optimizer: adam(1e-3) }),
      ],
    });

  it('lowers to CE − H(s) with H from the declared probabilities, updating the nets s flows through', () => {
    const plan = planOf(infoModel());
    const info = planPhases(plan).find((p) => p.name === 'info');
    const op = info?.program.instrs[info.program.output]?.op;
    expect(op).toMatchObject({ kind: 'mutualInformation' });
    const h = -(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25));
    expect(op?.kind === 'mutualInformation' && op.entropy).toBeCloseTo(h, 12);
    expect(categoricalEntropy([1, 0])).toBe(0);
    expect(explain(plan)).toContain('mutualInformation(probs');
  });

  it('refuses a code that is not a categorical draw, and mismatched widths, by path', () => {
    const notADraw = errorsOf(infoModel(mutualInformation(apply(q, generated), apply(q, x))));
    expect(notADraw).toContainEqual({
      path: 'schedule[3].minimize.code',
      code: 'mi-needs-categorical-sample',
      message:
        "mutualInformation needs the categorical draw s itself (sample(site, categorical(k))), whose entropy H(s) its bound uses, but gets an 'apply' expression",
    });
    const gaussianDraw = errorsOf(
      infoModel(mutualInformation(apply(q, generated), sample('g', gaussian(3)))),
    );
    expect(gaussianDraw.map((e) => e.message).join('\n')).toMatch(/but gets a draw from a gaussian/);
    const wide = sample<'label'>('s4', categorical(4));
    const mismatch = errorsOf(infoModel(mutualInformation(apply(q, generated), wide)));
    expect(mismatch).toContainEqual({
      path: 'schedule[3].minimize',
      code: 'width-mismatch',
      message: 'mutualInformation probs has width 3 but code has width 4',
    });
  });
});

describe('codec', () => {
  it('round-trips both kinds and rejects a features node without layers', () => {
    const m = small({
      nets: [encoder, decoder, disc, imageCritic],
      schedule: [
        recPhase(
          sum(
            reconstruction(x, apply(decoder, z)),
            reconstruction(features(imageCritic, x, 2), features(imageCritic, x, 4), 'mse'),
          ),
        ),
      ],
    });
    const json = JSON.parse(JSON.stringify(encodeModel(m))) as Record<string, unknown>;
    expect(decodeModel(json)).toEqual(E.right(m));
    const withInfo = { kind: 'mutualInformation', probs: { kind: 'input' }, code: { kind: 'input' } };
    const schedule = [{ ...(json['schedule'] as object[])[0], minimize: withInfo }];
    expect(E.isRight(decodeModel({ ...json, schedule }))).toBe(true);
    const broken = {
      ...json,
      views: { encode: { kind: 'features', net: 'disc', input: { kind: 'input' } } },
    };
    const r = decodeModel(broken);
    expect(E.isLeft(r) && r.left.map((e) => e.path)).toEqual(['views.encode.layers']);
  });

  it('the structural guard names a malformed features node', () => {
    const m = {
      ...small(),
      views: { encode: { kind: 'features', net: 3, input: { kind: 'input' }, layers: 'two' } },
    };
    const paths = errorsOf(m as unknown as Model).map((e) => e.path);
    expect(paths).toEqual(['views.encode.net', 'views.encode.layers']);
  });
});
