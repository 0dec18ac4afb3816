/**
 * The node kinds of saddle's language, as plain immutable JSON data.
 *
 * Everything a user declares — layers, nets, distributions, symbols, loss terms, phases — is one of
 * the unions below. The combinators in the sibling modules only build these values; the io-ts codec
 * (`codec.ts`) reads and writes them; the compiler checks and lowers them. Nothing here knows about
 * tensors, so a model can be built, printed and property-tested with no backend loaded.
 *
 * Adding a node kind: extend one union here, then follow the type errors — every consumer matches
 * with ts-pattern's `.exhaustive()`, so each place that must handle the new kind fails to compile
 * until it does (codec, width inference, lowering, explain, runtime executor).
 *
 * @module
 */

// -------------------------------------------------------------------------------------------------
// shapes and spaces
// -------------------------------------------------------------------------------------------------

/**
 * The shape of one example, without the batch axis: `[784]` for a flat MNIST image.
 *
 * @example
 * const mnistImage: Shape = [784];        // a flat 28×28 image
 * const colourImage: Shape = [32, 32, 3]; // height, width, channels for conv2d nets
 */
export type Shape = readonly number[];

/**
 * What a symbol denotes. Types carry meaning: an encoder maps `data` to `code`, a critic maps
 * anything to a `score`, a label lives in `label` space. The compiler checks widths; the type system
 * checks spaces where the combinators know them.
 *
 * @example
 * // The space is a type parameter of nets and symbols, checked by tsc:
 * const encoder = net<'data', 'code'>('encoder', mlp([1000, 1000, 8]));
 * const z: Sym<'code'> = apply(encoder, input());
 */
export type Space = 'data' | 'code' | 'label' | 'score' | 'noise';

// -------------------------------------------------------------------------------------------------
// layers and nets
// -------------------------------------------------------------------------------------------------

/**
 * Elementwise activations without parameters. `leakyRelu` has its own layer kind (it has a slope).
 *
 * @example
 * const layer: Layer = { kind: 'activation', fn: 'tanh' }; // what the `tanh` combinator builds
 */
export type ActivationFn = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu';

/**
 * One layer of a net, as data: the unit the compiler infers widths for and lowers to a kernel.
 *
 * Layers are built by the combinators (`dense`, `relu`, `conv2d`, ...) and listed in a net's
 * `layers`; a spec file writes the same objects as JSON. Activations are separate layers so a net
 * reads like the paper's architecture table; the compiler fuses a dense layer with the activation
 * after it.
 *
 * @example
 * const hidden: Layer = dense(1000);   // { kind: 'dense', units: 1000, bias: true }
 * const layers: readonly Layer[] = seq(hidden, relu, dense(8));
 */
export type Layer =
  | { readonly kind: 'dense'; readonly units: number; readonly bias: boolean }
  | { readonly kind: 'activation'; readonly fn: ActivationFn }
  | { readonly kind: 'leakyRelu'; readonly alpha: number }
  | { readonly kind: 'dropout'; readonly rate: number }
  | { readonly kind: 'batchNorm'; readonly momentum: number; readonly epsilon: number }
  | { readonly kind: 'reshape'; readonly shape: Shape }
  | { readonly kind: 'flatten' }
  | {
      readonly kind: 'conv2d';
      readonly filters: number;
      readonly kernel: number;
      readonly stride: number;
      readonly padding: 'same' | 'valid';
    }
  | {
      readonly kind: 'deconv2d';
      readonly filters: number;
      readonly kernel: number;
      readonly stride: number;
      readonly padding: 'same' | 'valid';
    }
  | { readonly kind: 'maxPool'; readonly size: number; readonly stride: number }
  /**
   * A fixed random Fourier feature map of the RBF kernel `exp(−‖a − b‖² / 2σ²)` (Rahimi & Recht):
   * `ζ(z) = √(2/D) · [cos(zW), sin(zW)]` with `D = features` (even) outputs and a frequency matrix
   * `W` of `D/2` columns drawn once from `N(0, I/σ²)` with its own `seed` (never trained), so
   * `ζ(a)·ζ(b)` is an unbiased estimate of the kernel. The DS-AAE adversary is `α · ζ(z)`.
   */
  | {
      readonly kind: 'randomFeatures';
      readonly features: number;
      readonly sigma: number;
      readonly seed: number;
    };

