import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { subset, type Dataset } from '../../src/data/dataset.js';
import { loadMnist } from '../../src/data/mnist.js';
import { tinyDigits } from '../../src/data/synthetic.js';
import type { ViewName } from '../../src/dsl/ast.js';
import { buildClassifier, type ClassifierInfo } from '../../src/eval/classifier.js';
import { defaultValidation, evaluate, headline, type ViewSource } from '../../src/eval/evaluate.js';
import { applicableMetrics, runShapeOf } from '../../src/eval/metrics.js';
import { parzenLogLikelihood } from '../../src/eval/parzen.js';
import type { ViewInput, ViewOptions } from '../../src/runtime/trainer.js';
import { createTrainer } from '../../src/runtime/trainer.js';
import { aaeSemisupervisedDefaults, buildAaeSemisupervised } from '../../src/zoo/aae-semisupervised.js';
import { gaussianMatrix, useCpu } from './helpers.js';

beforeAll(useCpu);

const train = tinyDigits(300, { seed: 1, side: 8 });
const test = tinyDigits(60, { seed: 2, side: 8 });
const width = 64;

interface Call {
  readonly view: ViewName;
  readonly rows: number;
  readonly seed: number | undefined;
}

/** Views with known outputs; `perm` relabels the classify head's outputs. */
const fakeViews = (calls: Call[], opts: { perm?: readonly number[]; prior?: number } = {}): ViewSource => ({
  evalView(name: ViewName, input?: ViewInput, rows?: number, options?: ViewOptions): tf.Tensor {
    const n = input?.rows ?? rows ?? 0;
    calls.push({ view: name, rows: n, seed: options?.seed });
    switch (name) {
      case 'sample':
        return gaussianMatrix(options?.seed ?? 0, n, width, 0.3, 0.5);
      case 'reconstruct':
        return tf.tensor2d(input?.x ?? new Float32Array(), [n, width]);
      case 'encode':
        return tf.zeros([n, 3]);
      case 'prior':
        return tf.fill([n, 3], opts.prior ?? 0);
      case 'classify': {
        const labels = Array.from(input?.labels ?? [], (y) => opts.perm?.[y] ?? y);
        return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat());
      }
    }
  },
});

