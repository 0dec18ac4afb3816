/**
 * Export: each net of a trained model in tfjs's own `model.json` + `weights.bin` layout, so it can be
 * loaded anywhere with `tf.loadLayersModel` — no saddle needed to use a trained decoder.
 *
 * A `PlanNet` is rebuilt as an equivalent `tf.sequential` LayersModel (the layer kinds map one to
 * one; a leaky-ReLU fused into a dense or convolution layer becomes a separate `leakyReLU` layer,
 * since Keras has no leaky-ReLU activation string), the trainer's weights are copied in, and the model
 * is saved through `tf.io.withSaveHandler` with `node:fs` (pure JS; no tfjs-node required).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { match } from 'ts-pattern';
import type { Activation, ParamSpec, PlanLayer, PlanNet } from '../compile/plan.js';
import type { Variables } from './nets.js';
import type { Trainer } from './trainer.js';

type KerasActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu';

/** The Keras activation string of an activation, and whether a leaky-ReLU layer must follow. */
const kerasActivation = (a: Activation): { activation: KerasActivation; leaky: number | null } =>
  a.fn === 'leakyRelu' ? { activation: 'linear', leaky: a.alpha } : { activation: a.fn, leaky: null };

const valueOf = (variables: Variables, spec: ParamSpec): tf.Tensor => {
  const v = variables.get(spec.name);
  if (v === undefined) throw new Error(`export: no variable for parameter '${spec.name}'`);
  return v;
};

/** Keras layers for one PlanLayer, with the weights to load into the first of them. */
const kerasLayers = (
  layer: PlanLayer,
  variables: Variables,
): { layers: tf.layers.Layer[]; weights: tf.Tensor[] } => {
  const withLeaky = (main: tf.layers.Layer, leaky: number | null, weights: tf.Tensor[]) => ({
    layers: leaky === null ? [main] : [main, tf.layers.leakyReLU({ alpha: leaky })],
    weights,
  });
  return match(layer)
    .returnType<{ layers: tf.layers.Layer[]; weights: tf.Tensor[] }>()
    .with({ op: 'dense' }, (l) => {
      const { activation, leaky } = kerasActivation(l.activation);
      const units = l.outShape[l.outShape.length - 1] ?? 1;
      const weights = [
        valueOf(variables, l.kernel),
        ...(l.bias === null ? [] : [valueOf(variables, l.bias)]),
      ];
      return withLeaky(tf.layers.dense({ units, useBias: l.bias !== null, activation }), leaky, weights);
    })
    .with({ op: 'activation' }, (l) => {
      const { activation, leaky } = kerasActivation(l.activation);
      return {
        layers: [
          leaky === null ? tf.layers.activation({ activation }) : tf.layers.leakyReLU({ alpha: leaky }),
        ],
        weights: [],
      };
    })
    .with({ op: 'dropout' }, (l) => ({ layers: [tf.layers.dropout({ rate: l.rate })], weights: [] }))
    .with({ op: 'batchNorm' }, (l) => ({
      layers: [tf.layers.batchNormalization({ axis: -1, momentum: l.momentum, epsilon: l.epsilon })],
      weights: [l.gamma, l.beta, l.movingMean, l.movingVariance].map((p) => valueOf(variables, p)),
    }))
    .with({ op: 'reshape' }, (l) => ({
      layers: [tf.layers.reshape({ targetShape: [...l.outShape] })],
      weights: [],
    }))
    .with({ op: 'flatten' }, () => ({ layers: [tf.layers.flatten()], weights: [] }))
    .with({ op: 'conv2d' }, { op: 'deconv2d' }, (l) => {
      const { activation, leaky } = kerasActivation(l.activation);
      const args = {
        filters: l.outShape[2] ?? 1,
        kernelSize: l.size,
        strides: l.stride,
        padding: l.padding,
        activation,
        useBias: true,
      };
      const main = l.op === 'conv2d' ? tf.layers.conv2d(args) : tf.layers.conv2dTranspose(args);
      return withLeaky(main, leaky, [valueOf(variables, l.kernel), valueOf(variables, l.bias)]);
    })
    .with({ op: 'maxPool' }, (l) => ({
      layers: [tf.layers.maxPooling2d({ poolSize: l.size, strides: l.stride, padding: 'valid' })],
      weights: [],
    }))
    .with({ op: 'randomFeatures' }, () => {
      throw new ExportError(
        'a random-feature layer (cos/sin of a fixed projection) has no Keras layer to express it',
      );
    })
    .exhaustive();
};