/**
 * The tag of every layer kind: what a `match(layer)` over layers must cover, and what a spec file's
 * `"kind"` may say.
 *
 * @example
 * const convolutional = (kind: LayerKind): boolean => kind === 'conv2d' || kind === 'deconv2d';
 */
export type LayerKind = Layer['kind'];

/**
 * `net` is an ordinary parametric function; `critic` is a net whose output is one score per example
 * (the compiler checks it ends in one unit). Games only accept critics.
 *
 * @example
 * const disc = critic('discriminator', seq(dense(100), relu, dense(1)));
 * disc.role; // 'critic'
 */
export type NetRole = 'net' | 'critic';

/**
 * A named parametric function. Its parameters are identified by its name (`encoder/0/kernel`).
 *
 * @example
 * const decl: NetDecl = { name: 'decoder', role: 'net', layers: seq(dense(1000), relu, dense(784), sigmoid), trainable: true };
 * // the same value `net('decoder', seq(...))` builds; a spec file writes it as JSON
 */
export interface NetDecl {
  readonly name: string;
  readonly role: NetRole;
  readonly layers: readonly Layer[];
  /** A frozen net (e.g. a fixed random-feature map) is applied but never updated. */
  readonly trainable: boolean;
}

// -------------------------------------------------------------------------------------------------
// distributions
// -------------------------------------------------------------------------------------------------

/**
 * One Gaussian component `N(mean, scale · scaleᵀ)`, sampled as `mean + scale · ε`. `scale` is any
 * square factor (given as rows), so rotated, elongated components — the AAE paper's 10-petal
 * mixture — are expressible; a diagonal `scale` is the axis-aligned case.
 *
 * @example
 * // an axis-aligned component at (1, 0), std 0.5 along x and 0.05 along y
 * const component: MixtureComponent = { weight: 0.5, mean: [1, 0], scale: [[0.5, 0], [0, 0.05]] };
 * gaussianMixture([component, { ...component, mean: [-1, 0] }]);
 */
export interface MixtureComponent {
  readonly weight: number;
  readonly mean: readonly number[];
  readonly scale: readonly (readonly number[])[];
}

/**
 * Anything the runtime can draw a batch from. Widths are known statically (see `distWidth`).
 *
 * @example
 * const prior: Dist = gaussian(8);   // { kind: 'gaussian', dim: 8, mean: 0, std: 1 }
 * sample('z', prior);                // a draw of it in the graph
 */
export type Dist =
  /** Isotropic Gaussian N(mean·1, std²·I) of `dim` dimensions. */
  | { readonly kind: 'gaussian'; readonly dim: number; readonly mean: number; readonly std: number }
  /** Mixture of Gaussians; weights must sum to 1. */
  | { readonly kind: 'gaussianMixture'; readonly components: readonly MixtureComponent[] }
  /**
   * The AAE paper's 2-D swiss roll: with `u ~ U(0, 1)`, the point `radius·√u · (cos θ, sin θ)` where
   * `θ = 2π · turns · √u`, plus isotropic Gaussian `noise` (std).
   */
  | { readonly kind: 'swissRoll'; readonly turns: number; readonly radius: number; readonly noise: number }
  /** One-hot samples from Cat(probs). Width = number of classes. */
  | { readonly kind: 'categorical'; readonly probs: readonly number[] }
  /** Independent U(low, high) on each of `dim` coordinates. */
  | { readonly kind: 'uniform'; readonly dim: number; readonly low: number; readonly high: number }
  /** Independent product; samples are the parts concatenated in order. */
  | { readonly kind: 'joint'; readonly parts: readonly Dist[] }
  /** A learned prior: draw from `base`, then apply the net (the code generator of LP-AAE). */
  | { readonly kind: 'pushforward'; readonly base: Dist; readonly net: string };

/**
 * The tag of every distribution kind: what a sampler (or a `match(dist)`) must handle.
 *
 * @example
 * const learned = (kind: DistKind): boolean => kind === 'pushforward';
 */
export type DistKind = Dist['kind'];

// -------------------------------------------------------------------------------------------------
// symbols (values in the graph)
// -------------------------------------------------------------------------------------------------

/**
 * A value in the graph, one row per example of the phase's batch.
 *
 * Stochastic nodes (`sample`, `gaussianCode`) carry a *site* name: two nodes with the same site are
 * the same draw, so a sub-expression shared by two loss terms is computed once (Pyro's named sites).
 *
 * @example
 * const x: Expr = { kind: 'input' };
 * const z: Expr = { kind: 'apply', net: 'encoder', input: x };   // what apply(encoder, input()) builds
 */
