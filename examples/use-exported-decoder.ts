/**
 * Use a trained net without saddle: load the decoder `saddle train` exported (tfjs's own
 * `model.json` + `weights.bin`) with plain TensorFlow.js, walk the swiss roll the WAE of
 * `examples/wae-swiss-roll.ts` was trained on, and draw what the decoder makes of each point. Only
 * the picture and the choice of backend come from saddle; the net itself is plain tfjs.
 *
 * Run it after training the guide's model: `npx tsx examples/use-exported-decoder.ts`.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { sampleGrid } from 'saddle/report';
import { selectBackend, type BackendChoice } from 'saddle/runtime';

export interface MainOptions {
  /** The run's export directory. */
  readonly exportDir?: string;
  /** Where to write the picture. */
  readonly picture?: string;
  /** Points along the roll (one picture row of ten per ten points). */
  readonly points?: number;
  /** The image side (28 for MNIST). */
  readonly side?: number;
  readonly backend?: BackendChoice;
}

// #region load
/**
 * Load an exported net. In a browser `tf.loadLayersModel(url)` does this over HTTP; tfjs-node
 * reads `file://` URLs; plain tfjs on Node is handed the two files' contents.
 */
export const loadExported = async (dir: string): Promise<tf.LayersModel> => {
  const { modelTopology, weightsManifest } = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, 'weights.bin'));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology,
      weightSpecs: weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
};
// #endregion load

/** Points along the middle of the swiss roll of the guide's prior (two turns, radius 3). */
export const rollPath = (points: number): Float32Array => {
  const path = new Float32Array(points * 2);
  for (let i = 0; i < points; i++) {
    const s = Math.sqrt((i + 0.5) / points); // as the prior draws them: radius ∝ √u
    const angle = 2 * Math.PI * 2 * s;
    path[2 * i] = 3 * s * Math.cos(angle);
    path[2 * i + 1] = 3 * s * Math.sin(angle);
  }
  return path;
};

export const main = async (options: MainOptions = {}): Promise<{ images: Float32Array; picture: string }> => {
  const exportDir = options.exportDir ?? 'runs/wae-swiss-roll/export';
  const picture = options.picture ?? 'runs/wae-swiss-roll/roll-walk.png';
  const points = options.points ?? 100;
  const side = options.side ?? 28;

  // Any tfjs backend runs the files; saddle's selection just picks the fastest one present.
  await selectBackend(options.backend ?? 'auto');

  // #region decode
  const decoder = await loadExported(join(exportDir, 'decoder'));
  const codes = tf.tensor2d(rollPath(points), [points, 2]);
  const images = decoder.predict(codes) as tf.Tensor;
  const pixels = (await images.data()) as Float32Array;
  tf.dispose([codes, images]);
  decoder.dispose();
  // #endregion decode

  const cols = Math.min(10, points);
  writeFileSync(
    picture,
    sampleGrid(pixels, { rows: Math.ceil(points / cols), cols, height: side, width: side }),
  );
  console.log(`decoded ${points} points along the roll, from the centre outwards: ${picture}`);
  return { images: pixels, picture };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
