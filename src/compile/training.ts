/**
 * Training checks: what needs the lowered programs to be seen.
 *
 * Whether a phase's loss can move the nets it updates (a differentiable path, not only through
 * `stopGradient`), whether each game view is minimized by the right player (the classic sign bug),
 * whether a phase reads labels its stream hides, and whether every net is applied and every critic
 * scores with one unit.
 *
 * @module
 */
import type { GameView, Model } from '../dsl/ast.js';
import type { PhaseSite } from './checks.js';
import type { LoweredProgram, NetUse } from './lower.js';
import { issue, type CompileError } from '../dsl/errors.js';
import { differentiableNets } from './program.js';
import { describeShape, sameShape } from './shapes.js';

// -------------------------------------------------------------------------------------------------
// phases
// -------------------------------------------------------------------------------------------------

const viewName = (view: GameView): string => `the ${view} view`;

/**
 * The game sign rule. A critic view must be minimized by a phase that updates the critic and none
 * of the nets its fakes come from (they would learn to help the critic); a generator view by a
 * phase that does not update the critic (it would learn to lose). A negative `scale` swaps views.
 */
const gameErrors = (site: PhaseSite, lowered: LoweredProgram): CompileError[] =>
  lowered.games.flatMap((use): CompileError[] => {
    const { phase } = site;
    const updatesCritic = phase.update.includes(use.critic);
    const flipped =
      use.declared === use.effective
        ? ''
        : ` (it is written as ${viewName(use.declared)}, but a negative scale above it makes it ${viewName(use.effective)})`;
    if (use.effective === 'generator')
      return updatesCritic
        ? [
            issue(
              use.path,
              'wrong-player',
              `phase '${phase.name}' minimizes ${viewName(use.effective)} of the game of critic '${use.critic}' ` +
                `but also updates '${use.critic}'${flipped}: the critic would learn to lose — the classic sign bug. ` +
                `Update '${use.critic}' in the phase that minimizes the critic view.`,
            ),
          ]
        : [];
    if (!updatesCritic)
      return [
        issue(
          use.path,
          'wrong-player',
          `phase '${phase.name}' minimizes ${viewName(use.effective)} of the game of critic '${use.critic}' ` +
            `but does not update '${use.critic}'${flipped}: its nets would learn to help the critic — the classic ` +
            `sign bug. Minimize the game's generator view here instead.`,
        ),
      ];
    const opponents = differentiableNets(lowered.program, use.value);
    return phase.update
      .filter((n) => n !== use.critic && opponents.has(n))
      .map((n) =>
        issue(
          use.path,
          'wrong-player',
          `phase '${phase.name}' minimizes ${viewName(use.effective)} of the game of critic '${use.critic}' and ` +
            `also updates '${n}', which the critic scores${flipped}: '${n}' would learn to help the critic — the ` +
            `classic sign bug. Train '${n}' on the generator view in another phase (or stopGradient its output here).`,
        ),
      );
  });

/**
 * Every mistake of one phase that only its lowered program reveals: updated nets its loss cannot
 * move, game views minimized by the wrong player, labels read from a stream without them.
 */
export const phaseTrainingErrors = (
  model: Model,
  site: PhaseSite,
  lowered: LoweredProgram,
): CompileError[] => {
  const { phase, path } = site;
  const reached = differentiableNets(lowered.program, lowered.program.output);
  const stream = model.streams.find((s) => s.name === phase.data);
  return [
    ...phase.update.flatMap((name, j) =>
      model.nets.some((n) => n.name === name && n.trainable) && !reached.has(name)
        ? [
            issue(
              `${path}.update[${j}]`,
              'loss-ignores-net',
              `phase '${phase.name}' updates '${name}' but its loss does not depend on it (through any path a gradient can follow)`,
            ),
          ]
        : [],
    ),
    ...gameErrors(site, lowered),
    ...(stream?.labels === 'none'
      ? lowered.labelReads.map((at) =>
          issue(
            at,
            'labels-unavailable',
            `phase '${phase.name}' reads labels, but its stream '${stream.name}' has labels: 'none' (read a labeled stream in this phase)`,
          ),
        )
      : []),
  ];
};

// -------------------------------------------------------------------------------------------------
// nets
// -------------------------------------------------------------------------------------------------

/** Nets no phase or view applies (their input shape is unknowable), and critics not ending in one unit. */
export const netUseErrors = (nets: ReadonlyMap<string, NetUse>): CompileError[] =>
  [...nets.values()].flatMap((use): CompileError[] => {
    if (!use.applied)
      return [
        issue(
          use.path,
          'never-applied',
          `net '${use.decl.name}' is never applied in any phase or view, so its input shape cannot be inferred (apply it, or remove it)`,
        ),
      ];
    const plan = use.plan;
    if (use.decl.role !== 'critic' || plan === undefined || sameShape(plan.outShape, [1])) return [];
    const lastDense = use.decl.layers.findLastIndex((l) => l.kind === 'dense');
    return [
      issue(
        lastDense >= 0 ? `${use.path}.layers[${lastDense}].units` : `${use.path}.layers`,
        'critic-not-one-unit',
        `critic '${use.decl.name}' must end in one unit (one score per example), but its output has ${describeShape(plan.outShape)}`,
      ),
    ];
  });
