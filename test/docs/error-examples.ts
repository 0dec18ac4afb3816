/**
 * The examples of `docs/errors.md`: for every error code, a minimal mistake that triggers it.
 *
 * Each example is a small change to one tiny adversarial autoencoder on 2-D data (`base`), written
 * the way a user would: TypeScript examples are `// #region <id>` blocks the page shows as excerpts,
 * spec-file examples replace one node of the base model's JSON spec (`json`) or are the text of a
 * whole file (`text`). `test/docs/errors.test.ts` runs every example and holds the page's output
 * blocks to what `formatErrors` really prints, so the page cannot drift from the compiler.
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  adam,
  apply,
  compile,
  compileJson,
  concat,
  critic,
  crossEntropy,
  decodeModel,
  dense,
  encodeModel,
  features,
  flatten,
  ganGame,
  gaussian,
  gaussianCode,
  input,
  klGaussian,
  label,
  labeledStream,
  mlp,
  mmd,
  model,
  mutualInformation,
  net,
  oneHot,
  parseModelJson,
  phase,
  reconstruction,
  reshape,
  resolveOptions,
  sample,
  seq,
  simultaneous,
  softmax,
  sum,
  trainStream,
  uniform,
  add,
  conv2d,
  type CompileError,
  type ErrorCode,
  type Model,
  type ModelOptions,
} from 'saddle';
import { aae } from 'saddle/zoo/aae';

// -------------------------------------------------------------------------------------------------
// the base model
// -------------------------------------------------------------------------------------------------

// #region base
// 2-D points from four clusters, a 2-D code with a Gaussian prior.
const data = { x: [2], classes: 4 };
const encoder = net<'data', 'code'>('encoder', mlp([16, 2]));
const decoder = net<'code', 'data'>('decoder', mlp([16, 2]));
const discriminator = critic<'code'>('discriminator', mlp([16, 1]));

const x = input();
const z = apply(encoder, x);
const prior = sample('prior', gaussian(2));
const gan = ganGame(discriminator, { real: prior, fake: z });
const recLoss = reconstruction(x, apply(decoder, z), 'mse');

const rec = phase('reconstruction', { minimize: recLoss, update: [encoder, decoder], optimizer: adam(1e-3) });
const crit = phase('critic', { minimize: gan.critic, update: [discriminator], optimizer: adam(1e-3) });
const gen = phase('generator', { minimize: gan.generator, update: [encoder], optimizer: adam(1e-3) });

const baseOptions: ModelOptions = {
  data,
  nets: [encoder, decoder, discriminator],
  schedule: [rec, crit, gen],
  views: { sample: apply(decoder, prior), encode: z },
};
/** The base model with some of its parts replaced: every example below is one such change. */
const tinyAae = (change: Partial<ModelOptions> = {}): Model =>
  model('tiny-aae', { ...baseOptions, ...change });

/** The base model's JSON spec, as `saddle spec` would write it. */
const spec = encodeModel(tinyAae()) as Readonly<Record<string, unknown>>;
// #endregion base

/** The base model compiles: each example's errors come from its change alone. */
export const base: Model = tinyAae();

/** Its JSON spec, which the page shows once and every spec example edits. */
export const baseSpec: unknown = spec;

// -------------------------------------------------------------------------------------------------
// examples
// -------------------------------------------------------------------------------------------------

/** A JSON spec edit: the node at `path` (a JS accessor into the base spec) replaced by `value`. */
export interface SpecEdit {
  readonly path: string;
  readonly value: unknown;
}

/** One example: the code it demonstrates and how to run it. */
export type ErrorExample = { readonly code: ErrorCode } & (
  | { readonly kind: 'ts'; readonly run: () => E.Either<readonly CompileError[], unknown> }
  | { readonly kind: 'json'; readonly edit: SpecEdit }
  | { readonly kind: 'text'; readonly text: string }
);

const ts = (code: ErrorCode, run: () => E.Either<readonly CompileError[], unknown>): ErrorExample => ({
  code,
  kind: 'ts',
  run,
});
const json = (code: ErrorCode, path: string, value: unknown): ErrorExample => ({
  code,
  kind: 'json',
  edit: { path, value },
});

/** The steps of an accessor path: `nets[0].layers[1]` is `nets`, 0, `layers`, 1. */
const steps = (path: string): (string | number)[] =>
  [...path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));

