/**
 * Every zoo entry compiles — with the paper's defaults, with hand-picked variations, and with
 * random small widths — and its plan moves exactly the parameters of the nets each phase names.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { planPhases } from '../../src/compile/plan.js';
import type { Model } from '../../src/dsl/ast.js';
import {
  aae,
  aaeClustering,
  aaeDimred,
  aaeSemisupervised,
  aaeSupervised,
  entries,
  mmdAe,
  vae,
  type ZooEntry,
} from '../../src/zoo/index.js';
import { planOf as compiled } from '../compile/fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries have different option types
const build = (entry: ZooEntry<any>, overrides: Record<string, unknown>): Model =>
  entry.build({ ...entry.defaults, ...overrides });

/** Options that change structure: widths, class counts, label counts, forms. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const variations: [ZooEntry<any>, Record<string, unknown>][] = [
  [aae, { latent: 2, hidden: 16, prior: 'mixture10' }],
  [aaeSupervised, { latent: 2, hidden: 16, form: 'minimax' }],
  [aaeSupervised, { latent: 15, hidden: 32, form: 'leastSquares', lambda: 0.5 }],
  [aaeSemisupervised, { latent: 2, hidden: 16, labels: 'all' }],
  [aaeSemisupervised, { labels: 1000, latent: 5, hidden: 8 }],
  [aaeClustering, { clusters: 30, latent: 2, hidden: 16 }],
  [aaeClustering, { clusters: 2, latent: 1, hidden: 4, form: 'minimax' }],
  [aaeDimred, { n: 5, clusters: 30, hidden: 16 }],
  [aaeDimred, { n: 1, clusters: 3, styleStd: 0.2, hidden: 8 }],
  [mmdAe, { hidden: [16], latent: 2, inputDropout: 0 }],
  [mmdAe, { hidden: [32, 16, 8, 4], latent: 6, sigmas: [1] }],
  [vae, { latent: 2, hidden: 16, activation: 'relu' }],
  [vae, { latent: 200, hidden: 8 }],
];

describe('zoo entries compile', () => {
  it.each(entries.map((e) => [e.id, e] as const))('%s with its paper defaults', (_, entry) => {
    const plan = compiled(entry.build(entry.defaults));
    expect(plan.model).toBe(entry.id);
  });

  it.each(variations.map(([e, o]) => [e.id, JSON.stringify(o), e, o] as const))(
    '%s with %s',
    (_id, _label, entry, overrides) => {
      expect(compiled(build(entry, overrides)).model).toBe(entry.id);
    },
  );

  test.prop(
    [
      fc.constantFrom(...entries),
      fc.record({ latent: fc.integer({ min: 1, max: 12 }), hidden: fc.integer({ min: 1, max: 24 }) }),
    ],
    { numRuns: 40 },
  )('with random small widths', (entry, widths) => {
    const overrides: Record<string, unknown> =
      entry.id === 'mmd-ae' || entry.id === 'ds-aae' || entry.id === 'bavae'
        ? { latent: widths.latent, hidden: [widths.hidden, widths.hidden] }
        : entry.id === 'aae-dimred'
          ? { n: widths.latent, hidden: widths.hidden }
          : { latent: widths.latent, hidden: widths.hidden };
    expect(compiled(build(entry, overrides)).model).toBe(entry.id);
  });
});

describe('plans move exactly the named nets', () => {
  it.each(entries.map((e) => [e.id, e] as const))('%s', (_, entry) => {
    const model = entry.build(entry.defaults);
    const plan = compiled(model);
    const declared = model.schedule.flatMap((s) => (s.kind === 'phase' ? [s] : s.phases));
    expect(planPhases(plan).map((p) => [p.name, p.update])).toEqual(declared.map((p) => [p.name, p.update]));
    for (const phase of planPhases(plan)) {
      const owners = new Set(phase.params.map((p) => p.split('/')[0]));
      expect([...owners].sort()).toEqual([...phase.update].sort());
      const expected = plan.nets
        .filter((n) => phase.update.includes(n.name))
        .flatMap((n) => n.params.filter((p) => p.trainable).map((p) => p.name));
      expect([...phase.params].sort()).toEqual(expected.sort());
    }
  });

  it('only the semi-supervised classification phase reads labels among the categorical AAEs', () => {
    const semi = compiled(aaeSemisupervised.build(aaeSemisupervised.defaults));
    expect(planPhases(semi).map((p) => [p.name, p.needsLabels])).toEqual([
      ['reconstruction', false],
      ['critics', false],
      ['generator', false],
      ['classification', true],
    ]);
    const sup = compiled(aaeSupervised.build(aaeSupervised.defaults));
    expect(planPhases(sup).map((p) => p.needsLabels)).toEqual([true, false, false]);
  });

  it('the views each entry promises are in its plan', () => {
    const views = (e: ZooEntry<Record<string, unknown>>) =>
      Object.keys(compiled(e.build(e.defaults)).views).sort();
    const base = ['encode', 'prior', 'reconstruct', 'sample'];
    expect(views(aaeSupervised as never)).toEqual(base);
    for (const e of [aaeSemisupervised, aaeClustering, aaeDimred]) {
      expect(views(e as never)).toEqual(['classify', ...base]);
    }
    expect(views(mmdAe as never)).toEqual(base);
    expect(views(vae as never)).toEqual(base);
  });
});