describe('evaluate on views with known answers', () => {
  it('gives zero reconstruction, classification and clustering error for perfect views', async () => {
    const r = await evaluate(
      fakeViews([]),
      { train, test },
      { metrics: ['recon', 'classify', 'cluster', 'mmd'], reconstruction: 'mse' },
    );
    expect(r.recon).toMatchObject({ mean: 0, n: 60, metric: 'mse' });
    expect(r.classify).toEqual({ value: 0, n: 60 });
    expect(r.cluster?.value).toBe(0);
    expect(r.cluster?.clusterLabels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.cluster?.majorityLabels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.cluster?.majorityError).toBe(0);
    expect(r.cluster?.clusterSizes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(r.mmd?.value).toBeLessThan(1e-6);
  });

  it('follows the clustering rule and the closed-form MMD when views are off', async () => {
    const perm = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0];
    const r = await evaluate(
      fakeViews([], { perm, prior: 1 }),
      { train, test },
      { metrics: ['classify', 'cluster', 'mmd'], mmdSigmas: [1, 2] },
    );
    expect(r.classify?.value).toBe(1); // every class moved
    expect(r.cluster?.value).toBe(0); // the rule recovers the relabelling
    expect(r.cluster?.majorityError).toBe(0); // and so does the majority vote
    // codes all 0, prior draws all 1 in 3-D: 2 Σσ (1 − exp(−3 / 2σ²)).
    const expected = 2 * [1, 2].reduce((s, sg) => s + 1 - Math.exp(-3 / (2 * sg * sg)), 0);
    expect(r.mmd?.value).toBeCloseTo(expected, 5);
  });

  it('draws seeded samples in batches and scores them with the Parzen protocol', async () => {
    const calls: Call[] = [];
    const grid = [0.1, 0.3, 1];
    const r = await evaluate(
      fakeViews(calls),
      { train, test },
      { metrics: ['parzen'], samples: 250, batch: 100, seed: 4, sigmaGrid: grid },
    );
    const draws = calls.filter((c) => c.view === 'sample');
    expect(draws.map((c) => c.rows)).toEqual([100, 100, 50]);
    expect(new Set(draws.map((c) => c.seed)).size).toBe(3);
    // The same numbers from the metric itself, on the same draws and validation split.
    const samples = tf.concat(
      draws.map((c) => gaussianMatrix(c.seed ?? 0, c.rows, width, 0.3, 0.5)),
    ) as tf.Tensor2D;
    const direct = await parzenLogLikelihood(samples, tf.tensor2d(test.x, [60, width]), r.parzen?.sigma ?? 0);
    expect(r.parzen?.mean).toBeCloseTo(direct.mean, 4);
    expect(r.parzen?.validationSize).toBe(50);
    expect(grid).toContain(r.parzen?.sigma);
    // Same seed, same numbers.
    const again = await evaluate(
      fakeViews([]),
      { train, test },
      { metrics: ['parzen'], samples: 250, batch: 100, seed: 4, sigmaGrid: grid },
    );
    expect(again.parzen).toEqual(r.parzen);
  });

  it('leaves no tensor behind', async () => {
    const views = fakeViews([]);
    const run = () =>
      evaluate(
        views,
        { train, test },
        { metrics: ['parzen', 'recon', 'mmd', 'cluster', 'classify'], samples: 50, sigmaGrid: [0.5] },
      );
    await run(); // first call may create lazily cached tensors (backend constants)
    const before = tf.memory().numTensors;
    await run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('holds out the last sixth (at most 10,000) of the training set for σ', () => {
    const v = defaultValidation(train);
    expect(v.size).toBe(50);
    expect([...v.labels]).toEqual([...train.labels.subarray(250)]);
  });
});

describe('evaluate with the MNIST classifier', () => {
  let mnistTest: Dataset;
  const info: ClassifierInfo = {
    kind: 'saddle-mnist-classifier',
    version: 1,
    testAccuracy: 0.99,
    epochs: 0,
    batchSize: 1,
    seed: 0,
    trainExamples: 0,
    trainSeconds: 0,
    backend: 'cpu',
  };
  beforeAll(async () => {
    mnistTest = subset(
      (await loadMnist()).test,
      Array.from({ length: 30 }, (_, i) => i),
    );
  });

  it('gives FID 0 and the test set’s own score when the samples are the test set', async () => {
    const model = buildClassifier(0);
    const views: ViewSource = {
      evalView: (_n, _i, rows) => tf.tensor2d(mnistTest.x.slice(0, (rows ?? 0) * 784), [rows ?? 0, 784]),
    };
    const r = await evaluate(
      views,
      { train: mnistTest, test: mnistTest },
      {
        metrics: ['fid', 'score'],
        samples: 30,
        batch: 30,
        classifier: () => Promise.resolve({ model, info }),
      },
    );
    expect(r.fid?.value).toBeLessThan(1e-6);
    expect(r.score?.value).toBeCloseTo(r.score?.testSetScore ?? 0, 5);
    expect(r.fid?.classifier).toEqual(info);
  });

  it('refuses fid without a classifier', async () => {
    await expect(evaluate(fakeViews([]), { train, test }, { metrics: ['fid'], samples: 10 })).rejects.toThrow(
      /need the MNIST classifier/,
    );
  });
});

describe('evaluate a trained model', () => {
  it('computes every applicable metric of a tiny semi-supervised AAE, reproducibly', async () => {
    const model = buildAaeSemisupervised(
      { ...aaeSemisupervisedDefaults, hidden: 16, latent: 2, labels: 50 },
      { x: train.shape, classes: 10 },
    );
    const plan = compile(model);
    if (E.isLeft(plan)) throw new Error('does not compile');
    const trainer = createTrainer({ plan: plan.right, data: train, batchSize: 50, seed: 3 });
    for (let i = 0; i < 20; i++) trainer.step();
    await trainer.readLosses();
    const metrics = applicableMetrics(runShapeOf(plan.right, { mnist: false }));
    expect(metrics).toEqual(['parzen', 'recon', 'mmd', 'cluster', 'classify']); // 8 × 8 data: no MNIST classifier
    const options = { metrics, samples: 100, seed: 1 };
    const r = await evaluate(trainer, { train, test }, options);
    const numbers = headline(r);
    expect(Object.keys(numbers)).toEqual(metrics);
    for (const v of Object.values(numbers)) expect(Number.isFinite(v)).toBe(true);
    expect(r.recon?.mean).toBeGreaterThan(0);
    expect(r.classify?.value).toBeGreaterThanOrEqual(0);
    expect(r.classify?.value).toBeLessThanOrEqual(1);
    expect(headline(await evaluate(trainer, { train, test }, options))).toEqual(numbers);
    trainer.dispose();
  });
});