/** A deep copy of `root` with the node at `path` replaced by `value`. */
export const replaceAt = (root: unknown, path: string, value: unknown): unknown => {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  const keys = steps(path);
  const last = keys.pop();
  if (last === undefined) return value;
  let node: Record<string | number, unknown> = copy;
  for (const key of keys) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) throw new Error(`no node at ${path}`);
    node = next as Record<string | number, unknown>;
  }
  if (!(last in node)) throw new Error(`no node at ${path}`);
  node[last] = value;
  return copy;
};

/** The JSON spec an edit produces: the base spec with one node replaced. */
export const editedSpec = (edit: SpecEdit): unknown => replaceAt(spec, edit.path, edit.value);

/** What an example makes saddle say: the errors, or none if it (wrongly) succeeds. */
export const errorsOf = (example: ErrorExample): readonly CompileError[] => {
  const result =
    example.kind === 'ts'
      ? example.run()
      : example.kind === 'json'
        ? compileJson(editedSpec(example.edit))
        : E.flatMap(parseModelJson(example.text), compile);
  return E.isLeft(result) ? result.left : [];
};

/** Every example, by id (the id names its region, or its spec block, on the page). */
export const examples: Readonly<Record<string, ErrorExample>> = {
  // ---- reading a spec file ----
  'invalid-json': {
    code: 'invalid-json',
    kind: 'text',
    text: '{\n  "name": "tiny-aae",\n  "data": { "x": [2], "classes": 4 },\n}\n',
  },
  'wrong-type': json('wrong-type', 'schedule[0].optimizer.learningRate', '1e-3'),
  'missing-field': json('missing-field', 'schedule[0].optimizer', { kind: 'adam', learningRate: 0.001 }),
  'unknown-field': json('unknown-field', 'nets[0].layers[0]', { kind: 'dense', unit: 16, bias: true }),
  'unknown-kind': json('unknown-kind', 'nets[1].layers[1]', { kind: 'relu' }),
  'unknown-value': json('unknown-value', 'schedule[1].minimize.game.form', 'nonsaturating'),
  'spec-too-deep': ts('spec-too-deep', () => {
    // #region spec-too-deep
    let deep: unknown = { kind: 'input' };
    for (let i = 0; i < 100_000; i++) deep = { kind: 'stopGradient', of: deep };
    return decodeModel({ ...spec, views: { sample: deep } });
    // #endregion spec-too-deep
  }),
  'cyclic-value': ts('cyclic-value', () => {
    // #region cyclic-value
    const loop: Record<string, unknown> = { kind: 'stopGradient' };
    loop['of'] = loop;
    return decodeModel({ ...spec, views: { sample: loop } });
    // #endregion cyclic-value
  }),

  // ---- names and the schedule ----
  'invalid-name': ts('invalid-name', () => {
    // #region invalid-name
    const unnamed = phase('', { minimize: recLoss, update: [encoder, decoder], optimizer: adam(1e-3) });
    return compile(tinyAae({ schedule: [unnamed, crit, gen] }));
    // #endregion invalid-name
  }),
  'duplicate-name': ts('duplicate-name', () => {
    // #region duplicate-name
    const gen = phase('critic', { minimize: gan.generator, update: [encoder], optimizer: adam(1e-3) });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion duplicate-name
  }),
  'empty-list': ts('empty-list', () => {
    // #region empty-list
    const rec = phase('reconstruction', {
      minimize: sum(),
      update: [encoder, decoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion empty-list
  }),
  'duplicate-update': ts('duplicate-update', () => {
    // #region duplicate-update
    const rec = phase('reconstruction', {
      minimize: recLoss,
      update: [encoder, decoder, encoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion duplicate-update
  }),
  'never-updated': ts('never-updated', () => {
    // #region never-updated
    return compile(tinyAae({ schedule: [rec, gen] }));
    // #endregion never-updated
  }),
  'never-applied': ts('never-applied', () => {
    // #region never-applied
    const classifier = net('classifier', mlp([16, 4]), { trainable: false });
    return compile(tinyAae({ nets: [encoder, decoder, discriminator, classifier] }));
    // #endregion never-applied
  }),
  'simultaneous-repeat': ts('simultaneous-repeat', () => {
    // #region simultaneous-repeat
    const crit = phase('critic', {
      minimize: gan.critic,
      update: [discriminator],
      optimizer: adam(1e-3),
      repeat: 5,
    });
    return compile(tinyAae({ schedule: [rec, simultaneous(crit, gen)] }));
    // #endregion simultaneous-repeat
  }),
  'site-reused': ts('site-reused', () => {
    // #region site-reused
    const wide = sample('prior', uniform(2, -3, 3)); // a second prior, but the same site name
    const wideGan = ganGame(discriminator, { real: wide, fake: z });
    const crit = phase('critic', {
      minimize: sum(gan.critic, wideGan.critic),
      update: [discriminator],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion site-reused
  }),

  // ---- references ----
  'unknown-net': ts('unknown-net', () => {
    // #region unknown-net
    const crit = phase('critic', { minimize: gan.critic, update: ['discrimnator'], optimizer: adam(1e-3) });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion unknown-net
  }),
  'unknown-stream': ts('unknown-stream', () => {
    // #region unknown-stream
    const crit = phase('critic', {
      minimize: gan.critic,
      update: [discriminator],
      optimizer: adam(1e-3),
      data: 'unlabeled',
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion unknown-stream
  }),
  'not-a-critic': json('not-a-critic', 'schedule[1].minimize.game.critic', 'decoder'),
  'frozen-net': ts('frozen-net', () => {
    // #region frozen-net
    const pretrained = net<'code', 'data'>('decoder', mlp([16, 2]), { trainable: false });
    return compile(tinyAae({ nets: [encoder, pretrained, discriminator] }));
    // #endregion frozen-net
  }),
  'labels-unavailable': ts('labels-unavailable', () => {
    // #region labels-unavailable
    const classifier = net('classifier', seq(mlp([16, 4]), softmax));
    const classify = phase('classify', {
      minimize: crossEntropy(apply(classifier, z), oneHot(label(), 4)),
      update: [classifier],
      optimizer: adam(1e-3),
    });
    return compile(
      tinyAae({ nets: [encoder, decoder, discriminator, classifier], schedule: [rec, crit, gen, classify] }),
    );
    // #endregion labels-unavailable
  }),
  'unbalanced-labels': ts('unbalanced-labels', () => {
    // #region unbalanced-labels
    return compile(tinyAae({ streams: [trainStream, labeledStream('labeled', 10)] }));
    // #endregion unbalanced-labels
  }),

  // ---- shapes and widths ----
  'net-input-mismatch': ts('net-input-mismatch', () => {
    // #region net-input-mismatch
    const draw = sample('draw', gaussian(3));
    return compile(tinyAae({ views: { sample: apply(decoder, draw), encode: z } }));
    // #endregion net-input-mismatch
  }),
  'layer-input-shape': ts('layer-input-shape', () => {
    // #region layer-input-shape
    const convEncoder = net('encoder', seq(conv2d(8, 3), flatten, dense(2)));
    return compile(tinyAae({ nets: [convEncoder, decoder, discriminator] }));
    // #endregion layer-input-shape
  }),
  'reshape-size': ts('reshape-size', () => {
    // #region reshape-size
    const imageEncoder = net('encoder', seq(reshape([2, 2, 1]), flatten, dense(2)));
    return compile(tinyAae({ nets: [imageEncoder, decoder, discriminator] }));
    // #endregion reshape-size
  }),
  'window-too-large': ts('window-too-large', () => {
    // #region window-too-large
    const convEncoder = net(
      'encoder',
      seq(reshape([2, 1, 1]), conv2d(8, 3, { padding: 'valid' }), flatten, dense(2)),
    );
    return compile(tinyAae({ nets: [convEncoder, decoder, discriminator] }));
    // #endregion window-too-large
  }),
  'critic-not-one-unit': ts('critic-not-one-unit', () => {
    // #region critic-not-one-unit
    const discriminator = critic('discriminator', mlp([16, 2]));
    return compile(tinyAae({ nets: [encoder, decoder, discriminator] }));
    // #endregion critic-not-one-unit
  }),
  'width-mismatch': ts('width-mismatch', () => {
    // #region width-mismatch
    const decoder = net('decoder', mlp([16, 3]));
    return compile(tinyAae({ nets: [encoder, decoder, discriminator] }));
    // #endregion width-mismatch
  }),
  'row-mismatch': ts('row-mismatch', () => {
    // #region row-mismatch
    const jitter = sample('jitter', gaussian(2, { std: 0.1 }), { batch: 64 });
    const rec = phase('reconstruction', {
      minimize: reconstruction(x, apply(decoder, add(z, jitter)), 'mse'),
      update: [encoder, decoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion row-mismatch
  }),
  'not-flat': ts('not-flat', () => {
    // #region not-flat
    const conditional = apply(decoder, concat(z, label())); // the class index itself, not oneHot(label(), 4)
    const rec = phase('reconstruction', {
      minimize: reconstruction(x, conditional, 'mse'),
      update: [encoder, decoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ streams: [labeledStream('train')], schedule: [rec, crit, gen] }));
    // #endregion not-flat
  }),
  'not-class-indices': json('not-class-indices', 'views.encode', {
    kind: 'oneHot',
    of: { kind: 'input' },
    classes: 4,
  }),
  'odd-code-width': ts('odd-code-width', () => {
    // #region odd-code-width
    const vaeEncoder = net('encoder', mlp([16, 3])); // [mean | log-variance] of a 2-D code needs 4 units
    const code = gaussianCode('code', apply(vaeEncoder, x));
    const vae = phase('vae', {
      minimize: sum(reconstruction(x, apply(decoder, code), 'mse'), klGaussian(code)),
      update: [vaeEncoder, decoder],
      optimizer: adam(1e-3),
    });
    return compile(model('tiny-vae', { data, nets: [vaeEncoder, decoder], schedule: [vae] }));
    // #endregion odd-code-width
  }),
  'features-cut': ts('features-cut', () => {
    // #region features-cut
    const hidden = (v: typeof z) => features(discriminator, v, 1); // dense(16), without its relu
    const gen = phase('generator', {
      minimize: sum(gan.generator, mmd(hidden(z), hidden(prior), [1])),
      update: [encoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion features-cut
  }),

  // ---- losses, games and gradients ----
  'wrong-player': ts('wrong-player', () => {
    // #region wrong-player
    const gen = phase('generator', {
      minimize: gan.generator,
      update: [encoder, discriminator],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion wrong-player
  }),
  'wrong-player-critic-view': ts('wrong-player', () => {
    // #region wrong-player-critic-view
    const gen = phase('generator', { minimize: gan.critic, update: [encoder], optimizer: adam(1e-3) });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion wrong-player-critic-view
  }),
  'loss-ignores-net': ts('loss-ignores-net', () => {
    // #region loss-ignores-net
    const gen = phase('generator', {
      minimize: gan.generator,
      update: [encoder, decoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion loss-ignores-net
  }),
  'kl-needs-gaussian-code': ts('kl-needs-gaussian-code', () => {
    // #region kl-needs-gaussian-code
    const rec = phase('reconstruction', {
      minimize: sum(recLoss, klGaussian(z)),
      update: [encoder, decoder],
      optimizer: adam(1e-3),
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion kl-needs-gaussian-code
  }),
  'mi-needs-categorical-sample': ts('mi-needs-categorical-sample', () => {
    // #region mi-needs-categorical-sample
    const classifier = net('classifier', seq(mlp([16, 2]), softmax));
    const info = phase('info', {
      minimize: mutualInformation(apply(classifier, apply(decoder, prior)), prior),
      update: [classifier],
      optimizer: adam(1e-3),
    });
    return compile(
      tinyAae({ nets: [encoder, decoder, discriminator, classifier], schedule: [rec, crit, gen, info] }),
    );
    // #endregion mi-needs-categorical-sample
  }),

  // ---- ranges ----
  'out-of-range': ts('out-of-range', () => {
    // #region out-of-range
    const crit = phase('critic', {
      minimize: gan.critic,
      update: [discriminator],
      optimizer: adam(1e-3, { beta1: 1 }),
      repeat: 0,
    });
    return compile(tinyAae({ schedule: [rec, crit, gen] }));
    // #endregion out-of-range
  }),
  'out-of-range-spec': json('out-of-range', 'nets[0].layers[0].units', 0),

  // ---- zoo options ----
  'option-syntax': ts('option-syntax', () => {
    // #region option-syntax
    return resolveOptions(aae, ['latent']); // saddle train aae --set latent
    // #endregion option-syntax
  }),
  'unknown-option': ts('unknown-option', () => {
    // #region unknown-option
    return resolveOptions(aae, ['latnet=2']); // saddle train aae --set latnet=2
    // #endregion unknown-option
  }),
  'invalid-option': ts('invalid-option', () => {
    // #region invalid-option
    return resolveOptions(aae, ['prior=mixture']); // saddle train aae --set prior=mixture
    // #endregion invalid-option
  }),

  // ---- internal ----
  internal: ts('internal', () => {
    // #region internal
    const haunted = {
      ...tinyAae(),
      get nets(): never {
        throw new Error('this model throws when its nets are read');
      },
    };
    return compile(haunted);
    // #endregion internal
  }),
};