export type Expr =
  /** The phase's data batch (images). */
  | { readonly kind: 'input' }
  /** The phase's class labels, as class indices; needs a labeled stream. */
  | { readonly kind: 'label' }
  /** Class indices to one-hot rows of width `classes`. */
  | { readonly kind: 'oneHot'; readonly of: Expr; readonly classes: number }
  | { readonly kind: 'apply'; readonly net: string; readonly input: Expr }
  /**
   * A batch drawn from a distribution. `batch` fixes the row count; without it the draw has one row
   * per example of the phase's batch.
   */
  | { readonly kind: 'sample'; readonly site: string; readonly dist: Dist; readonly batch?: number }
  /** Feature-axis concatenation; all parts must have the same rows. */
  | { readonly kind: 'concat'; readonly parts: readonly Expr[] }
  /** Columns `[start, start + width)` of a flat value. */
  | { readonly kind: 'slice'; readonly of: Expr; readonly start: number; readonly width: number }
  /** Elementwise sum of values of one width (the dimensionality-reduction AAE's `W_c y + z`). */
  | { readonly kind: 'add'; readonly terms: readonly Expr[] }
  /**
   * Reparameterized Gaussian code: `params` is `[mean | log-variance]` (width 2d); the value is
   * `mean + exp(logvar / 2) · ε` with `ε ~ N(0, I)` drawn at `site`.
   */
  | { readonly kind: 'gaussianCode'; readonly site: string; readonly params: Expr }
  /** The same value, with no gradient flowing back through it. */
  | { readonly kind: 'stopGradient'; readonly of: Expr }
  /**
   * A net's activations after its first `layers` declared layers, applied to `input`, with the net's
   * own weights (VAE/GAN's `Dis_l(x)`, LP-AAE's feature space `F(x)`). `layers` counts declared
   * layers (1 ≤ layers ≤ the net's layer count); a cut between a dense or convolution layer and the
   * activation after it is refused, since the two are one fused layer.
   */
  | { readonly kind: 'features'; readonly net: string; readonly input: Expr; readonly layers: number };

/**
 * The tag of every expression kind: what width inference, lowering and the runtime's executor each
 * match over exhaustively.
 *
 * @example
 * const stochastic = (kind: ExprKind): boolean => kind === 'sample' || kind === 'gaussianCode';
 */
export type ExprKind = Expr['kind'];

// -------------------------------------------------------------------------------------------------
// loss terms (scalars)
// -------------------------------------------------------------------------------------------------

/**
 * How a GAN's generator view is formed. `minimax` is Goodfellow's `E log(1 − D(G))`;
 * `nonSaturating` is `−E log D(G)` (what the AAE paper trains in practice). The critic's view is the
 * same for both.
 *
 * @example
 * ganGame(discriminator, { real: zPrior, fake: z, form: 'minimax' });
 */
export type GanForm = 'minimax' | 'nonSaturating' | 'leastSquares';

/**
 * The GAN game. The critic scores `real` against every set in `fake` (VAE/GAN scores two fake sets).
 *
 * @example
 * const game = ganGame(discriminator, { real: zPrior, fake: z }).game;
 * // { kind: 'gan', form: 'nonSaturating', critic: 'discriminator', real: zPrior, fake: [z] }
 */
export interface GanGame {
  readonly kind: 'gan';
  readonly form: GanForm;
  readonly critic: string;
  readonly real: Expr;
  readonly fake: readonly Expr[];
}

/**
 * An integral-probability-metric game with a witness function `f` (the critic's raw output):
 * value `V = E f(real) − E f(fake)`, which the critic maximizes and the opponent (who moves `fake`)
 * minimizes (DS-AAE eq. 3). Critic view `−V`, generator view `V`. The linear witness is unbounded:
 * pair it with a penalty (`l2`) in the critic's phase.
 *
 * @example
 * const { critic: criticLoss, generator } = witnessGame(adversary, { real: zPrior, fake: z });
 */
export interface WitnessGame {
  readonly kind: 'witness';
  readonly critic: string;
  readonly real: Expr;
  readonly fake: Expr;
}

