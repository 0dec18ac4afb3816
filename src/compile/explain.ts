/**
 * `explain`: a Plan as text a person reads (`saddle explain MODEL`).
 *
 * Nets with their layer shapes and parameter counts; the schedule with, per phase, its stream,
 * repeat count, optimizer, the nets and parameters it updates, its program in evaluation order
 * (`%3 = apply discriminator(%2)   [batch × 1]`) and the loss terms it logs; then the views.
 * Pure text from pure data: what is printed is exactly what the runtime will execute.
 *
 * @module
 */
import { match, P } from 'ts-pattern';
import type { LrSchedule, Optimizer } from '../dsl/ast.js';
import type {
  Activation,
  Instr,
  Op,
  Plan,
  PlanDist,
  PlanLayer,
  PlanNet,
  PlanPhase,
  Program,
  Rows,
} from './plan.js';
import { paramCount, shapeSize } from './shapes.js';

// -------------------------------------------------------------------------------------------------
// pieces
// -------------------------------------------------------------------------------------------------

const count = (n: number): string => n.toLocaleString('en-US');

const shapeText = (shape: readonly number[]): string => `[${shape.join(' × ')}]`;

const valueType = (rows: Rows, shape: readonly number[]): string =>
  rows === 'scalar' ? '[scalar]' : `[${[rows === 'batch' ? 'batch' : String(rows), ...shape].join(' × ')}]`;

const activationText = (a: Activation): string =>
  a.fn === 'leakyRelu' ? `leakyRelu(${a.alpha})` : a.fn === 'linear' ? '' : a.fn;

const layerText = (l: PlanLayer): string =>
  match(l)
    .returnType<string>()
    .with({ op: 'dense' }, (d) =>
      [`dense ${d.outShape[0]}`, d.bias === null ? 'no bias' : '', activationText(d.activation)]
        .filter((s) => s !== '')
        .join(' + '),
    )
    .with({ op: P.union('conv2d', 'deconv2d') }, (c) =>
      [`${c.op} ${c.outShape[2]} ${c.size}×${c.size} /${c.stride} ${c.padding}`, activationText(c.activation)]
        .filter((s) => s !== '')
        .join(' + '),
    )
    .with({ op: 'activation' }, (a) => activationText(a.activation) || 'linear')
    .with({ op: 'dropout' }, (d) => `dropout ${d.rate}`)
    .with({ op: 'batchNorm' }, (b) => `batchNorm (momentum ${b.momentum}, ε ${b.epsilon})`)
    .with({ op: 'reshape' }, () => 'reshape')
    .with({ op: 'flatten' }, () => 'flatten')
    .with({ op: 'maxPool' }, (m) => `maxPool ${m.size}×${m.size} /${m.stride}`)
    .with({ op: 'randomFeatures' }, (r) => {
      const init = r.frequencies.init;
      const fixed =
        typeof init === 'object' ? ` (σ ${Number((1 / init.std).toPrecision(6))}, seed ${init.seed})` : '';
      return `randomFeatures ${r.outShape[0]}${fixed}`;
    })
    .exhaustive();

const layerParams = (l: PlanLayer): number =>
  match(l)
    .returnType<number>()
    .with({ op: 'dense' }, (d) => shapeSize(d.kernel.shape) + (d.bias === null ? 0 : shapeSize(d.bias.shape)))
    .with({ op: P.union('conv2d', 'deconv2d') }, (c) => shapeSize(c.kernel.shape) + shapeSize(c.bias.shape))
    .with({ op: 'batchNorm' }, (b) =>
      [b.gamma, b.beta, b.movingMean, b.movingVariance].reduce((a, p) => a + shapeSize(p.shape), 0),
    )
    .with({ op: 'randomFeatures' }, (r) => shapeSize(r.frequencies.shape))
    .with({ op: P.union('activation', 'dropout', 'reshape', 'flatten', 'maxPool') }, () => 0)
    .exhaustive();

const netText = (net: PlanNet): string[] => [
  `  ${net.name} (${net.role}${net.trainable ? '' : ', frozen'})  ${shapeText(net.inShape)} → ${shapeText(net.outShape)}  ` +
    `${count(paramCount(net))} parameters`,
  ...net.layers.map((l) => {
    const params = layerParams(l);
    const text = `    ${layerText(l)}`.padEnd(40);
    return `${text}${shapeText(l.inShape)} → ${shapeText(l.outShape)}${params > 0 ? `   ${count(params)}` : ''}`;
  }),
];

