/**
 * saddle's own MNIST classifier: the feature extractor behind the Fréchet distance and the
 * classifier score of generated digits.
 *
 * Why our own and not Inception: Inception features are meaningless on 28 × 28 digits, and a
 * downloaded network would make the metric depend on a file we cannot rebuild. This one is small,
 * seeded, trained by saddle on the MNIST training set in a few minutes on a CPU, and then cached
 * (`classifier-cache.ts`) with its measured test accuracy, so every run is scored by the same net.
 *
 * Architecture (input 28 × 28 × 1):
 *   conv 32 3×3 relu → maxpool 2 → conv 64 3×3 relu → maxpool 2 → flatten
 *   → dense 128 relu (`features`: the penultimate layer, 128 wide) → dropout 0.3 → dense 10 softmax
 *
 * The net is a tfjs `LayersModel` (so the cache is a standard `model.json` any tfjs program loads),
 * but it is *trained* through `trainingForward`, the same function written in plain ops: a 3×3
 * convolution as nine shifted slices and one matmul, a 2×2 max-pool as a reshape and a max. Why:
 * the wasm backend — the fast one on a machine without tfjs-node — has no convolution gradient
 * kernels (`Conv2DBackpropFilter`), while slices, matmuls and reductions have gradients everywhere.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { exampleWidth, type Dataset } from '../data/dataset.js';
import { createRng } from '../data/rng.js';
import { EvalError, requireMatrix } from './errors.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * What the cache records about a trained classifier, and checks before trusting it.
 *
 * @example
 * const { info }: { info: ClassifierInfo } = await ensureClassifier({ data: () => loadMnist() });
 * console.log(`classifier v${info.version}: ${(info.testAccuracy * 100).toFixed(2)}% on MNIST test`);
 */
export interface ClassifierInfo {
  readonly kind: 'saddle-mnist-classifier';
  /** Bumped whenever the architecture or training recipe changes; older caches are retrained. */
  readonly version: number;
  /** Accuracy on the 10,000 MNIST test images, measured right after training. */
  readonly testAccuracy: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly trainExamples: number;
  /** Wall-clock training time and the backend it ran on, for the record. */
  readonly trainSeconds: number;
  readonly backend: string;
}

/**
 * A classifier ready for evaluation.
 *
 * @example
 * const classifier: MnistClassifier = await ensureClassifier({ data: () => loadMnist() });
 * classifier.model.predict(images);   // [n, 10] class probabilities
 */
export interface MnistClassifier {
  readonly model: tf.LayersModel;
  readonly info: ClassifierInfo;
}

/** Penultimate features and class probabilities of a batch of images. */
export interface ClassifierOutputs {
  /** `[n, featureWidth]`, the `features` layer. */
  readonly features: tf.Tensor2D;
  /** `[n, 10]`, p(y|x). */
  readonly probs: tf.Tensor2D;
}

/**
 * How the MNIST classifier behind FID and the classifier score is trained: epochs, batch size, seed,
 * and a progress callback. The defaults are the recipe whose accuracy docs/evaluation.md reports.
 *
 * @example
 * await ensureClassifier({ data: () => loadMnist(), seed: 1, onProgress: ({ epoch, fraction }) => console.log(epoch, fraction) });
 */
export interface TrainClassifierOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** Called after every batch: epoch (from 1), fraction of training done, and the batch loss. */
  readonly onProgress?: (p: {
    readonly epoch: number;
    readonly fraction: number;
    readonly loss: number;
  }) => void;
}

export const CLASSIFIER_VERSION = 2;
/** The accuracy a cached classifier must have recorded to be used; below it, it is retrained. */
export const REQUIRED_TEST_ACCURACY = 0.99;
const SIDE = 28;
const CLASSES = 10;
const FEATURES_LAYER = 'features';
export const FEATURE_WIDTH = 128;

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * The untrained network, with every initializer and the dropout seeded from `seed`. Why seeded:
 * two machines training the classifier get the same net up to backend arithmetic.
 */
