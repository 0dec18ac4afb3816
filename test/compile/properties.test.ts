/**
 * Compiler properties over random models: well-formed models compile to sound plans whose phases
 * move exactly the nets they name; single mutations of them are rejected; nothing ever throws.
 */
import { fc, test } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import { compile, compileJson, explain } from '../../src/compile/index.js';
import { planPhases, type Program } from '../../src/compile/plan.js';
import { operands } from '../../src/compile/program.js';
import type { Layer, Loss, Model, NetDecl, Phase, Step } from '../../src/dsl/ast.js';
import { encodeModel } from '../../src/dsl/codec.js';
import { arbModel } from '../arbitraries/ast.js';
import { arbWellFormedModel } from '../arbitraries/wellformed.js';
import { planOf } from './fixtures.js';

// -------------------------------------------------------------------------------------------------
// independent oracles
// -------------------------------------------------------------------------------------------------

/** The trainable parameter names a net declares, read off its layers (not from the compiler). */
const declaredTrainableParams = (decl: NetDecl): string[] =>
  decl.trainable
    ? decl.layers.flatMap((l: Layer, i) => {
        const p = (role: string) => `${decl.name}/${i}/${role}`;
        switch (l.kind) {
          case 'dense':
            return l.bias ? [p('kernel'), p('bias')] : [p('kernel')];
          case 'conv2d':
          case 'deconv2d':
            return [p('kernel'), p('bias')];
          case 'batchNorm':
            return [p('gamma'), p('beta')];
          default:
            return [];
        }
      })
    : [];

const phasesOf = (m: Model): Phase[] => m.schedule.flatMap((s) => (s.kind === 'phase' ? [s] : s.phases));

const expectSoundProgram = (p: Program): void => {
  const keys = new Set<string>();
  p.instrs.forEach((ins, i) => {
    expect(ins.id).toBe(i);
    for (const o of operands(ins.op)) expect(o).toBeLessThan(i);
    keys.add(JSON.stringify(ins.op));
  });
  // hash-consed: no instruction computed twice
  expect(keys.size).toBe(p.instrs.length);
  expect(p.output).toBeLessThan(p.instrs.length);
  // pruned: everything is read by the output (phases may also log summands, all under the output)
  const live = new Set<number>([p.output]);
  for (let i = p.instrs.length - 1; i >= 0; i--)
    if (live.has(i)) for (const o of operands(p.instrs[i]?.op ?? { kind: 'input' })) live.add(o);
  expect(live.size).toBe(p.instrs.length);
};

// -------------------------------------------------------------------------------------------------
// mutations
// -------------------------------------------------------------------------------------------------

const mapPhases = (m: Model, f: (p: Phase, index: number) => Phase): Model => {
  let i = 0;
  const step = (s: Step): Step =>
    s.kind === 'phase' ? f(s, i++) : { ...s, phases: s.phases.map((p) => f(p, i++)) };
  return { ...m, schedule: m.schedule.map(step) };
};

/** Flip the first game view in a loss; `undefined` when it has none. */
const flipFirstGame = (l: Loss): Loss | undefined => {
  switch (l.kind) {
    case 'game':
      return { ...l, view: l.view === 'critic' ? 'generator' : 'critic' };
    case 'scale': {
      const term = flipFirstGame(l.term);
      return term === undefined ? undefined : { ...l, term };
    }
    case 'sum': {
      const i = l.terms.findIndex((t) => flipFirstGame(t) !== undefined);
      const flipped = i < 0 ? undefined : flipFirstGame(l.terms[i] as Loss);
      return flipped === undefined
        ? undefined
        : { ...l, terms: l.terms.map((t, j) => (j === i ? flipped : t)) };
    }
    default:
      return undefined;
  }
};

const expectLeft = (m: unknown): void => {
  const r = compile(m as Model);
  expect(E.isLeft(r)).toBe(true);
  if (E.isLeft(r)) expect(r.left.length).toBeGreaterThan(0);
};

// -------------------------------------------------------------------------------------------------
// properties
// -------------------------------------------------------------------------------------------------

describe('well-formed models', () => {
  test.prop([arbWellFormedModel], { numRuns: 150 })(
    'compile, and each phase moves exactly the trainable parameters of the nets it names',
    (m) => {
      const plan = planOf(m);
      const decls = new Map(m.nets.map((n) => [n.name, n]));
      const phases = planPhases(plan);
      expect(phases.map((p) => p.name)).toEqual(phasesOf(m).map((p) => p.name));
      for (const p of phases) {
        const expected = p.update.flatMap((n) => declaredTrainableParams(decls.get(n) as NetDecl));
        expect(p.params).toEqual(expected);
        expectSoundProgram(p.program);
        expect(p.program.instrs[p.program.output]?.rows).toBe('scalar');
      }
      for (const view of Object.values(plan.views)) if (view !== undefined) expectSoundProgram(view);
      expect(plan.nets.map((n) => n.name)).toEqual(m.nets.map((n) => n.name));
      const text = explain(plan);
      for (const p of phases) expect(text).toContain(`phase '${p.name}'`);
    },
  );

  test.prop([arbWellFormedModel], { numRuns: 50 })(
    'compile the same after a JSON round trip and via compileJson',
    (m) => {
      const plan = planOf(m);
      expect(compile(JSON.parse(JSON.stringify(m)) as Model)).toEqual(E.right(plan));
      expect(compileJson(encodeModel(m))).toEqual(E.right(plan));
    },
  );
});

