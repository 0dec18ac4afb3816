/**
 * Lowering: expressions and losses to straight-line programs, nets to `PlanNet`s.
 *
 * One `Lowering` walks every phase loss and every view of a model in declaration order. While it
 * walks it infers each net's input shape from its first application and holds every later
 * application to it, so shape inference and program building are one pass: an `apply` needs the
 * net's output shape, which needs its input shape, which is the shape of the value being applied.
 *
 * Within one program, instructions are hash-consed on their op (with operand ids), so structurally
 * equal sub-expressions are computed once and equal draws at one site are one draw. Each program is
 * pruned to what its output (and logged terms) read.
 *
 * Errors are reported, never thrown; a value that cannot be lowered is `undefined`, and whatever
 * reads it stays quiet so a user sees the cause, not its echoes.
 *
 * @module
 */
import { match, P } from 'ts-pattern';
import type { Dist, Expr, Game, GameView, Loss, Model, NetDecl, Shape } from '../dsl/ast.js';
import type { ErrorCode, Instr, LoggedTerm, Op, PlanDist, PlanNet, Program, Rows, ValueId } from './plan.js';
import { prune } from './program.js';
import { distIssues, isPositiveInt } from './ranges.js';
import { describeShape, featurePrefix, lowerNet, sameShape } from './shapes.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** A lowered value: its instruction and what the instruction produces. */
interface Val {
  readonly id: ValueId;
  readonly shape: Shape;
  readonly rows: Rows;
}

/** One occurrence of a game view in a phase's loss, after the signs of the `scale`s above it. */
export interface GameUse {
  /** Path of the `game` loss node. */
  readonly path: string;
  readonly critic: string;
  /** The view as written. */
  readonly declared: GameView;
  /** The view actually minimized: a negative scale turns one player's loss into the other's. */
  readonly effective: GameView;
  /** The game loss instruction in the (pruned) program. */
  readonly value: ValueId;
}

/** A lowered phase loss or view, with what the checks after lowering need to know about it. */
export interface LoweredProgram {
  readonly program: Program;
  readonly terms: readonly LoggedTerm[];
  readonly games: readonly GameUse[];
  /** Paths of the `label` expressions the program reads. */
  readonly labelReads: readonly string[];
}

/** What lowering learned about a declared net. */
export interface NetUse {
  readonly decl: NetDecl;
  readonly path: string;
  /** Whether any phase or view applies it (even where the argument could not be lowered). */
  readonly applied: boolean;
  /** The lowered net, once an application fixed its input shape and its layers accept it. */
  readonly plan: PlanNet | undefined;
}

/** Where lowering reports a mistake. */
export type Report = (path: string, code: ErrorCode, message: string) => void;

export interface Lowering {
  /** Lower a phase's `minimize` (at `path`, e.g. `schedule[0].minimize`). */
  readonly phase: (loss: Loss, path: string) => LoweredProgram | undefined;
  /** Lower a view expression (at `path`, e.g. `views.sample`). */
  readonly view: (expr: Expr, path: string) => LoweredProgram | undefined;
  /** Every declared net with what the lowering so far learned about it (first declaration wins). */
  readonly nets: () => ReadonlyMap<string, NetUse>;
}

// -------------------------------------------------------------------------------------------------
// program builder
// -------------------------------------------------------------------------------------------------

interface SiteUse {
  readonly key: string;
  readonly what: string;
  readonly path: string;
}

interface Builder {
  readonly instrs: Instr[];
  readonly index: Map<string, ValueId>;
  readonly sites: Map<string, SiteUse>;
  readonly games: GameUse[];
  readonly labelReads: string[];
}

const newBuilder = (): Builder => ({
  instrs: [],
  index: new Map(),
  sites: new Map(),
  games: [],
  labelReads: [],
});

/** Append `op` unless an identical op (same kind, fields and operand ids) is already there. */
const emit = (b: Builder, op: Op, shape: Shape, rows: Rows): Val => {
  const key = JSON.stringify(op);
  const existing = b.index.get(key);
  if (existing !== undefined) return { id: existing, shape, rows };
  const id = b.instrs.length;
  b.instrs.push({ id, op, shape, rows });
  b.index.set(key, id);
  return { id, shape, rows };
};