const distText = (d: PlanDist): string =>
  match(d)
    .returnType<string>()
    .with({ kind: 'gaussian' }, (g) => `gaussian(${g.dim}, mean ${g.mean}, std ${g.std})`)
    .with({ kind: 'gaussianMixture' }, (g) => `gaussianMixture(${g.components.length} components)`)
    .with({ kind: 'swissRoll' }, (s) => `swissRoll(turns ${s.turns}, radius ${s.radius}, noise ${s.noise})`)
    .with({ kind: 'categorical' }, (c) => `categorical(${c.probs.length})`)
    .with({ kind: 'uniform' }, (u) => `uniform(${u.dim}, ${u.low}, ${u.high})`)
    .exhaustive();

const v = (id: number): string => `%${id}`;
const vs = (ids: readonly number[]): string => ids.map(v).join(', ');

/** One instruction's right-hand side: `apply discriminator(%2)`. */
export const opText = (op: Op): string =>
  match(op)
    .returnType<string>()
    .with({ kind: 'input' }, () => 'input')
    .with({ kind: 'label' }, () => 'label')
    .with({ kind: 'oneHot' }, (o) => `oneHot(${v(o.of)}, ${o.classes})`)
    .with({ kind: 'apply' }, (o) => `apply ${o.net}(${v(o.input)})`)
    .with({ kind: 'sample' }, (o) => `sample '${o.site}' ~ ${distText(o.dist)}`)
    .with({ kind: 'concat' }, (o) => `concat(${vs(o.parts)})`)
    .with({ kind: 'slice' }, (o) => `slice(${v(o.of)}, ${o.start}, ${o.width})`)
    .with({ kind: 'add' }, (o) => `add(${vs(o.terms)})`)
    .with({ kind: 'gaussianCode' }, (o) => `gaussianCode '${o.site}'(${v(o.params)})`)
    .with({ kind: 'stopGradient' }, (o) => `stopGradient(${v(o.of)})`)
    .with({ kind: 'features' }, (o) => `features ${o.net}[:${o.layers}](${v(o.input)})`)
    .with(
      { kind: 'reconstruction' },
      (o) => `reconstruction ${o.metric}(target ${v(o.target)}, output ${v(o.output)})`,
    )
    .with({ kind: 'ganCritic' }, (o) => `ganCritic ${o.form}(real ${v(o.real)}, fake ${vs(o.fake)})`)
    .with({ kind: 'ganGenerator' }, (o) => `ganGenerator ${o.form}(fake ${vs(o.fake)})`)
    .with({ kind: 'witnessCritic' }, (o) => `witnessCritic(real ${v(o.real)}, fake ${v(o.fake)})`)
    .with({ kind: 'witnessGenerator' }, (o) => `witnessGenerator(real ${v(o.real)}, fake ${v(o.fake)})`)
    .with({ kind: 'fganCritic' }, (o) => `fganCritic ${o.divergence}(real ${v(o.real)}, fake ${v(o.fake)})`)
    .with(
      { kind: 'fganGenerator' },
      (o) => `fganGenerator ${o.divergence}(real ${v(o.real)}, fake ${v(o.fake)})`,
    )
    .with({ kind: 'l2' }, (o) => `l2(${o.net})`)
    .with({ kind: 'mmd' }, (o) => `mmd(${v(o.a)}, ${v(o.b)}; σ ${o.sigmas.join(', ')})`)
    .with({ kind: 'crossEntropy' }, (o) => `crossEntropy(probs ${v(o.probs)}, target ${v(o.target)})`)
    .with({ kind: 'klGaussian' }, (o) => `klGaussian(${v(o.params)})`)
    .with(
      { kind: 'mutualInformation' },
      (o) => `mutualInformation(probs ${v(o.probs)}, code ${v(o.code)}; H ${o.entropy.toFixed(4)})`,
    )
    .with({ kind: 'scale' }, (o) => `scale(${o.by}, ${v(o.of)})`)
    .with({ kind: 'sum' }, (o) => `sum(${vs(o.of)})`)
    .exhaustive();

const instrText = (instr: Instr): string =>
  `${`${v(instr.id)} = ${opText(instr.op)}`.padEnd(56)}  ${valueType(instr.rows, instr.shape)}`;

/** A program, one instruction per line, indented by `indent`. */
export const programText = (program: Program, indent = '      '): string[] => [
  ...program.instrs.map((i) => `${indent}${instrText(i)}`),
  `${indent}output ${v(program.output)}`,
];

const lrScheduleText = (s: LrSchedule): string =>
  match(s)
    .returnType<string>()
    .with({ kind: 'step' }, (d) => `lr × ${d.factor} every ${d.every} iterations`)
    .with(
      { kind: 'exponential' },
      (d) => `lr × ${d.factor}^(t/${d.every})${d.floor > 0 ? `, at least × ${d.floor}` : ''}`,
    )
    .with({ kind: 'cosine' }, (d) => `lr cosine to × ${d.floor} over ${d.iterations} iterations`)
    .exhaustive();

