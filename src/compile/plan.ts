/**
 * The Plan: what the compiler produces and the runtime executes. Explicit, printable data.
 *
 * A Plan is the model lowered: nets become layer programs with parameter specs and inferred shapes
 * (dense + activation fused into one op); every phase and every evaluation view becomes a straight
 * line *program* of instructions in dependency order, each computed once (structurally equal
 * sub-expressions and same-site draws are shared); games become the critic applications they need
 * plus a loss instruction on the critic's logits; learned priors (`pushforward`) become a draw plus
 * a net application; `joint` becomes a concat of per-part draws.
 *
 * The runtime implements each `Op` and `PlanLayer` once; it never sees DSL nodes.
 *
 * @module
 */
import type {
  ActivationFn,
  DataDecl,
  FDivergence,
  GanForm,
  Optimizer,
  Shape,
  StreamDecl,
  ViewName,
} from '../dsl/ast.js';

// -------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------

export type { CompileError, ErrorCode, ErrorInfo, ErrorStage } from '../dsl/errors.js';
export { errorCatalog, errorCodes, errorDocs, errorStages, issue, isErrorCode } from '../dsl/errors.js';

// -------------------------------------------------------------------------------------------------
// nets
// -------------------------------------------------------------------------------------------------

/**
 * How a parameter starts. The named initializers draw from the run's seed; `randomNormal` draws
 * `N(0, std²)` entries from its *own* seed, so a fixed random map (random Fourier frequencies) is
 * the same function in every run, whatever the run's seed.
 *
 * @example
 * const init: ParamInit = { kind: 'randomNormal', std: 1, seed: 1 };   // a fixed random-feature map
 */
export type ParamInit =
  | 'glorotUniform'
  | 'zeros'
  | 'ones'
  | { readonly kind: 'randomNormal'; readonly std: number; readonly seed: number };

/**
 * One tensor of a net's state. Trainable ones are what phases update; the others (batch-norm
 * running statistics) change only in the forward pass but are checkpointed all the same.
 *
 * @example
 * for (const p of plan.nets.flatMap((n) => n.params)) console.log(p.name, p.shape, p.trainable);
 * // encoder/0/kernel [784, 1000] true ...
 */
export interface ParamSpec {
  /** Unique across the plan: `<net>/<layer index>/<role>`, e.g. `encoder/0/kernel`. */
  readonly name: string;
  readonly shape: Shape;
  readonly init: ParamInit;
  readonly trainable: boolean;
}

/**
 * An activation with its parameter (`alpha` is the leaky-ReLU slope; 0 for the others).
 *
 * @example
 * const leaky: Activation = { fn: 'leakyRelu', alpha: 0.2 };   // what leakyRelu() lowers to
 */
export interface Activation {
  readonly fn: ActivationFn | 'leakyRelu';
  readonly alpha: number;
}

/**
 * The shapes every lowered layer knows, one example without the batch axis: the compiler infers them
 * so the runtime never has to, and `saddle explain` prints them.
 *
 * @example
 * const widths = plan.nets[0]!.layers.map((l: LayerShapes) => `${l.inShape} → ${l.outShape}`);
 */
export interface LayerShapes {
  readonly inShape: Shape;
  readonly outShape: Shape;
}

/**
 * A lowered layer. Every one knows its input and output shape.
 *
 * @example
 * const dense = plan.nets[0]!.layers.find((l): l is Extract<PlanLayer, { op: 'dense' }> => l.op === 'dense');
 * dense?.activation.fn;   // e.g. 'relu': fused with the dense layer
 */
export type PlanLayer = LayerShapes &
  (
    | {
        readonly op: 'dense';
        readonly kernel: ParamSpec;
        readonly bias: ParamSpec | null;
        readonly activation: Activation;
      }
    | { readonly op: 'activation'; readonly activation: Activation }
    | { readonly op: 'dropout'; readonly rate: number }
    | {
        readonly op: 'batchNorm';
        readonly gamma: ParamSpec;
        readonly beta: ParamSpec;
        readonly movingMean: ParamSpec;
        readonly movingVariance: ParamSpec;
        readonly momentum: number;
        readonly epsilon: number;
      }
    | { readonly op: 'reshape' }
    | { readonly op: 'flatten' }
    | {
        readonly op: 'conv2d' | 'deconv2d';
        readonly kernel: ParamSpec;
        readonly bias: ParamSpec;
        readonly size: number;
        readonly stride: number;
        readonly padding: 'same' | 'valid';
        readonly activation: Activation;
      }
    | { readonly op: 'maxPool'; readonly size: number; readonly stride: number }
    /** `√(2/D) · [cos(xW), sin(xW)]` with the frozen frequency matrix `W` (`[in, D/2]`). */
    | { readonly op: 'randomFeatures'; readonly frequencies: ParamSpec }
  );

export type PlanLayerOp = PlanLayer['op'];

/**
 * A lowered net: its shapes, its layers with their parameters and fused activations, and the list of
 * every parameter, so the runtime creates variables and forward functions without reading the DSL.
 *
 * @example
 * for (const n of plan.nets) console.log(`${n.name}: [${n.inShape}] → [${n.outShape}], ${n.params.length} tensors`);
 */
