/**
 * Declaration checks: what can be said about a model before lowering any expression.
 *
 * Names are unique and references resolve (nets a phase updates, streams it reads), the schedule is
 * a schedule (non-empty, repeat counts whole, simultaneous groups single-step), every trainable net
 * has a phase that trains it, and every hyperparameter is in range. Each check returns errors with
 * the path of the offending field; none stops the others.
 *
 * @module
 */
import type { Model, Phase, Step, StreamDecl } from '../dsl/ast.js';
import { issue, type CompileError } from '../dsl/errors.js';
import { isPositiveInt, layerIssues, optimizerIssues } from './ranges.js';

// -------------------------------------------------------------------------------------------------
// the phases of a schedule
// -------------------------------------------------------------------------------------------------

/** A phase with where it was declared and whether it sits in a simultaneous group. */
export interface PhaseSite {
  readonly phase: Phase;
  /** `schedule[1]` or `schedule[2].phases[0]`. */
  readonly path: string;
  readonly simultaneous: boolean;
}

/** Every phase of a schedule in order, simultaneous groups flattened, each with its path. */
export const phaseSites = (schedule: readonly Step[]): readonly PhaseSite[] =>
  schedule.flatMap((step, i): PhaseSite[] =>
    step.kind === 'phase'
      ? [{ phase: step, path: `schedule[${i}]`, simultaneous: false }]
      : step.phases.map((phase, j) => ({ phase, path: `schedule[${i}].phases[${j}]`, simultaneous: true })),
  );

// -------------------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------------------

/** `duplicate net name 'x' (first declared at nets[0])` for every repeat of a name. */
const duplicates = (
  items: readonly { readonly name: string; readonly path: string }[],
  what: string,
): CompileError[] => {
  const first = new Map<string, string>();
  return items.flatMap(({ name, path }) => {
    const seen = first.get(name);
    if (seen === undefined) {
      first.set(name, path);
      return [];
    }
    return [issue(path, 'duplicate-name', `duplicate ${what} name '${name}' (first declared at ${seen})`)];
  });
};

const dataErrors = (model: Model): CompileError[] => [
  ...(model.data.x.length === 0
    ? [issue('data.x', 'empty-list', 'the example shape must have at least one dimension')]
    : []),
  ...model.data.x.flatMap((d, i) =>
    isPositiveInt(d)
      ? []
      : [issue(`data.x[${i}]`, 'out-of-range', `example dimensions must be positive integers, got ${d}`)],
  ),
  ...(isPositiveInt(model.data.classes)
    ? []
    : [
        issue(
          'data.classes',
          'out-of-range',
          `the number of classes must be a positive integer, got ${model.data.classes}`,
        ),
      ]),
];

const netErrors = (model: Model): CompileError[] => [
  ...duplicates(
    model.nets.map((n, i) => ({ name: n.name, path: `nets[${i}].name` })),
    'net',
  ),
  ...model.nets.flatMap((net, i) => [
    ...(net.name === ''
      ? [issue(`nets[${i}].name`, 'invalid-name', 'a net needs a non-empty name')]
      : net.name.includes('/')
        ? [
            issue(
              `nets[${i}].name`,
              'invalid-name',
              `net name '${net.name}' may not contain '/' (parameter names are <net>/<layer>/<role>)`,
            ),
          ]
        : []),
    ...(net.layers.length === 0
      ? [issue(`nets[${i}].layers`, 'empty-list', `net '${net.name}' has no layers`)]
      : []),
    ...net.layers.flatMap((layer, j) => layerIssues(layer, `nets[${i}].layers[${j}]`)),
  ]),
];

const labelsCountErrors = (stream: StreamDecl, path: string, classes: number): CompileError[] => {
  if (typeof stream.labels === 'string') return [];
  const { count } = stream.labels;
  if (!isPositiveInt(count))
    return [
      issue(
        `${path}.labels.count`,
        'out-of-range',
        `stream '${stream.name}' needs a positive whole number of labeled examples, got ${count}`,
      ),
    ];
  if (isPositiveInt(classes) && count % classes !== 0)
    return [
      issue(
        `${path}.labels.count`,
        'unbalanced-labels',
        `stream '${stream.name}' asks for ${count} labeled examples, but a balanced subset needs a ` +
          `multiple of the ${classes} classes`,
      ),
    ];
  return [];
};