describe('mutations of well-formed models are rejected', () => {
  test.prop([arbWellFormedModel, fc.nat()], { numRuns: 80 })(
    'dropping the only phase that trains a net',
    (m, pick) => {
      const phases = phasesOf(m);
      const sole = phases
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.update.some((n) => phases.filter((q) => q.update.includes(n)).length === 1));
      const victim = sole[pick % sole.length]?.p;
      expect(victim).toBeDefined();
      const drop = (s: readonly Step[]): Step[] =>
        s.flatMap((step): Step[] =>
          step.kind === 'phase'
            ? step === victim
              ? []
              : [step]
            : step.phases.length === 1 && step.phases[0] === victim
              ? []
              : [{ ...step, phases: step.phases.filter((p) => p !== victim) }],
        );
      expectLeft({ ...m, schedule: drop(m.schedule) });
    },
  );

  test.prop([arbWellFormedModel, fc.nat(), fc.nat()], { numRuns: 80 })(
    'renaming a net reference',
    (m, pickPhase, pickNet) => {
      const n = phasesOf(m).length;
      expectLeft(
        mapPhases(m, (p, i) =>
          i === pickPhase % n
            ? { ...p, update: p.update.map((u, j) => (j === pickNet % p.update.length ? `${u}2` : u)) }
            : p,
        ),
      );
      // renaming the declaration instead leaves every reference dangling
      expectLeft({
        ...m,
        nets: m.nets.map((d, i) => (i === pickNet % m.nets.length ? { ...d, name: `${d.name}2` } : d)),
      });
    },
  );

  test.prop([arbWellFormedModel, fc.integer({ min: 1, max: 3 })], { numRuns: 80 })(
    'breaking a width',
    (m, extra) => {
      const widen = (d: NetDecl): NetDecl => {
        const last = d.layers.findLastIndex((l) => l.kind === 'dense');
        return {
          ...d,
          layers: d.layers.map((l, i) =>
            i === last && l.kind === 'dense' ? { ...l, units: l.units + extra } : l,
          ),
        };
      };
      expectLeft({ ...m, nets: m.nets.map((d) => (d.name === 'encoder' ? widen(d) : d)) });
      expectLeft({ ...m, data: { ...m.data, x: [(m.data.x[0] ?? 1) + extra] } });
    },
  );

  test.prop([arbWellFormedModel, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 80 })(
    'negating a learning rate',
    (m, pick, lr) => {
      const n = phasesOf(m).length;
      expectLeft(
        mapPhases(m, (p, i) =>
          i === pick % n ? { ...p, optimizer: { ...p.optimizer, learningRate: -lr } } : p,
        ),
      );
    },
  );

  test.prop([arbWellFormedModel, fc.nat()], { numRuns: 80 })('flipping a game view', (m, pick) => {
    const withGames = phasesOf(m)
      .map((p, i) => ({ i, flipped: flipFirstGame(p.minimize) }))
      .filter((x) => x.flipped !== undefined);
    fc.pre(withGames.length > 0);
    const target = withGames[pick % withGames.length];
    expectLeft(
      mapPhases(m, (p, i) =>
        i === target?.i && target.flipped !== undefined ? { ...p, minimize: target.flipped } : p,
      ),
    );
  });
});

describe('compile never throws', () => {
  const total = (v: unknown): void => {
    let result: unknown;
    expect(() => {
      result = compile(v as Model);
    }).not.toThrow();
    expect(
      E.isLeft(result as E.Either<unknown, unknown>) || E.isRight(result as E.Either<unknown, unknown>),
    ).toBe(true);
    expect(() => compileJson(v)).not.toThrow();
  };

  test.prop([fc.anything()], { numRuns: 200 })('on anything', (v) => {
    total(v);
    expectLeft(v);
  });

  test.prop([fc.object()], { numRuns: 200 })('on any object', total);

  test.prop([arbModel], { numRuns: 200 })('on structurally valid random models', total);

  test.prop([arbWellFormedModel, fc.nat(), fc.anything()], { numRuns: 100 })(
    'on well-formed models with one field replaced by garbage',
    (m, pick, garbage) => {
      const json = JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
      // walk to a random object inside the model and overwrite one of its fields
      const objects: Record<string, unknown>[] = [];
      const collect = (v: unknown): void => {
        if (typeof v === 'object' && v !== null) {
          if (!Array.isArray(v)) objects.push(v as Record<string, unknown>);
          Object.values(v).forEach(collect);
        }
      };
      collect(json);
      const target = objects[pick % objects.length] as Record<string, unknown>;
      const keys = Object.keys(target);
      const key = keys[pick % Math.max(keys.length, 1)] ?? 'kind';
      target[key] = garbage;
      total(json);
    },
  );
});