const finish = (b: Builder, output: ValueId, terms: readonly LoggedTerm[]): LoweredProgram => {
  const { instrs, renumber } = prune(b.instrs, [output, ...terms.map((t) => t.value)]);
  const at = (id: ValueId): ValueId => renumber.get(id) ?? id;
  return {
    program: { instrs, output: at(output) },
    terms: terms.map((t) => ({ label: t.label, value: at(t.value) })),
    games: b.games.map((g) => ({ ...g, value: at(g.value) })),
    labelReads: [...b.labelReads],
  };
};

// -------------------------------------------------------------------------------------------------
// small descriptions
// -------------------------------------------------------------------------------------------------

const describeRows = (rows: Rows): string =>
  rows === 'batch' ? 'the batch' : rows === 'scalar' ? 'one scalar' : `${rows} rows`;

const sameRows = (a: Rows, b: Rows): boolean => a === b;

/** `an 'apply' expression`, `a 'sample' expression`: an expression kind in a sentence. */
const anExpression = (kind: string): string => `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} '${kind}' expression`;

const flip = (view: GameView): GameView => (view === 'critic' ? 'generator' : 'critic');

/** `H(p) = −Σ p log p` in nats (`0 log 0 = 0`): the entropy the mutual-information bound starts from. */
export const categoricalEntropy = (probs: readonly number[]): number =>
  probs.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0);

/**
 * A log label for a loss term: `reconstruction`, `gan critic`, `0.5 × mmd`. With `detailed`, game
 * views also name their critic (`gan critic of classCritic`), to tell two games apart.
 */
export const termLabel = (loss: Loss, detailed = false): string =>
  match(loss)
    .returnType<string>()
    .with({ kind: 'reconstruction' }, () => 'reconstruction')
    .with({ kind: 'game' }, (l) => `${l.game.kind} ${l.view}${detailed ? ` of ${l.game.critic}` : ''}`)
    .with({ kind: 'mmd' }, () => 'mmd')
    .with({ kind: 'crossEntropy' }, () => 'cross-entropy')
    .with({ kind: 'klGaussian' }, () => 'kl')
    .with({ kind: 'l2' }, (l) => `l2 of ${l.net}`)
    .with({ kind: 'mutualInformation' }, () => 'negative mi bound')
    .with({ kind: 'scale' }, (l) => `${l.by} × ${termLabel(l.term, detailed)}`)
    .with({ kind: 'sum' }, () => 'sum')
    .exhaustive();

/** Labels for the summands of a phase loss: short where unique, detailed, then numbered, where not. */
const summandLabels = (terms: readonly Loss[]): string[] => {
  const short = terms.map((t) => termLabel(t));
  const labels = terms.map((t, i) => {
    const l = short[i] ?? '';
    return short.indexOf(l) === short.lastIndexOf(l) ? l : termLabel(t, true);
  });
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
};

// -------------------------------------------------------------------------------------------------
// the lowering
// -------------------------------------------------------------------------------------------------

interface NetState {
  readonly decl: NetDecl;
  readonly path: string;
  applied: boolean;
  /** The input shape and where it was first seen. */
  input: { readonly shape: Shape; readonly path: string } | undefined;
  plan: PlanNet | undefined;
}

/**
 * Start lowering `model`. Phases and views must be lowered in declaration order (schedule first,
 * then views) so that "first application" — the one every other application is held to — is the
 * one a user reads first.
 */