/**
 * A net that no combination of stock tfjs layers computes, so a plain `model.json` cannot hold it.
 *
 * @example
 * try { await exportNet(adversaryNet, trainer.variables, 'out/adversary'); }
 * catch (e) { if (e instanceof ExportError) console.error(e.message); }   // a random-feature net has no Keras layer
 */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/**
 * Whether a net can be written as a stock LayersModel. Random Fourier feature maps (the DS-AAE
 * adversary) cannot: Keras has no cosine layer. Such nets are critics, never needed outside training.
 *
 * @example
 * const saved = trainer.plan.nets.filter(exportable).map((n) => n.name);   // every net but DS-AAE's adversary
 */
export const exportable = (net: PlanNet): boolean => net.layers.every((l) => l.op !== 'randomFeatures');

/**
 * A LayersModel computing what `net` computes in inference mode, holding copies of its current
 * weights. The caller disposes it. Throws `ExportError` for a net that is not `exportable`.
 */
export const buildLayersModel = (net: PlanNet, variables: Variables): tf.LayersModel => {
  const parts = net.layers.map((l) => kerasLayers(l, variables));
  const model = tf.sequential({
    layers: [tf.layers.inputLayer({ inputShape: [...net.inShape] }), ...parts.flatMap((p) => p.layers)],
  });
  for (const part of parts) {
    const first = part.layers[0];
    if (first !== undefined && part.weights.length > 0) first.setWeights(part.weights);
  }
  return model;
};

/** The `model.json` tfjs writes for a saved LayersModel with one weights file. */
const modelJson = (artifacts: tf.io.ModelArtifacts, weightsPath: string): object => ({
  modelTopology: artifacts.modelTopology,
  format: artifacts.format ?? 'layers-model',
  generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
  convertedBy: artifacts.convertedBy ?? null,
  weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
});

/** Write a file via a temporary sibling and a rename, so a reader never sees half a file. */
const writeFileReplacing = (path: string, data: string | Uint8Array): void => {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
};

/**
 * Save one net to `dir/model.json` + `dir/weights.bin`.
 *
 * @example
 * const decoder = trainer.plan.nets.find((n) => n.name === 'decoder')!;
 * await exportNet(decoder, trainer.variables, 'out/decoder');
 * // later, anywhere tfjs runs: await tf.loadLayersModel('file://out/decoder/model.json')
 */
export const exportNet = async (net: PlanNet, variables: Variables, dir: string): Promise<void> => {
  const model = buildLayersModel(net, variables);
  try {
    mkdirSync(dir, { recursive: true });
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data =
          artifacts.weightData === undefined
            ? new ArrayBuffer(0)
            : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
        writeFileReplacing(join(dir, 'weights.bin'), new Uint8Array(data));
        writeFileReplacing(
          join(dir, 'model.json'),
          `${JSON.stringify(modelJson(artifacts, 'weights.bin'))}\n`,
        );
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
  } finally {
    model.dispose();
  }
};

/**
 * Export every `exportable` net of the trainer's plan under `dir/<net>/` (the others — fixed
 * random-feature critics — are skipped). Returns the written `model.json` paths relative to `dir`
 * (`encoder/model.json`, ...).
 *
 * @example
 * const written = await exportNets(trainer, 'runs/aae/export');   // ['encoder/model.json', 'decoder/model.json', ...]
 */
export const exportNets = async (trainer: Trainer, dir: string): Promise<string[]> => {
  const written: string[] = [];
  for (const net of trainer.plan.nets.filter(exportable)) {
    await exportNet(net, trainer.variables, join(dir, net.name));
    written.push(join(net.name, 'model.json'));
  }
  return written;
};
