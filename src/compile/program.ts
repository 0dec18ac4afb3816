/**
 * Straight-line programs as graphs: which values an instruction reads, which of those reads carry
 * gradient, and the two program transformations the compiler needs (renumbering and dead-code
 * removal).
 *
 * One table per question, each an exhaustive match over `Op`: adding an op kind fails to
 * type-check here until its operands are described, so no pass can silently ignore a new edge.
 *
 * @module
 */
import { match } from 'ts-pattern';
import type { Instr, Op, Program, ValueId } from './plan.js';

// -------------------------------------------------------------------------------------------------
// operands
// -------------------------------------------------------------------------------------------------

/**
 * Rebuild `op` with every operand id passed through `f`. Everything else (sites, distributions,
 * forms) is kept as is; this is the single place that knows where ids live inside an op.
 */
export const mapOperands = (op: Op, f: (id: ValueId) => ValueId): Op =>
  match(op)
    .returnType<Op>()
    .with({ kind: 'input' }, { kind: 'label' }, { kind: 'sample' }, (o) => o)
    .with({ kind: 'oneHot' }, (o) => ({ ...o, of: f(o.of) }))
    .with({ kind: 'apply' }, (o) => ({ ...o, input: f(o.input) }))
    .with({ kind: 'concat' }, (o) => ({ ...o, parts: o.parts.map(f) }))
    .with({ kind: 'slice' }, (o) => ({ ...o, of: f(o.of) }))
    .with({ kind: 'add' }, (o) => ({ ...o, terms: o.terms.map(f) }))
    .with({ kind: 'gaussianCode' }, (o) => ({ ...o, params: f(o.params) }))
    .with({ kind: 'stopGradient' }, (o) => ({ ...o, of: f(o.of) }))
    .with({ kind: 'features' }, (o) => ({ ...o, input: f(o.input) }))
    .with({ kind: 'reconstruction' }, (o) => ({ ...o, target: f(o.target), output: f(o.output) }))
    .with({ kind: 'ganCritic' }, (o) => ({ ...o, real: f(o.real), fake: o.fake.map(f) }))
    .with({ kind: 'ganGenerator' }, (o) => ({ ...o, fake: o.fake.map(f) }))
    .with(
      { kind: 'witnessCritic' },
      { kind: 'witnessGenerator' },
      { kind: 'fganCritic' },
      { kind: 'fganGenerator' },
      (o) => ({ ...o, real: f(o.real), fake: f(o.fake) }),
    )
    .with({ kind: 'l2' }, (o) => o)
    .with({ kind: 'mmd' }, (o) => ({ ...o, a: f(o.a), b: f(o.b) }))
    .with({ kind: 'crossEntropy' }, (o) => ({ ...o, probs: f(o.probs), target: f(o.target) }))
    .with({ kind: 'klGaussian' }, (o) => ({ ...o, params: f(o.params) }))
    .with({ kind: 'mutualInformation' }, (o) => ({ ...o, probs: f(o.probs), code: f(o.code) }))
    .with({ kind: 'scale' }, (o) => ({ ...o, of: f(o.of) }))
    .with({ kind: 'sum' }, (o) => ({ ...o, of: o.of.map(f) }))
    .exhaustive();

/** Every value `op` reads, in operand order (duplicates kept). */
export const operands = (op: Op): readonly ValueId[] => {
  const ids: ValueId[] = [];
  mapOperands(op, (id) => {
    ids.push(id);
    return id;
  });
  return ids;
};

/**
 * The operands through which a gradient flows back. `stopGradient` blocks by definition; `oneHot`
 * reads integer class indices, which have no gradient. Everything else is differentiable in all of
 * its operands (sampling ops have none: reparameterization lives in `gaussianCode`, whose
 * `params` operand carries the gradient).
 */
export const differentiableOperands = (op: Op): readonly ValueId[] =>
  op.kind === 'stopGradient' || op.kind === 'oneHot' ? [] : operands(op);

// -------------------------------------------------------------------------------------------------
// analyses
// -------------------------------------------------------------------------------------------------

/**
 * The nets whose parameters the value `from` depends on through a differentiable path: what a
 * phase minimizing `from` can actually move. Used to reject phases that update a net their loss
 * cannot see, and to spot games whose critic view would train the critic's opponent.
 */
export const differentiableNets = (program: Program, from: ValueId): ReadonlySet<string> => {
  const nets = new Set<string>();
  const seen = new Set<ValueId>();
  const stack: ValueId[] = [from];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const instr = program.instrs[id];
    if (instr === undefined) continue;
    // A net's parameters enter through its applications (whole or a prefix, `features`) and through
    // penalties on them (`l2`).
    if (instr.op.kind === 'apply' || instr.op.kind === 'features' || instr.op.kind === 'l2')
      nets.add(instr.op.net);
    stack.push(...differentiableOperands(instr.op));
  }
  return nets;
};

// -------------------------------------------------------------------------------------------------
// transformations
// -------------------------------------------------------------------------------------------------

/**
 * Keep only the instructions `roots` need, renumbered densely in their original (dependency)
 * order. Lowering may emit helpers that end up unused (the real-data critic logits of a game's
 * generator view, a `gaussianCode` whose KL only reads its parameters); this removes them so the
 * runtime never computes what the loss does not read. Returns the pruned instructions and the
 * old-id → new-id map.
 */
export const prune = (
  instrs: readonly Instr[],
  roots: readonly ValueId[],
): { readonly instrs: readonly Instr[]; readonly renumber: ReadonlyMap<ValueId, ValueId> } => {
  const live = new Set<ValueId>();
  const stack = [...roots];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (live.has(id)) continue;
    live.add(id);
    const instr = instrs[id];
    if (instr !== undefined) stack.push(...operands(instr.op));
  }
  const renumber = new Map<ValueId, ValueId>();
  const kept: Instr[] = [];
  for (const instr of instrs) {
    if (!live.has(instr.id)) continue;
    const id = kept.length;
    renumber.set(instr.id, id);
    kept.push({ ...instr, id, op: mapOperands(instr.op, (old) => renumber.get(old) ?? old) });
  }
  return { instrs: kept, renumber };
};