export const createLowering = (model: Model, reportTo: Report): Lowering => {
  // A node object shared by several losses (one game in two phases) gives the same errors wherever
  // it is met: report them where it is first lowered, and stay quiet inside it afterwards.
  const lowered = new WeakSet<object>();
  let quiet = 0;
  const report: Report = (path, code, message) => {
    if (quiet === 0) reportTo(path, code, message);
  };
  const once = <T>(node: object, lower: () => T): T => {
    const again = lowered.has(node);
    if (again) quiet++;
    try {
      return lower();
    } finally {
      if (again) quiet--;
      lowered.add(node);
    }
  };
  const nets = new Map<string, NetState>();
  model.nets.forEach((decl, i) => {
    if (!nets.has(decl.name))
      nets.set(decl.name, { decl, path: `nets[${i}]`, applied: false, input: undefined, plan: undefined });
  });
  const netNames = model.nets.map((n) => `'${n.name}'`).join(', ');

  const unknownNet = (path: string, name: string): undefined => {
    report(
      path,
      'unknown-net',
      `unknown net '${name}' (declared nets: ${netNames === '' ? 'none' : netNames})`,
    );
    return undefined;
  };

  // ---- nets ----

  /**
   * The lowered net `name` for inputs like `x`: the first application fixes the net's input shape
   * (and lowers it), every later one is held to it. `undefined` (after reporting) when it cannot.
   */
  const resolveNet = (
    name: string,
    x: Val | undefined,
    path: string,
    namePath: string,
  ): PlanNet | undefined => {
    const state = nets.get(name);
    if (state === undefined) return unknownNet(namePath, name);
    state.applied = true;
    if (x === undefined) return undefined;
    if (state.input === undefined) {
      state.input = { shape: x.shape, path };
      const lowered = lowerNet(state.decl, state.path, x.shape);
      if (lowered.ok) state.plan = lowered.net;
      // A net's own shape error is reported whatever context first applied it.
      else if (lowered.error !== undefined)
        reportTo(lowered.error.path, lowered.error.code, lowered.error.message);
    } else if (!sameShape(state.input.shape, x.shape)) {
      const flat = x.shape.length === 1 && state.input.shape.length === 1;
      const first = flat ? `width ${state.input.shape[0]}` : describeShape(state.input.shape);
      const here = flat ? `${x.shape[0]}` : describeShape(x.shape);
      report(
        path,
        'net-input-mismatch',
        `net '${name}' is applied to inputs of ${first} (${state.input.path}) and ${here} (${path})`,
      );
      return undefined;
    }
    return state.plan;
  };

  const applyNet = (b: Builder, name: string, x: Val | undefined, path: string, namePath: string) => {
    const plan = resolveNet(name, x, path, namePath);
    if (plan === undefined || x === undefined) return undefined;
    return emit(b, { kind: 'apply', net: name, input: x.id }, plan.outShape, x.rows);
  };

  /** A prefix of a net (`features`): its own op, or the whole application when it is all layers. */
  const netFeatures = (b: Builder, f: Extract<Expr, { kind: 'features' }>, path: string) => {
    const x = expr(b, f.input, `${path}.input`);
    const plan = resolveNet(f.net, x, path, `${path}.net`);
    const decl = nets.get(f.net)?.decl;
    if (decl === undefined) return undefined;
    const prefix = featurePrefix(decl, f.layers, path);
    if (!prefix.ok) {
      report(prefix.error.path, prefix.error.code, prefix.error.message);
      return undefined;
    }
    const last = plan?.layers[prefix.lowered - 1];
    if (plan === undefined || x === undefined || last === undefined) return undefined;
    if (prefix.lowered === plan.layers.length)
      return emit(b, { kind: 'apply', net: f.net, input: x.id }, plan.outShape, x.rows);
    return emit(
      b,
      { kind: 'features', net: f.net, input: x.id, layers: prefix.lowered },
      last.outShape,
      x.rows,
    );
  };

  // ---- draws ----

  const claimSite = (b: Builder, site: string, key: string, what: string, path: string): boolean => {
    const previous = b.sites.get(site);
    if (previous === undefined) {
      b.sites.set(site, { key, what, path });
      return true;
    }
    if (previous.key === key) return true;
    report(
      path,
      'site-reused',
      `site '${site}' is drawn twice differently: ${previous.what} (${previous.path}) and ${what} (${path}); ` +
        `one site is one draw, so give the second a different site name`,
    );
    return false;
  };

  const primitive = (
    d: Exclude<Dist, { kind: 'joint' | 'pushforward' }>,
  ): { dist: PlanDist; width: number } =>
    match(d)
      .returnType<{ dist: PlanDist; width: number }>()
      .with({ kind: 'gaussian' }, (g) => ({
        dist: { kind: 'gaussian', dim: g.dim, mean: g.mean, std: g.std },
        width: g.dim,
      }))
      .with({ kind: 'gaussianMixture' }, (g) => ({
        dist: {
          kind: 'gaussianMixture',
          components: g.components.map((c) => ({
            weight: c.weight,
            mean: [...c.mean],
            scale: c.scale.map((row) => [...row]),
          })),
        },
        width: g.components[0]?.mean.length ?? 0,
      }))
      .with({ kind: 'swissRoll' }, (s) => ({
        dist: { kind: 'swissRoll', turns: s.turns, radius: s.radius, noise: s.noise },
        width: 2,
      }))
      .with({ kind: 'categorical' }, (c) => ({
        dist: { kind: 'categorical', probs: [...c.probs] },
        width: c.probs.length,
      }))
      .with({ kind: 'uniform' }, (u) => ({
        dist: { kind: 'uniform', dim: u.dim, low: u.low, high: u.high },
        width: u.dim,
      }))
      .exhaustive();

  /** Draw `dist` at `site` (`path` is the distribution's path): joints per part, pushforwards via their net. */
  const draw = (b: Builder, site: string, dist: Dist, rows: Rows, path: string): Val | undefined => {
    const what = `a ${dist.kind} draw of ${describeRows(rows)}`;
    if (!claimSite(b, site, JSON.stringify([dist, rows]), what, path)) return undefined;
    return match(dist)
      .returnType<Val | undefined>()
      .with({ kind: 'joint' }, (j) => {
        const parts = j.parts.map((p, i) => draw(b, `${site}/${i}`, p, rows, `${path}.parts[${i}]`));
        const drawn = defined(parts);
        return drawn === undefined ? undefined : concatVals(b, drawn, path);
      })
      .with({ kind: 'pushforward' }, (p) => {
        const base = draw(b, `${site}/base`, p.base, rows, `${path}.base`);
        return applyNet(b, p.net, base, path, `${path}.net`);
      })
      .with({ kind: P.union('gaussian', 'gaussianMixture', 'swissRoll', 'categorical', 'uniform') }, (d) => {
        const { dist: planDist, width } = primitive(d);
        return emit(b, { kind: 'sample', site, dist: planDist }, [width], rows);
      })
      .exhaustive();
  };

  // ---- expressions ----

  const concatVals = (b: Builder, parts: readonly Val[], path: string): Val | undefined => {
    const first = parts[0];
    if (first === undefined) return undefined;
    let ok = true;
    parts.forEach((p, i) => {
      if (p.shape.length !== 1) {
        report(
          `${path}.parts[${i}]`,
          'not-flat',
          `concat joins flat values, but this part has ${describeShape(p.shape)}`,
        );
        ok = false;
      } else if (!sameRows(p.rows, first.rows)) {
        report(
          path,
          'row-mismatch',
          `concat of values with different row counts: ${describeRows(first.rows)} (parts[0]) and ` +
            `${describeRows(p.rows)} (parts[${i}])`,
        );
        ok = false;
      }
    });
    if (!ok) return undefined;
    return emit(
      b,
      { kind: 'concat', parts: parts.map((p) => p.id) },
      [parts.reduce((a, p) => a + (p.shape[0] ?? 0), 0)],
      first.rows,
    );
  };

  /** The values, if every one of them could be lowered. */
  const defined = (vals: readonly (Val | undefined)[]): readonly Val[] | undefined =>
    vals.every((v) => v !== undefined) ? (vals as readonly Val[]) : undefined;

  const expr = (b: Builder, e: Expr, path: string): Val | undefined => once(e, () => exprOnce(b, e, path));

  const exprOnce = (b: Builder, e: Expr, path: string): Val | undefined =>
    match(e)
      .returnType<Val | undefined>()
      .with({ kind: 'input' }, () => emit(b, { kind: 'input' }, model.data.x, 'batch'))
      .with({ kind: 'label' }, () => {
        b.labelReads.push(path);
        return emit(b, { kind: 'label' }, [], 'batch');
      })
      .with({ kind: 'oneHot' }, (o) => {
        const of = expr(b, o.of, `${path}.of`);
        if (!isPositiveInt(o.classes)) {
          report(
            `${path}.classes`,
            'out-of-range',
            `oneHot classes must be a positive integer, got ${o.classes}`,
          );
          return undefined;
        }
        if (of === undefined) return undefined;
        if (of.shape.length !== 0) {
          report(
            `${path}.of`,
            'not-class-indices',
            `oneHot needs class indices (label()), but gets ${describeShape(of.shape)}`,
          );
          return undefined;
        }
        return emit(b, { kind: 'oneHot', of: of.id, classes: o.classes }, [o.classes], of.rows);
      })
      .with({ kind: 'apply' }, (a) =>
        applyNet(b, a.net, expr(b, a.input, `${path}.input`), path, `${path}.net`),
      )
      .with({ kind: 'sample' }, (s) => {
        const issues = distIssues(s.dist, `${path}.dist`);
        issues.forEach((i) => report(i.path, i.code, i.message));
        if (s.batch !== undefined && !isPositiveInt(s.batch)) {
          report(
            `${path}.batch`,
            'out-of-range',
            `a sample's batch must be a positive integer, got ${s.batch}`,
          );
          return undefined;
        }
        if (issues.length > 0) return undefined;
        return draw(b, s.site, s.dist, s.batch ?? 'batch', `${path}.dist`);
      })
      .with({ kind: 'concat' }, (c) => {
        if (c.parts.length === 0) {
          report(`${path}.parts`, 'empty-list', 'concat needs at least one part');
          return undefined;
        }
        const parts = defined(c.parts.map((p, i) => expr(b, p, `${path}.parts[${i}]`)));
        return parts === undefined ? undefined : concatVals(b, parts, path);
      })
      .with({ kind: 'slice' }, (s) => {
        const of = expr(b, s.of, `${path}.of`);
        if (of === undefined) return undefined;
        const width = of.shape[0];
        if (of.shape.length !== 1 || width === undefined) {
          report(
            `${path}.of`,
            'not-flat',
            `slice takes columns of a flat value, but gets ${describeShape(of.shape)}`,
          );
          return undefined;
        }
        const inRange =
          Number.isInteger(s.start) && s.start >= 0 && isPositiveInt(s.width) && s.start + s.width <= width;
        if (!inRange) {
          report(
            path,
            'out-of-range',
            `slice [${s.start}, ${s.start + s.width}) is out of range for a value of width ${width} ` +
              `(start must be a whole number ≥ 0, width ≥ 1, start + width ≤ ${width})`,
          );
          return undefined;
        }
        return emit(b, { kind: 'slice', of: of.id, start: s.start, width: s.width }, [s.width], of.rows);
      })
      .with({ kind: 'add' }, (a) => {
        if (a.terms.length === 0) {
          report(`${path}.terms`, 'empty-list', 'add needs at least one term');
          return undefined;
        }
        const terms = defined(a.terms.map((t, i) => expr(b, t, `${path}.terms[${i}]`)));
        if (terms === undefined) return undefined;
        const first = terms[0];
        if (first === undefined) return undefined;
        const shapeClash = terms.findIndex((t) => !sameShape(t.shape, first.shape));
        if (shapeClash >= 0) {
          report(
            path,
            'width-mismatch',
            `add of different widths: ${describeShape(first.shape)} (terms[0]) and ` +
              `${describeShape(terms[shapeClash]?.shape ?? [])} (terms[${shapeClash}])`,
          );
          return undefined;
        }
        const rowClash = terms.findIndex((t) => !sameRows(t.rows, first.rows));
        if (rowClash >= 0) {
          report(
            path,
            'row-mismatch',
            `add of values with different row counts: ${describeRows(first.rows)} (terms[0]) and ` +
              `${describeRows(terms[rowClash]?.rows ?? 'batch')} (terms[${rowClash}])`,
          );
          return undefined;
        }
        return emit(b, { kind: 'add', terms: terms.map((t) => t.id) }, first.shape, first.rows);
      })
      .with({ kind: 'gaussianCode' }, (g) => {
        const params = expr(b, g.params, `${path}.params`);
        if (params === undefined) return undefined;
        const width = params.shape[0];
        if (params.shape.length !== 1 || width === undefined || width % 2 !== 0) {
          report(
            `${path}.params`,
            'odd-code-width',
            `a gaussianCode's params are [mean | log-variance] and need an even width, but get ` +
              describeShape(params.shape),
          );
          return undefined;
        }
        const what = `gaussianCode noise of width ${width / 2} and ${describeRows(params.rows)}`;
        if (!claimSite(b, g.site, `gaussianCode ${width / 2} ${params.rows}`, what, path)) return undefined;
        return emit(b, { kind: 'gaussianCode', site: g.site, params: params.id }, [width / 2], params.rows);
      })
      .with({ kind: 'stopGradient' }, (s) => {
        const of = expr(b, s.of, `${path}.of`);
        return of === undefined ? undefined : emit(b, { kind: 'stopGradient', of: of.id }, of.shape, of.rows);
      })
      .with({ kind: 'features' }, (f) => netFeatures(b, f, path))
      .exhaustive();

  // ---- losses ----

  const scalar = (b: Builder, op: Op): Val => emit(b, op, [], 'scalar');

  /** Two operands a loss compares elementwise must agree in shape and rows. */
  const comparable = (
    node: object,
    path: string,
    what: string,
    [aName, a]: readonly [string, Val],
    [bName, bv]: readonly [string, Val],
  ): boolean => {
    if (!sameShape(a.shape, bv.shape)) {
      report(
        path,
        'width-mismatch',
        `${what} ${aName} has ${describeShape(a.shape)} but ${bName} has ${describeShape(bv.shape)}`,
      );
      return false;
    }
    if (!sameRows(a.rows, bv.rows)) {
      report(
        path,
        'row-mismatch',
        `${what} ${aName} has ${describeRows(a.rows)} but ${bName} has ${describeRows(bv.rows)}`,
      );
      return false;
    }
    return true;
  };

  /** The fake values a game's critic scores, each with its path (a GAN may score several sets). */
  const gameFakes = (game: Game, path: string): readonly (readonly [Expr, string])[] =>
    game.kind === 'gan'
      ? game.fake.map((f, i) => [f, `${path}.game.fake[${i}]`] as const)
      : [[game.fake, `${path}.game.fake`] as const];

  /** The loss instruction of one view of a game, given the critic's outputs on real and fake. */
  const gameOp = (game: Game, view: GameView, real: ValueId, fake: readonly ValueId[]): Op =>
    match(game)
      .returnType<Op>()
      .with({ kind: 'gan' }, (g) =>
        view === 'critic'
          ? { kind: 'ganCritic', form: g.form, real, fake }
          : { kind: 'ganGenerator', form: g.form, fake },
      )
      .with({ kind: 'witness' }, () => ({
        kind: view === 'critic' ? 'witnessCritic' : 'witnessGenerator',
        real,
        fake: fake[0] ?? real,
      }))
      .with({ kind: 'fgan' }, (g) => ({
        kind: view === 'critic' ? 'fganCritic' : 'fganGenerator',
        divergence: g.divergence,
        real,
        fake: fake[0] ?? real,
      }))
      .exhaustive();

  const gameLoss = (b: Builder, game: Game, view: GameView, path: string, sign: number) => {
    const decl = nets.get(game.critic)?.decl;
    if (decl === undefined) unknownNet(`${path}.game.critic`, game.critic);
    else if (decl.role !== 'critic')
      report(
        `${path}.game.critic`,
        'not-a-critic',
        `'${game.critic}' is not a critic, and games only accept critics (declare it with critic(...))`,
      );
    const fakeExprs = gameFakes(game, path);
    if (fakeExprs.length === 0)
      report(`${path}.game.fake`, 'empty-list', 'a game needs at least one fake value');
    const real = expr(b, game.real, `${path}.game.real`);
    const fakes = fakeExprs.map(([f, at]) => expr(b, f, at));
    if (decl?.role !== 'critic' || fakeExprs.length === 0) return undefined;
    const score = (x: Val | undefined, at: string) => applyNet(b, game.critic, x, at, `${path}.game.critic`);
    const realLogit = score(real, `${path}.game.real`);
    const fakeLogits = defined(fakes.map((f, i) => score(f, fakeExprs[i]?.[1] ?? `${path}.game.fake`)));
    if (realLogit === undefined || fakeLogits === undefined) return undefined;
    const value = scalar(
      b,
      gameOp(
        game,
        view,
        realLogit.id,
        fakeLogits.map((f) => f.id),
      ),
    );
    b.games.push({
      path,
      critic: game.critic,
      declared: view,
      effective: sign < 0 ? flip(view) : view,
      value: value.id,
    });
    return value;
  };

  /** A sum and its summands (the phase logs each summand as its own term). */
  const sumLoss = (
    b: Builder,
    s: Extract<Loss, { kind: 'sum' }>,
    path: string,
    sign: number,
  ): { readonly value: Val; readonly parts: readonly Val[] } | undefined => {
    if (s.terms.length === 0) {
      report(`${path}.terms`, 'empty-list', 'sum needs at least one term');
      return undefined;
    }
    const parts = defined(s.terms.map((t, i) => loss(b, t, `${path}.terms[${i}]`, sign)));
    if (parts === undefined) return undefined;
    return { value: scalar(b, { kind: 'sum', of: parts.map((t) => t.id) }), parts };
  };

  const loss = (b: Builder, l: Loss, path: string, sign: number): Val | undefined =>
    once(l, () => lossOnce(b, l, path, sign));

  const lossOnce = (b: Builder, l: Loss, path: string, sign: number): Val | undefined =>
    match(l)
      .returnType<Val | undefined>()
      .with({ kind: 'reconstruction' }, (r) => {
        const target = expr(b, r.target, `${path}.target`);
        const output = expr(b, r.output, `${path}.output`);
        if (target === undefined || output === undefined) return undefined;
        if (!comparable(r, path, 'reconstruction', ['target', target], ['output', output])) return undefined;
        return scalar(b, { kind: 'reconstruction', metric: r.metric, target: target.id, output: output.id });
      })
      .with({ kind: 'game' }, (g) => gameLoss(b, g.game, g.view, path, sign))
      .with({ kind: 'mmd' }, (m) => {
        const a = expr(b, m.a, `${path}.a`);
        const bv = expr(b, m.b, `${path}.b`);
        const badSigma = m.kernel.sigmas.findIndex((s) => !(Number.isFinite(s) && s > 0));
        if (m.kernel.sigmas.length === 0)
          report(`${path}.kernel.sigmas`, 'empty-list', 'an RBF kernel needs at least one sigma');
        else if (badSigma >= 0)
          report(
            `${path}.kernel.sigmas[${badSigma}]`,
            'out-of-range',
            `RBF sigmas must be > 0, got ${m.kernel.sigmas[badSigma]}`,
          );
        if (a === undefined || bv === undefined || m.kernel.sigmas.length === 0 || badSigma >= 0)
          return undefined;
        if (a.shape.length !== 1 || !sameShape(a.shape, bv.shape)) {
          report(
            path,
            'width-mismatch',
            `mmd of different widths: a has ${describeShape(a.shape)}, b has ${describeShape(bv.shape)}`,
          );
          return undefined;
        }
        return scalar(b, { kind: 'mmd', a: a.id, b: bv.id, sigmas: [...m.kernel.sigmas] });
      })
      .with({ kind: 'crossEntropy' }, (c) => {
        const probs = expr(b, c.probs, `${path}.probs`);
        const target = expr(b, c.target, `${path}.target`);
        if (probs === undefined || target === undefined) return undefined;
        if (!comparable(c, path, 'crossEntropy', ['probs', probs], ['target', target])) return undefined;
        return scalar(b, { kind: 'crossEntropy', probs: probs.id, target: target.id });
      })
      .with({ kind: 'klGaussian' }, (k) => {
        if (k.code.kind !== 'gaussianCode') {
          report(
            `${path}.code`,
            'kl-needs-gaussian-code',
            `klGaussian is the KL of a gaussianCode(...) value's mean and log-variance, but gets ${anExpression(k.code.kind)}`,
          );
          return undefined;
        }
        const code = expr(b, k.code, `${path}.code`);
        const params = expr(b, k.code.params, `${path}.code.params`);
        if (code === undefined || params === undefined) return undefined;
        return scalar(b, { kind: 'klGaussian', params: params.id });
      })
      .with({ kind: 'l2' }, (l) => {
        const decl = nets.get(l.net)?.decl;
        if (decl === undefined) return unknownNet(`${path}.net`, l.net);
        if (!decl.trainable) {
          report(
            `${path}.net`,
            'frozen-net',
            `l2 penalizes the trainable parameters of '${l.net}', but it is frozen (trainable: false), so the term is constant`,
          );
          return undefined;
        }
        return scalar(b, { kind: 'l2', net: l.net });
      })
      .with({ kind: 'mutualInformation' }, (m) => {
        const probs = expr(b, m.probs, `${path}.probs`);
        const code = expr(b, m.code, `${path}.code`);
        const dist = m.code.kind === 'sample' ? m.code.dist : undefined;
        if (dist?.kind !== 'categorical') {
          const got = dist === undefined ? anExpression(m.code.kind) : `a draw from a ${dist.kind}`;
          report(
            `${path}.code`,
            'mi-needs-categorical-sample',
            `mutualInformation needs the categorical draw s itself (sample(site, categorical(k))), ` +
              `whose entropy H(s) its bound uses, but gets ${got}`,
          );
          return undefined;
        }
        if (probs === undefined || code === undefined) return undefined;
        if (!comparable(m, path, 'mutualInformation', ['probs', probs], ['code', code])) return undefined;
        return scalar(b, {
          kind: 'mutualInformation',
          probs: probs.id,
          code: code.id,
          entropy: categoricalEntropy(dist.probs),
        });
      })
      .with({ kind: 'scale' }, (s) => {
        if (!Number.isFinite(s.by)) {
          report(`${path}.by`, 'out-of-range', `scale factor must be a finite number, got ${s.by}`);
          return undefined;
        }
        const term = loss(b, s.term, `${path}.term`, s.by < 0 ? -sign : sign);
        return term === undefined ? undefined : scalar(b, { kind: 'scale', by: s.by, of: term.id });
      })
      .with({ kind: 'sum' }, (s) => sumLoss(b, s, path, sign)?.value)
      .exhaustive();

  // ---- programs ----

  const phase = (l: Loss, path: string): LoweredProgram | undefined => {
    const b = newBuilder();
    const lowered =
      l.kind === 'sum'
        ? sumLoss(b, l, path, 1)
        : ((value: Val | undefined) => (value === undefined ? undefined : { value, parts: [] }))(
            loss(b, l, path, 1),
          );
    if (lowered === undefined) return undefined;
    const labels = ['loss', ...(l.kind === 'sum' ? summandLabels(l.terms) : [])];
    const values = [lowered.value, ...lowered.parts];
    return finish(
      b,
      lowered.value.id,
      values.map((v, i) => ({ label: labels[i] ?? 'loss', value: v.id })),
    );
  };

  const view = (e: Expr, path: string): LoweredProgram | undefined => {
    const b = newBuilder();
    const out = expr(b, e, path);
    return out === undefined ? undefined : finish(b, out.id, []);
  };

  return {
    phase,
    view,
    nets: () =>
      new Map(
        [...nets].map(([name, s]) => [
          name,
          { decl: s.decl, path: s.path, applied: s.applied, plan: s.plan },
        ]),
      ),
  };
};