export const buildClassifier = (seed: number): tf.LayersModel => {
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform({ seed: seed * 16 + k });
  return tf.sequential({
    name: 'saddle_mnist_classifier',
    layers: [
      tf.layers.conv2d({
        inputShape: [SIDE, SIDE, 1],
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        name: FEATURES_LAYER,
        units: FEATURE_WIDTH,
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tf.layers.dropout({ rate: 0.3, seed: seed * 16 + 4 }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(5) }),
    ],
  });
};

/** Adam whose learning rate can be lowered between epochs (tfjs fixes it at construction). */
class DecayingAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

const LEARNING_RATE = 1e-3;
/** Per-epoch factor: 1e-3, 6e-4, 3.6e-4, … Without it the last epoch's noise costs ~0.2% accuracy. */
const LEARNING_RATE_DECAY = 0.6;

const checkImages = (what: string, d: Dataset): void => {
  if (exampleWidth(d.shape) !== SIDE * SIDE || d.classes !== CLASSES) {
    throw new EvalError(
      `classifier: ${what} '${d.name}' must be MNIST-shaped (784 pixels, 10 classes), got [${d.shape.join(', ')}] with ${d.classes} classes`,
    );
  }
};

/** Rows `[start, end)` of a dataset as an image batch and one-hot labels. */
const batchOf = (
  d: Dataset,
  order: ArrayLike<number>,
  start: number,
  end: number,
): { x: tf.Tensor4D; y: tf.Tensor2D } => {
  const width = SIDE * SIDE;
  const x = new Float32Array((end - start) * width);
  const labels = new Int32Array(end - start);
  for (let r = start; r < end; r++) {
    const i = order[r] ?? 0;
    x.set(d.x.subarray(i * width, (i + 1) * width), (r - start) * width);
    labels[r - start] = d.labels[i] ?? 0;
  }
  return tf.tidy(() => ({
    x: tf.tensor4d(x, [end - start, SIDE, SIDE, 1]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) as tf.Tensor2D,
  }));
};

/**
 * Train the classifier on `train` (5 epochs of Adam on softmax cross-entropy, learning rate 1e-3
 * decayed ×0.6 per epoch, batch 128, seeded shuffles and dropout)
 * and measure its accuracy on `test`. Why our own loop rather than `fit`: the shuffle comes from
 * saddle's seeded generator, the caller sees progress per batch, and the gradient goes through
 * `trainingForward`, which every backend can differentiate. Runs on the active tfjs backend.
 */
export const trainClassifier = async (
  data: { readonly train: Dataset; readonly test: Dataset },
  options: TrainClassifierOptions = {},
): Promise<MnistClassifier> => {
  checkImages('training set', data.train);
  checkImages('test set', data.test);
  const epochs = options.epochs ?? 5;
  const batchSize = options.batchSize ?? 128;
  const seed = options.seed ?? 0;
  const model = buildClassifier(seed);
  const optimizer = new DecayingAdam(LEARNING_RATE, 0.9, 0.999, 1e-7);
  const params = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = createRng(seed).fork('classifier-data');
  const dropoutSeeds = createRng(seed).fork('classifier-dropout');
  const started = performance.now();
  const n = data.train.size;
  const batches = Math.ceil(n / batchSize);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    optimizer.setLearningRate(LEARNING_RATE * LEARNING_RATE_DECAY ** (epoch - 1));
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    for (let b = 0; b < batches; b++) {
      const { x, y } = batchOf(data.train, order, b * batchSize, Math.min(n, (b + 1) * batchSize));
      const dropoutSeed = dropoutSeeds.nextUint32();
      const cost = optimizer.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(y, trainingForward(model, x, { dropoutSeed }).logits) as tf.Scalar,
        true,
        params,
      );
      tf.dispose([x, y]);
      const [loss = Number.NaN] = cost === null ? [] : await cost.data();
      cost?.dispose();
      options.onProgress?.({ epoch, fraction: ((epoch - 1) * batches + b + 1) / (epochs * batches), loss });
    }
  }
  optimizer.dispose();
  const trainSeconds = (performance.now() - started) / 1000;
  const testAccuracy = await classifierAccuracy(model, data.test);
  return {
    model,
    info: {
      kind: 'saddle-mnist-classifier',
      version: CLASSIFIER_VERSION,
      testAccuracy,
      epochs,
      batchSize,
      seed,
      trainExamples: n,
      trainSeconds,
      backend: tf.getBackend(),
    },
  };
};

// -------------------------------------------------------------------------------------------------
// the network in plain ops
// -------------------------------------------------------------------------------------------------

/** A 3×3 'valid' convolution as one matmul over nine shifted slices (the im2col of the input). */
const conv3x3 = (x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor4D => {
  const [n, h, w, c] = x.shape;
  const [oh, ow] = [h - 2, w - 2];
  const shifted: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++)
    for (let dx = 0; dx < 3; dx++) shifted.push(tf.slice(x, [0, dy, dx, 0], [n, oh, ow, c]));
  // Column (dy·3 + dx)·C + c of the patches meets row (dy, dx, c) of the [3, 3, C, F] kernel.
  const patches = tf.reshape(tf.concat(shifted, 3), [n * oh * ow, 9 * c]);
  const filters = kernel.shape[3] ?? 0;
  const out = tf.add(tf.matMul(patches, tf.reshape(kernel, [9 * c, filters])), bias);
  return tf.reshape(tf.relu(out), [n, oh, ow, filters]);
};

/**
 * 2×2 max-pool, stride 2, 'valid' (an odd last row/column is dropped, as tfjs's layer does): the
 * elementwise maximum of the four corners of each window. Why not `max` over a reshaped axis: its
 * gradient broadcasts an equality test over a 6-D tensor, which is slow on wasm; `maximum` of
 * same-shaped tensors has a plain elementwise gradient.
 */