/**
 * Which KL an f-GAN critic estimates, with `fake` always the side the opponent moves:
 * - `reverseKL`: `KL(fake ‖ real)`, value `E_fake[1 − D] − E_real[exp(−D)]`, optimum
 *   `D* = log(p_real / p_fake)` (the Biadversarial VAE's posterior critic, eq. 6);
 * - `forwardKL`: `KL(real ‖ fake)`, value `E_real[D] − E_fake[exp(D − 1)]`, optimum
 *   `D* = 1 + log(p_real / p_fake)` (its decoder critic, eq. 14).
 *
 * @example
 * fganGame(posteriorCritic, { real: prior, fake: posterior, divergence: 'reverseKL' });
 */
export type FDivergence = 'reverseKL' | 'forwardKL';

/**
 * A variational f-divergence game (Nowozin et al.'s f-GAN): the critic maximizes the value `V`
 * of its divergence, whose maximum is that divergence; the opponent minimizes it. Critic view `−V`,
 * generator view `V` (the whole value: `real` may depend on the opponent too, as the encoder's
 * codes do in the Biadversarial VAE's decoder game).
 *
 * @example
 * const game = fganGame(posteriorCritic, { real: zPrior, fake: z, divergence: 'reverseKL' }).game;
 * game.kind; // 'fgan'
 */
export interface FGanGame {
  readonly kind: 'fgan';
  readonly divergence: FDivergence;
  readonly critic: string;
  readonly real: Expr;
  readonly fake: Expr;
}

/**
 * A two-player game between a critic and the nets its `fake` values come from. It has two *views*:
 * the loss the critic minimizes and the loss its opponent minimizes.
 *
 * @example
 * const { game } = ganGame(discriminator, { real: zPrior, fake: z });
 * const opponentLoss: Loss = { kind: 'game', game, view: 'generator' };
 */
export type Game = GanGame | WitnessGame | FGanGame;

/**
 * The tag of every game kind: each has its own critic and generator view in the runtime's loss table.
 *
 * @example
 * const hasFormOption = (kind: GameKind): boolean => kind === 'gan';
 */
export type GameKind = Game['kind'];

/**
 * Which player's loss a game term is: `critic` is minimized by the phase updating the critic,
 * `generator` by the phases updating the nets its `fake` values come from. The compiler refuses a
 * phase that minimizes a view while updating the wrong player (the classic sign bug).
 *
 * @example
 * const gan = ganGame(discriminator, { real: zPrior, fake: z });
 * gan.critic;    // { kind: 'game', game, view: 'critic' }
 * gan.generator; // { kind: 'game', game, view: 'generator' }
 */
export type GameView = 'critic' | 'generator';

/**
 * A kernel for MMD: a sum of RBF kernels `exp(−‖a − b‖² / (2σ²))` over `sigmas`.
 *
 * @example
 * mmd(z, zPrior, rbfMixture([0.5, 1, 2]));   // or just mmd(z, zPrior, [0.5, 1, 2])
 */
export interface RbfMixture {
  readonly kind: 'rbf';
  readonly sigmas: readonly number[];
}

/**
 * A scalar loss term: what a phase minimizes.
 *
 * A separate type from `Expr`, so a phase can never be asked to minimize a tensor. Terms are built
 * by `reconstruction`, `mmd`, `crossEntropy`, the games' views, ..., and combined with `scale` and
 * `sum`.
 *
 * @example
 * const loss: Loss = sum(reconstruction(input(), xr, 'bce'), scale(0.1, gan.generator));
 */
