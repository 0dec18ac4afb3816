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
 */
export type ParamInit =
  | 'glorotUniform'
  | 'zeros'
  | 'ones'
  | { readonly kind: 'randomNormal'; readonly std: number; readonly seed: number };

/**
 * One tensor of a net's state. Trainable ones are what phases update; the others (batch-norm
 * running statistics) change only in the forward pass but are checkpointed all the same.
 */
export interface ParamSpec {
  /** Unique across the plan: `<net>/<layer index>/<role>`, e.g. `encoder/0/kernel`. */
  readonly name: string;
  readonly shape: Shape;
  readonly init: ParamInit;
  readonly trainable: boolean;
}

/** An activation with its parameter (`alpha` is the leaky-ReLU slope; 0 for the others). */
export interface Activation {
  readonly fn: ActivationFn | 'leakyRelu';
  readonly alpha: number;
}

interface LayerShapes {
  readonly inShape: Shape;
  readonly outShape: Shape;
}

/** A lowered layer. Every one knows its input and output shape. */
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

/** Index of an instruction's result within its program. */
export type ValueId = number;

/** A distribution the runtime samples directly (`joint` and `pushforward` are lowered away). */
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

/** Row count of a value: the phase's batch size, or fixed by a `sample`'s `batch`. Scalars: 'scalar'. */
export type Rows = 'batch' | 'scalar' | number;

export interface Instr {
  readonly id: ValueId;
  readonly op: Op;
  /** Shape of one row (`[]` for labels and scalars). */
  readonly shape: Shape;
  readonly rows: Rows;
}

/** A straight-line program: `instrs[i].id === i`, operands always refer to earlier instructions. */
export interface Program {
  readonly instrs: readonly Instr[];
  readonly output: ValueId;
}

// -------------------------------------------------------------------------------------------------
// phases and the schedule
// -------------------------------------------------------------------------------------------------

/** A loss term worth logging on its own: the phase's loss and, for sums, each summand. */
export interface LoggedTerm {
  readonly label: string;
  readonly value: ValueId;
}

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

export type PlanStep =
  | { readonly kind: 'phase'; readonly phase: PlanPhase }
  | { readonly kind: 'simultaneous'; readonly phases: readonly PlanPhase[] };

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

/** Every phase of a plan in schedule order, simultaneous groups flattened. */
export const planPhases = (plan: Plan): readonly PlanPhase[] =>
  plan.schedule.flatMap((step) => (step.kind === 'phase' ? [step.phase] : step.phases));