const streamErrors = (model: Model): CompileError[] => [
  ...duplicates(
    model.streams.map((s, i) => ({ name: s.name, path: `streams[${i}].name` })),
    'stream',
  ),
  ...model.streams.flatMap((s, i) => labelsCountErrors(s, `streams[${i}]`, model.data.classes)),
];

const phaseErrors = (model: Model, site: PhaseSite): CompileError[] => {
  const { phase, path } = site;
  const nets = new Map(model.nets.map((n) => [n.name, n]));
  const streams = model.streams.map((s) => s.name);
  const seen = new Set<string>();
  return [
    ...(phase.name === '' ? [issue(`${path}.name`, 'invalid-name', 'a phase needs a non-empty name')] : []),
    ...(isPositiveInt(phase.repeat)
      ? site.simultaneous && phase.repeat !== 1
        ? [
            issue(
              `${path}.repeat`,
              'simultaneous-repeat',
              `phase '${phase.name}' is in a simultaneous group, where every phase takes exactly one step (repeat 1), but has repeat ${phase.repeat}`,
            ),
          ]
        : []
      : [
          issue(
            `${path}.repeat`,
            'out-of-range',
            `phase '${phase.name}' repeat must be a whole number ≥ 1, got ${phase.repeat}`,
          ),
        ]),
    ...optimizerIssues(phase.optimizer, `${path}.optimizer`),
    ...(streams.includes(phase.data)
      ? []
      : [
          issue(
            `${path}.data`,
            'unknown-stream',
            `phase '${phase.name}' reads unknown stream '${phase.data}' (streams: ${streams.map((s) => `'${s}'`).join(', ') || 'none'})`,
          ),
        ]),
    ...(phase.update.length === 0
      ? [
          issue(
            `${path}.update`,
            'empty-list',
            `phase '${phase.name}' updates no nets, so it would change nothing`,
          ),
        ]
      : []),
    ...phase.update.flatMap((name, j): CompileError[] => {
      const at = `${path}.update[${j}]`;
      const net = nets.get(name);
      if (seen.has(name))
        return [issue(at, 'duplicate-update', `phase '${phase.name}' lists '${name}' twice`)];
      seen.add(name);
      if (net === undefined)
        return [
          issue(
            at,
            'unknown-net',
            `phase '${phase.name}' updates unknown net '${name}' (declared nets: ${model.nets.map((n) => `'${n.name}'`).join(', ') || 'none'})`,
          ),
        ];
      if (!net.trainable)
        return [
          issue(
            at,
            'frozen-net',
            `phase '${phase.name}' updates '${name}', which is frozen (trainable: false)`,
          ),
        ];
      return [];
    }),
  ];
};

const scheduleErrors = (model: Model): CompileError[] => {
  const sites = phaseSites(model.schedule);
  const updated = new Set(sites.flatMap((s) => s.phase.update));
  return [
    ...(model.schedule.length === 0
      ? [issue('schedule', 'empty-list', 'the schedule is empty: a model needs at least one phase to train')]
      : []),
    ...model.schedule.flatMap((step, i) =>
      step.kind === 'simultaneous' && step.phases.length === 0
        ? [issue(`schedule[${i}].phases`, 'empty-list', 'a simultaneous group needs at least one phase')]
        : [],
    ),
    ...duplicates(
      sites.map((s) => ({ name: s.phase.name, path: `${s.path}.name` })),
      'phase',
    ),
    ...sites.flatMap((s) => phaseErrors(model, s)),
    ...model.nets.flatMap((net, i) =>
      net.trainable && !updated.has(net.name)
        ? [
            issue(
              `nets[${i}]`,
              'never-updated',
              `net '${net.name}' is trainable but no phase updates it (add it to a phase's update, or declare it trainable: false)`,
            ),
          ]
        : [],
    ),
  ];
};

/**
 * Every declaration-level mistake of a structurally valid model: data shape, net and layer fields,
 * names, streams, the schedule and its references, and trainable nets no phase updates.
 */
export const declarationErrors = (model: Model): CompileError[] => [
  ...(model.name === '' ? [issue('name', 'invalid-name', 'a model needs a non-empty name')] : []),
  ...dataErrors(model),
  ...netErrors(model),
  ...streamErrors(model),
  ...scheduleErrors(model),
];