export type Loss =
  /**
   * Per-example reconstruction, summed over features and averaged over the batch: binary
   * cross-entropy (the Bernoulli negative log-likelihood; `output` are probabilities) or squared
   * error.
   */
  | {
      readonly kind: 'reconstruction';
      readonly target: Expr;
      readonly output: Expr;
      readonly metric: 'bce' | 'mse';
    }
  | { readonly kind: 'game'; readonly game: Game; readonly view: GameView }
  /** Closed-form (biased, V-statistic) squared MMD between two samples. */
  | { readonly kind: 'mmd'; readonly a: Expr; readonly b: Expr; readonly kernel: RbfMixture }
  /** `−Σ target · log(probs)` averaged over the batch; `target` is one-hot (or a distribution). */
  | { readonly kind: 'crossEntropy'; readonly probs: Expr; readonly target: Expr }
  /** KL(N(μ, σ²) ‖ N(0, I)) of a reparameterized Gaussian code, summed over dims, batch-averaged. */
  | { readonly kind: 'klGaussian'; readonly code: Expr }
  /**
   * The negated InfoGAN variational lower bound on the mutual information `I(s; x)`:
   * `CE(probs, code) − H(s)`, where `code` is a draw `s` from a categorical (a `sample` node),
   * `probs` are a net's predicted probabilities `q(s | x)`, and `H(s)` is the entropy of the declared
   * categorical (computed by the compiler). Minimizing it maximizes the bound `H(s) − CE ≤ I(s; x)`;
   * its value lies in `[−H(s), ∞)` and reaches `−H(s)` when `q` recovers `s` exactly.
   */
  | { readonly kind: 'mutualInformation'; readonly probs: Expr; readonly code: Expr }
  /**
   * `½ Σ θ²` over the trainable parameters of `net`: weight decay as a loss term, e.g. the
   * `λ/2 ‖α‖²` that bounds DS-AAE's linear witness.
   */
  | { readonly kind: 'l2'; readonly net: string }
  | { readonly kind: 'scale'; readonly by: number; readonly term: Loss }
  | { readonly kind: 'sum'; readonly terms: readonly Loss[] };

/**
 * The tag of every loss kind: what the compiler's checks and the runtime's loss table match over.
 *
 * @example
 * const needsLabels = (kind: LossKind): boolean => kind === 'crossEntropy';
 */
export type LossKind = Loss['kind'];

// -------------------------------------------------------------------------------------------------
// optimizers, phases and the schedule
// -------------------------------------------------------------------------------------------------

/**
 * The optimizer of one phase, as data: each phase owns its optimizer state, so the critic's Adam
 * moments never mix with the autoencoder's.
 *
 * @example
 * const opt: Optimizer = adam(2e-4, { beta1: 0.5 }); // { kind: 'adam', learningRate: 2e-4, beta1: 0.5, ... }
 * phase('critic', { minimize: gan.critic, update: [discriminator], optimizer: opt });
 */
export type Optimizer =
  | ({
      readonly kind: 'adam';
      readonly learningRate: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly epsilon: number;
    } & OptimizerExtras)
  | ({ readonly kind: 'sgd'; readonly learningRate: number; readonly momentum: number } & OptimizerExtras)
  | ({
      readonly kind: 'rmsprop';
      readonly learningRate: number;
      readonly decay: number;
      readonly momentum: number;
      readonly epsilon: number;
    } & OptimizerExtras);

/**
 * What every optimizer may add to its update rule: a learning-rate schedule (absent: constant) and
 * gradient clipping by global norm (absent: none). Both are optional so that a spec written before
 * they existed still decodes to the same model.
 *
 * @example
 * const opt: Optimizer = adam(1e-3, { lrSchedule: stepDecay({ every: 30000, factor: 0.1 }), clipNorm: 10 });
 */
export interface OptimizerExtras {
  /** The learning rate's multiplier as a function of the iteration (absent: 1 throughout). */
  readonly lrSchedule?: LrSchedule;
  /**
   * Rescale the phase's gradients so that their global L2 norm (over every parameter it updates)
   * is at most this, before the optimizer sees them — `clip_grad_norm_` in PyTorch.
   */
  readonly clipNorm?: number;
}

/**
 * A learning-rate schedule: the factor the base learning rate is multiplied by at iteration t
 * (0-based, the trainer's iteration count, so a resumed run continues the same curve).
 * - `step`: × `factor` every `every` iterations — factor^⌊t / every⌋ (PyTorch's StepLR; the AAE
 *   paper divides its rates by 10 after 50 epochs).
 * - `exponential`: factor^(t / every), never below `floor` (Keras's ExponentialDecay with a floor).
 * - `cosine`: from 1 down to `floor` along a half cosine over `iterations`, then `floor`
 *   (Keras's CosineDecay with alpha = floor).
 *
 * @example
 * const s: LrSchedule = cosineDecay({ iterations: 1800, floor: 0.1 });
 */
export type LrSchedule =
  | { readonly kind: 'step'; readonly every: number; readonly factor: number }
  | { readonly kind: 'exponential'; readonly every: number; readonly factor: number; readonly floor: number }
  | { readonly kind: 'cosine'; readonly iterations: number; readonly floor: number };