export interface PlanNet {
  readonly name: string;
  readonly role: 'net' | 'critic';
  readonly trainable: boolean;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly layers: readonly PlanLayer[];
  /** Every ParamSpec of `layers`, in layer order. */
  readonly params: readonly ParamSpec[];
}

// -------------------------------------------------------------------------------------------------
// programs
// -------------------------------------------------------------------------------------------------

/**
 * Index of an instruction's result within its program.
 *
 * @example
 * const { instrs, output }: Program = plan.views.sample!;
 * const result: ValueId = output;   // instrs[result] computes the view
 */
export type ValueId = number;

/**
 * A distribution the runtime samples directly (`joint` and `pushforward` are lowered away).
 *
 * @example
 * const draws = planPhases(plan).flatMap((p) => p.program.instrs).filter((i) => i.op.kind === 'sample');
 */
export type PlanDist =
  | { readonly kind: 'gaussian'; readonly dim: number; readonly mean: number; readonly std: number }
  | {
      readonly kind: 'gaussianMixture';
      readonly components: readonly {
        readonly weight: number;
        readonly mean: readonly number[];
        readonly scale: readonly (readonly number[])[];
      }[];
    }
  | { readonly kind: 'swissRoll'; readonly turns: number; readonly radius: number; readonly noise: number }
  | { readonly kind: 'categorical'; readonly probs: readonly number[] }
  | { readonly kind: 'uniform'; readonly dim: number; readonly low: number; readonly high: number };

/**
 * What one instruction computes. Value ops produce `[rows, ...shape]` tensors; loss ops produce
 * scalars. Critic-based losses take the critic's *logits* (the outputs of `apply` instructions).
 *
 * @example
 * const losses = planPhases(plan)[0]!.program.instrs.map((i) => i.op.kind);   // e.g. ['input', 'apply', ..., 'reconstruction']
 */
export type Op =
  | { readonly kind: 'input' }
  /** Class indices (int32, shape `[rows]`). */
  | { readonly kind: 'label' }
  | { readonly kind: 'oneHot'; readonly of: ValueId; readonly classes: number }
  | { readonly kind: 'apply'; readonly net: string; readonly input: ValueId }
  | { readonly kind: 'sample'; readonly site: string; readonly dist: PlanDist }
  | { readonly kind: 'concat'; readonly parts: readonly ValueId[] }
  | { readonly kind: 'slice'; readonly of: ValueId; readonly start: number; readonly width: number }
  | { readonly kind: 'add'; readonly terms: readonly ValueId[] }
  /** `params` is `[mean | logvar]`; draws ε at `site`. */
  | { readonly kind: 'gaussianCode'; readonly site: string; readonly params: ValueId }
  | { readonly kind: 'stopGradient'; readonly of: ValueId }
  /** The net's first `layers` *lowered* layers applied to `input` (a prefix of `apply`). */
  | { readonly kind: 'features'; readonly net: string; readonly input: ValueId; readonly layers: number }
  // ---- scalar losses ----
  | {
      readonly kind: 'reconstruction';
      readonly metric: 'bce' | 'mse';
      readonly target: ValueId;
      readonly output: ValueId;
    }
  /** The critic's loss: `−E log σ(real) − Σ_f E log(1 − σ(f))` (least squares: `(real−1)² + Σ f²`). */
  | {
      readonly kind: 'ganCritic';
      readonly form: GanForm;
      readonly real: ValueId;
      readonly fake: readonly ValueId[];
    }
  /** The generator's loss on the fake logits, per `form`. */
  | { readonly kind: 'ganGenerator'; readonly form: GanForm; readonly fake: readonly ValueId[] }
  /** The witness critic's loss `E f(fake) − E f(real)` on its raw outputs (the IPM game's `−V`). */
  | { readonly kind: 'witnessCritic'; readonly real: ValueId; readonly fake: ValueId }
  /** The witness game's value `V = E f(real) − E f(fake)`, which the opponent minimizes. */
  | { readonly kind: 'witnessGenerator'; readonly real: ValueId; readonly fake: ValueId }
  /** The f-GAN critic's loss `−V` on its raw outputs, `V` per `divergence` (see `FDivergence`). */
  | {
      readonly kind: 'fganCritic';
      readonly divergence: FDivergence;
      readonly real: ValueId;
      readonly fake: ValueId;
    }
  /** The f-GAN value `V` (the divergence estimate), which the opponent minimizes. */
  | {
      readonly kind: 'fganGenerator';
      readonly divergence: FDivergence;
      readonly real: ValueId;
      readonly fake: ValueId;
    }
  /** `½ Σ θ²` over the trainable parameters of `net` (read directly, not through a value). */
  | { readonly kind: 'l2'; readonly net: string }
  | { readonly kind: 'mmd'; readonly a: ValueId; readonly b: ValueId; readonly sigmas: readonly number[] }
  | { readonly kind: 'crossEntropy'; readonly probs: ValueId; readonly target: ValueId }
  /** KL of the Gaussian whose `[mean | logvar]` is `params`, to N(0, I). */
  | { readonly kind: 'klGaussian'; readonly params: ValueId }
  /** `crossEntropy(probs, code) − entropy`: the negated mutual-information lower bound (nats). */
  | {
      readonly kind: 'mutualInformation';
      readonly probs: ValueId;
      readonly code: ValueId;
      readonly entropy: number;
    }
  | { readonly kind: 'scale'; readonly by: number; readonly of: ValueId }
  | { readonly kind: 'sum'; readonly of: readonly ValueId[] };