const maxPool2 = (x: tf.Tensor4D): tf.Tensor4D => {
  const [n, h, w, c] = x.shape;
  const [ph, pw] = [Math.floor(h / 2), Math.floor(w / 2)];
  const even = h % 2 === 0 && w % 2 === 0 ? x : tf.slice(x, [0, 0, 0, 0], [n, 2 * ph, 2 * pw, c]);
  const windows = tf.reshape(even, [n * ph, 2, pw, 2 * c]); // row pairs; each column pair side by side
  const corner = (dy: number, dx: number): tf.Tensor =>
    tf.slice(windows, [0, dy, 0, dx * c], [n * ph, 1, pw, c]);
  const pooled = tf.maximum(tf.maximum(corner(0, 0), corner(0, 1)), tf.maximum(corner(1, 0), corner(1, 1)));
  return tf.reshape(pooled, [n, ph, pw, c]);
};

/**
 * The classifier's forward pass in plain ops on `model`'s own weights: `logits` before the softmax
 * and the penultimate `features`. With `dropoutSeed` it applies the training-time dropout; without,
 * it computes exactly what `model.predict` does (tested). Call inside `tf.tidy` or a minimize.
 */
export const trainingForward = (
  model: tf.LayersModel,
  images: tf.Tensor4D,
  options: { readonly dropoutSeed?: number } = {},
): { readonly logits: tf.Tensor2D; readonly features: tf.Tensor2D } => {
  const [k1, b1, k2, b2, k3, b3, k4, b4] = model.trainableWeights.map((w) => w.read());
  if (
    k1 === undefined ||
    b1 === undefined ||
    k2 === undefined ||
    b2 === undefined ||
    k3 === undefined ||
    b3 === undefined ||
    k4 === undefined ||
    b4 === undefined
  ) {
    throw new EvalError(
      `classifier: expected 8 weight tensors, the model has ${model.trainableWeights.length}`,
    );
  }
  const pooled = maxPool2(conv3x3(maxPool2(conv3x3(images, k1, b1)), k2, b2));
  const flat = tf.reshape(pooled, [images.shape[0], -1]);
  const features = tf.relu(tf.add(tf.matMul(flat, k3), b3)) as tf.Tensor2D;
  const dropped =
    options.dropoutSeed === undefined ? features : tf.dropout(features, 0.3, undefined, options.dropoutSeed);
  return { logits: tf.add(tf.matMul(dropped, k4), b4) as tf.Tensor2D, features };
};

// -------------------------------------------------------------------------------------------------
// inference
// -------------------------------------------------------------------------------------------------

/**
 * Penultimate features and class probabilities of `images` (`[n, 784]` in [0, 1]), in batches of
 * `batch` rows. Why both at once: FID needs the features and the classifier score the
 * probabilities of the same samples; one forward pass serves both. The caller disposes the result.
 */
export const classifierOutputs = (
  model: tf.LayersModel,
  images: tf.Tensor2D,
  batch = 500,
): ClassifierOutputs => {
  requireMatrix('classifier: images', images.shape);
  if (images.shape[1] !== SIDE * SIDE) {
    throw new EvalError(`classifier: images must be 784 pixels wide (28 × 28 MNIST), got ${images.shape[1]}`);
  }
  const twoHeads = tf.model({
    inputs: model.inputs,
    outputs: [
      model.getLayer(FEATURES_LAYER).output as tf.SymbolicTensor,
      model.outputs[0] as tf.SymbolicTensor,
    ],
  });
  return tf.tidy(() => {
    const features: tf.Tensor[] = [];
    const probs: tf.Tensor[] = [];
    const n = images.shape[0];
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      // A tidy per batch: only the two outputs outlive it, never a batch's activations.
      const [f, p] = tf.tidy(() => {
        const x = tf.reshape(tf.slice(images, [start, 0], [rows, SIDE * SIDE]), [rows, SIDE, SIDE, 1]);
        return twoHeads.predict(x) as tf.Tensor[];
      });
      if (f === undefined || p === undefined)
        throw new Error('classifier: the two-headed model returned fewer than two outputs');
      features.push(f);
      probs.push(p);
    }
    return { features: tf.concat(features) as tf.Tensor2D, probs: tf.concat(probs) as tf.Tensor2D };
  });
};

/** The fraction of `d` the classifier labels correctly; the number the cache records and checks. */
export const classifierAccuracy = async (model: tf.LayersModel, d: Dataset): Promise<number> => {
  checkImages('evaluation set', d);
  const images = tf.tensor2d(d.x, [d.size, SIDE * SIDE]);
  const { features, probs } = classifierOutputs(model, images);
  const rate = tf.tidy(() =>
    tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), tf.tensor1d(d.labels, 'int32')), 'float32')),
  );
  const [accuracy = 0] = await rate.data();
  tf.dispose([images, features, probs, rate]);
  return accuracy;
};
