/**
 * The compiler: a declared `Model` in, every mistake or an executable `Plan` out.
 *
 * `compile` is pure and total. It first makes sure the value really is a model (anything can be
 * cast to `Model`), then runs every check — declaration checks, shape inference while lowering,
 * and the training checks on the lowered programs — and returns all errors at once, each with a
 * path into the model and a sentence a user understands. Only a model with no error becomes a Plan.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compile, explain } from 'saddle/compile';
 * const plan = compile(buildAae(aaeDefaults));
 * if (E.isRight(plan)) console.log(explain(plan.right));
 * else for (const e of plan.left) console.error(`${e.path}: ${e.message}`);
 *
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../dsl/ast.js';
import { decodeModel } from '../dsl/codec.js';
import { declarationErrors, phaseSites } from './checks.js';
import { structuralErrors } from './guard.js';
import { createLowering, type LoweredProgram } from './lower.js';
import type { CompileError, Plan, PlanNet, PlanPhase, PlanStep, Program } from './plan.js';
import { netUseErrors, phaseTrainingErrors } from './training.js';

export { explain } from './explain.js';
export type { CompileError, Plan } from './plan.js';

/** Keep the first of identical errors (a node shared by two losses can be reached twice). */
const dedupe = (errors: readonly CompileError[]): CompileError[] => {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Compile a model already known to be structurally a `Model`. */
const compileWellTyped = (model: Model): E.Either<readonly CompileError[], Plan> => {
  const errors: CompileError[] = declarationErrors(model);
  const lowering = createLowering(model, (path, code, message) => errors.push({ path, code, message }));

  const sites = phaseSites(model.schedule);
  const phasePrograms = sites.map((site) => lowering.phase(site.phase.minimize, `${site.path}.minimize`));
  const viewNames = (['sample', 'encode', 'prior', 'reconstruct', 'classify'] as const).filter(
    (v) => model.views[v] !== undefined,
  );
  const viewPrograms = viewNames.map((v) => {
    const e = model.views[v];
    return [v, e === undefined ? undefined : lowering.view(e, `views.${v}`)] as const;
  });
  const nets = lowering.nets();
  errors.push(...netUseErrors(nets));
  sites.forEach((site, i) => {
    const lowered = phasePrograms[i];
    if (lowered !== undefined) errors.push(...phaseTrainingErrors(model, site, lowered));
  });
  if (errors.length > 0) return E.left(dedupe(errors));

  const planNets = model.nets.map((n) => nets.get(n.name)?.plan);
  if (!planNets.every((n): n is PlanNet => n !== undefined)) return E.left(internal('a net was not lowered'));
  const netByName = new Map(planNets.map((n) => [n.name, n]));

  const toPhase = (i: number): PlanPhase | undefined => {
    const site = sites[i];
    const lowered: LoweredProgram | undefined = phasePrograms[i];
    if (site === undefined || lowered === undefined) return undefined;
    const { phase } = site;
    return {
      name: phase.name,
      path: site.path,
      data: phase.data,
      repeat: phase.repeat,
      optimizer: phase.optimizer,
      update: [...phase.update],
      params: phase.update.flatMap(
        (n) =>
          netByName
            .get(n)
            ?.params.filter((p) => p.trainable)
            .map((p) => p.name) ?? [],
      ),
      needsLabels: lowered.program.instrs.some((ins) => ins.op.kind === 'label'),
      program: lowered.program,
      terms: lowered.terms,
    };
  };

  let next = 0;
  const schedule: (PlanStep | undefined)[] = model.schedule.map((step) => {
    if (step.kind === 'phase') {
      const phase = toPhase(next++);
      return phase === undefined ? undefined : { kind: 'phase', phase };
    }
    const phases = step.phases.map(() => toPhase(next++));
    return phases.every((p): p is PlanPhase => p !== undefined)
      ? { kind: 'simultaneous', phases }
      : undefined;
  });
  if (!schedule.every((s): s is PlanStep => s !== undefined))
    return E.left(internal('a phase was not lowered'));

  const views: { -readonly [V in (typeof viewNames)[number]]?: Program } = {};
  for (const [name, lowered] of viewPrograms) {
    if (lowered === undefined) return E.left(internal(`view '${name}' was not lowered`));
    views[name] = lowered.program;
  }

  return E.right({
    model: model.name,
    data: model.data,
    nets: planNets,
    streams: model.streams,
    schedule,
    views,
  });
};

const internal = (what: string): CompileError[] => [
  { path: '', code: 'internal', message: `internal compiler error: ${what}; please report this model` },
];

/**
 * Check `model` and lower it to a Plan, or return every error found, so a user fixes them all in
 * one pass rather than one per run. Never throws: anything cast to `Model` (parsed JSON, a
 * half-built object) gives `Left` with errors naming where it is wrong; each error's `code` has its
 * section, with a minimal example and the fix, in `docs/errors.md`.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compile, explain, formatErrors } from 'saddle';
 * const plan = compile(model('aae', { data: mnist, nets, schedule: [rec, crit, gen] }));
 * if (E.isRight(plan)) console.log(explain(plan.right));
 * else console.error(formatErrors(plan.left)); // schedule[1].update[0]: ... [unknown-net]
 */
export const compile = (model: Model): E.Either<readonly CompileError[], Plan> => {
  try {
    const structural = structuralErrors(model as unknown);
    return structural.length > 0 ? E.left(structural) : compileWellTyped(model);
  } catch (cause) {
    return E.left(internal(cause instanceof Error ? cause.message : String(cause)));
  }
};

/**
 * Decode a JSON spec (already parsed) with the model codec, then compile it: the one call a spec
 * file needs. Decoding errors (unknown fields, wrong types) come first and stop there, since the
 * checks need a well-typed model; both kinds carry paths into the spec and codes.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compileJson, formatErrors } from 'saddle';
 * const plan = compileJson(JSON.parse(readFileSync('aae.json', 'utf8')));
 * if (E.isLeft(plan)) console.error(formatErrors(plan.left)); // nets[0].layers[0].unit: ... [unknown-field]
 */
export const compileJson = (json: unknown): E.Either<readonly CompileError[], Plan> =>
  E.flatMap(decodeModel(json), compile);