export type OpKind = Op['kind'];

/**
 * Row count of a value: the phase's batch size, or fixed by a `sample`'s `batch`. Scalars: 'scalar'.
 *
 * @example
 * const perExample = planPhases(plan)[0]!.program.instrs.filter((i) => i.rows === 'batch');
 */
export type Rows = 'batch' | 'scalar' | number;

/**
 * One step of a program: the op, its result's id, and the shape and row count of that result, all
 * inferred by the compiler, so the runtime can check every tensor it makes.
 *
 * @example
 * for (const i of plan.views.sample!.instrs) console.log(i.id, i.op.kind, i.rows, i.shape);
 */
export interface Instr {
  readonly id: ValueId;
  readonly op: Op;
  /** Shape of one row (`[]` for labels and scalars). */
  readonly shape: Shape;
  readonly rows: Rows;
}

/**
 * A straight-line program: `instrs[i].id === i`, operands always refer to earlier instructions.
 *
 * @example
 * const program: Program = planPhases(plan)[0]!.program;
 * program.instrs[program.output]!.rows;   // 'scalar': a phase's program ends in its loss
 */
export interface Program {
  readonly instrs: readonly Instr[];
  readonly output: ValueId;
}

// -------------------------------------------------------------------------------------------------
// phases and the schedule
// -------------------------------------------------------------------------------------------------

/**
 * A loss term worth logging on its own: the phase's loss and, for sums, each summand.
 *
 * @example
 * for (const t of planPhases(plan)[0]!.terms) console.log(t.label);   // the phase's loss, then each summand
 */
export interface LoggedTerm {
  readonly label: string;
  readonly value: ValueId;
}

/**
 * A lowered phase: the program computing its loss, the exact parameters its optimizer updates, its
 * stream and repeat count, and where it was declared. This is what `saddle explain` prints per phase
 * and what the runtime turns into one `optimizer.minimize` call.
 *
 * @example
 * for (const p of planPhases(plan)) console.log(`${p.name} (${p.path}) updates ${p.params.join(', ')}`);
 */
export interface PlanPhase {
  readonly name: string;
  /** Where the phase was declared (`schedule[1]`, `schedule[2].phases[0]`). */
  readonly path: string;
  readonly data: string;
  readonly repeat: number;
  readonly optimizer: Optimizer;
  /** Net names, in declaration order. */
  readonly update: readonly string[];
  /** The trainable parameters of `update`'s nets: exactly what this phase's optimizer touches. */
  readonly params: readonly string[];
  /** Whether the program reads the stream's labels. */
  readonly needsLabels: boolean;
  /** Evaluates the loss; `program.output` is the scalar to minimize. */
  readonly program: Program;
  readonly terms: readonly LoggedTerm[];
}

/**
 * One entry of the lowered schedule: a phase, or a group of phases whose gradients are all taken
 * before any is applied.
 *
 * @example
 * const groups = plan.schedule.filter((s: PlanStep) => s.kind === 'simultaneous').length;
 */
export type PlanStep =
  | { readonly kind: 'phase'; readonly phase: PlanPhase }
  | { readonly kind: 'simultaneous'; readonly phases: readonly PlanPhase[] };

/**
 * A compiled model: nets with inferred shapes and parameters, streams, the schedule of lowered phases
 * and the view programs. It is plain, printable data (`explain(plan)`), checked once by the compiler,
 * so the runtime executes it without re-validating the declaration.
 *
 * @example
 * const plan = compile(zoo['aae']!.build(zoo['aae']!.defaults));
 * if (E.isRight(plan)) console.log(plan.right.nets.map((n) => n.name));   // ['encoder', 'decoder', 'discriminator']
 */
export interface Plan {
  readonly model: string;
  readonly data: DataDecl;
  readonly nets: readonly PlanNet[];
  readonly streams: readonly StreamDecl[];
  /** One iteration: these steps in order. */
  readonly schedule: readonly PlanStep[];
  /** Inference-mode programs for pictures and evaluation (see `Views`). */
  readonly views: { readonly [V in ViewName]?: Program };
}

/**
 * Every phase of a plan in schedule order, simultaneous groups flattened.
 *
 * @example
 * const names = planPhases(plan).map((p) => p.name);   // ['reconstruction', 'critic', 'generator']
 */
export const planPhases = (plan: Plan): readonly PlanPhase[] =>
  plan.schedule.flatMap((step) => (step.kind === 'phase' ? [step.phase] : step.phases));