/** The optimizer, then its schedule and clipping when it has them. */
const optimizerText = (o: Optimizer): string =>
  [
    baseOptimizerText(o),
    ...(o.lrSchedule === undefined ? [] : [lrScheduleText(o.lrSchedule)]),
    ...(o.clipNorm === undefined ? [] : [`gradients clipped to norm ${o.clipNorm}`]),
  ].join('; ');

const baseOptimizerText = (o: Optimizer): string =>
  match(o)
    .returnType<string>()
    .with({ kind: 'adam' }, (a) => `adam(lr ${a.learningRate}, β1 ${a.beta1}, β2 ${a.beta2}, ε ${a.epsilon})`)
    .with({ kind: 'sgd' }, (s) => `sgd(lr ${s.learningRate}, momentum ${s.momentum})`)
    .with(
      { kind: 'rmsprop' },
      (r) => `rmsprop(lr ${r.learningRate}, decay ${r.decay}, momentum ${r.momentum}, ε ${r.epsilon})`,
    )
    .exhaustive();

/** Words joined by `, ` into lines of at most `width` characters, each prefixed with `indent`. */
const wrapList = (words: readonly string[], indent: string, width = 100): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line === '' ? w : `${line}, ${w}`;
    if (line !== '' && indent.length + next.length > width) {
      lines.push(`${indent}${line},`);
      line = w;
    } else line = next;
  }
  return line === '' ? lines : [...lines, `${indent}${line}`];
};

const phaseText = (p: PlanPhase, sizes: ReadonlyMap<string, number>, indent: string): string[] => [
  `${indent}phase '${p.name}'  (${p.path})`,
  `${indent}  stream     ${p.data}${p.needsLabels ? ' (reads labels)' : ''}`,
  `${indent}  repeat     ${p.repeat}`,
  `${indent}  optimizer  ${optimizerText(p.optimizer)}`,
  `${indent}  updates    ${p.update.join(', ')}  ` +
    `(${p.params.length} tensors, ${count(p.params.reduce((a, n) => a + (sizes.get(n) ?? 0), 0))} parameters)`,
  ...wrapList(p.params, `${indent}             `),
  `${indent}  program`,
  ...programText(p.program, `${indent}    `),
  `${indent}  terms      ${p.terms.map((t) => `${t.label} = ${v(t.value)}`).join(', ')}`,
];

// -------------------------------------------------------------------------------------------------
// the whole plan
// -------------------------------------------------------------------------------------------------

/**
 * Render a plan as readable text: nets (layer shapes, parameter counts), each step of one
 * iteration (phases with stream, repeat, optimizer, updated nets and parameters, program, logged
 * terms), then the evaluation views. What `saddle explain` prints: the schedule is data, so a
 * user can read exactly which nets each phase moves before spending a run on it.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compile, explain, zoo } from 'saddle';
 * const plan = compile(zoo['aae']!.build(zoo['aae']!.defaults));
 * if (E.isRight(plan)) console.log(explain(plan.right)); // phase 'critic' ... updates discriminator
 */
export const explain = (plan: Plan): string => {
  const sizes = new Map(plan.nets.flatMap((n) => n.params.map((p) => [p.name, shapeSize(p.shape)] as const)));
  const total = plan.nets.reduce((a, n) => a + paramCount(n), 0);
  const streams = plan.streams.map(
    (s) =>
      `${s.name} (${s.labels === 'none' ? 'no labels' : s.labels === 'all' ? 'all labels' : `${s.labels.count} labeled examples`})`,
  );
  const views = Object.entries(plan.views).flatMap(([name, program]) =>
    program === undefined ? [] : [`  ${name}`, ...programText(program, '    ')],
  );
  return [
    `model ${plan.model}`,
    `  data     ${shapeText(plan.data.x)}, ${plan.data.classes} classes`,
    `  streams  ${streams.join(', ')}`,
    '',
    `nets (${count(total)} parameters)`,
    ...plan.nets.flatMap(netText),
    '',
    'schedule (one iteration, in order)',
    ...plan.schedule.flatMap((step, i) =>
      step.kind === 'phase'
        ? [`  ${i + 1}.`, ...phaseText(step.phase, sizes, '    ')]
        : [
            `  ${i + 1}. simultaneous (all gradients taken before any is applied)`,
            ...step.phases.flatMap((p) => phaseText(p, sizes, '    ')),
          ],
    ),
    ...(views.length > 0 ? ['', 'views (inference mode)', ...views] : []),
  ].join('\n');
};