/**
 * One alternating step: take the gradient of `minimize` with respect to exactly the parameters of
 * the nets in `update`, everything else held constant, and apply it; `repeat` times per iteration.
 *
 * Batches: each iteration draws one batch per stream, and every phase reading stream `data` sees
 * that same batch (as in the AAE paper, where one mini-batch drives both the reconstruction and the
 * regularization phase). A phase with `repeat > 1` uses the iteration's batch for its first step and
 * fresh batches from its stream for the others.
 *
 * @example
 * const criticPhase: Phase = phase('critic', { minimize: gan.critic, update: [discriminator], optimizer: adam(1e-4), repeat: 5 });
 */
export interface Phase {
  readonly kind: 'phase';
  readonly name: string;
  readonly minimize: Loss;
  readonly update: readonly string[];
  readonly optimizer: Optimizer;
  readonly data: string;
  readonly repeat: number;
}

/**
 * Phases whose gradients are all taken at the same parameter values before any of them is applied
 * (the simultaneous schedule). The default, as in the papers, is sequential: each phase sees the
 * parameters its predecessors just updated.
 *
 * @example
 * // both players take gradients at the same parameters, then both apply them
 * const schedule: Step[] = [simultaneous(criticPhase, generatorPhase)];
 */
export interface Simultaneous {
  readonly kind: 'simultaneous';
  readonly phases: readonly Phase[];
}

/**
 * One entry of a model's schedule: a phase on its own (sequential, the default) or a group of phases
 * run simultaneously.
 *
 * @example
 * const schedule: readonly Step[] = [reconstructionPhase, simultaneous(criticPhase, generatorPhase)];
 */
export type Step = Phase | Simultaneous;

// -------------------------------------------------------------------------------------------------
// data and the model
// -------------------------------------------------------------------------------------------------

/**
 * What one example of the training set looks like: MNIST is `{ x: [784], classes: 10 }`.
 *
 * @example
 * const swissRollData: DataDecl = { x: [2], classes: 1 };   // 2-D points, no classes to speak of
 * model('wae', { data: swissRollData, nets, schedule });
 */
export interface DataDecl {
  readonly x: Shape;
  readonly classes: number;
}

/**
 * A named batch stream over the training set. `labels: 'none'` hides labels (unsupervised);
 * `'all'` exposes every label; `{ count }` restricts the stream to a balanced, seeded labeled subset
 * of that many examples (the semi-supervised AAE's 100 / 1000 labels).
 *
 * @example
 * const labeled: StreamDecl = labeledStream('labeled', 100);   // { name: 'labeled', labels: { count: 100 } }
 * model('ssl', { data: mnist, nets, schedule, streams: [trainStream, labeled] });
 */
export interface StreamDecl {
  readonly name: string;
  readonly labels: 'none' | 'all' | { readonly count: number };
}

/**
 * Evaluation views a trained model offers, each evaluated in inference mode (no dropout, batch-norm
 * running statistics). Pictures, `saddle sample` and `saddle eval` use them.
 * - `sample`: a generated data batch (e.g. `decoder(z ~ prior)`);
 * - `encode`: the code of the input batch (`encoder(x)`), for latent plots and code-fit metrics;
 * - `prior`: a batch from the prior the codes should match (drawn behind the latent plot);
 * - `reconstruct`: the model's reconstruction of the input batch;
 * - `classify`: class probabilities of the input batch (q(y|x) heads).
 *
 * @example
 * const views: Views = { sample: apply(decoder, sample('z', gaussian(8))), encode: apply(encoder, input()) };
 */
export interface Views {
  readonly sample?: Expr;
  readonly encode?: Expr;
  readonly prior?: Expr;
  readonly reconstruct?: Expr;
  readonly classify?: Expr;
}

/**
 * The name of one evaluation view: what `trainer.evalView(name)` and `saddle sample` ask for.
 *
 * @example
 * const pictured: readonly ViewName[] = ['sample', 'reconstruct'];
 */
export type ViewName = keyof Views;

/**
 * A whole model: nets, data, streams, the schedule one iteration runs, and evaluation views.
 *
 * @example
 * const m: Model = model('aae', { data: mnist, nets: [encoder, decoder, disc], schedule: [rec, crit, gen] });
 * JSON.stringify(encodeModel(m)); // a model is data: it saves as a spec file
 */
export interface Model {
  readonly name: string;
  readonly data: DataDecl;
  readonly nets: readonly NetDecl[];
  readonly streams: readonly StreamDecl[];
  readonly schedule: readonly Step[];
  readonly views: Views;
}
