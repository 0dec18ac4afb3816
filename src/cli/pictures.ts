/**
 * The pictures a run leaves behind: a 10×10 grid decoded from prior draws (`samples-<label>.png`),
 * test codes coloured by class over prior draws for 2-D codes (`latent-<label>.png`), and the loss
 * curves (`loss.png`). Charts are Vega-Lite specs; the latent scatter's spec and a histogram of the
 * codes per dimension are kept beside the PNG (`latent-<label>.vl.json`, `codes-<label>.vl.json`) so
 * `saddle report` embeds the very same charts, interactive, without re-encoding anything.
 *
 * The sample grid uses a fixed draw seed, so grids of successive epochs show the same `z` and can
 * be compared side by side.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../compile/plan.js';
import { exampleWidth } from '../data/dataset.js';
import type { TopLevelSpec } from 'vega-lite';
import {
  codeHistogramSpec,
  latentScatterSpec,
  lossCurvesSpec,
  renderPng,
  sampleGrid,
} from '../report/index.js';
import { readMetrics } from '../runtime/run.js';
import type { Trainer } from '../runtime/trainer.js';
import type { RunData } from './run.js';

/** Seed of the sample grid's draws: the same codes at every epoch. */
const GRID_SEED = 20151118;
/** Test codes drawn in the latent picture, and prior draws behind them. */
const LATENT_CODES = 5000;
const LATENT_PRIOR = 3000;
/** Codes and prior draws in the per-dimension histograms. */
const HISTOGRAM_CODES = 2000;

/** Where `writePictures` keeps a chart's spec: `<name>-<label>.vl.json`. */
export const specFile = (name: 'latent' | 'codes', label: string): string => `${name}-${label}.vl.json`;

const writeSpec = (path: string, spec: TopLevelSpec): void =>
  writeFileSync(path, `${JSON.stringify(spec)}\n`);

/** Height and width of one example drawn as an image, or undefined when it is not an image. */
export const imageSize = (shape: readonly number[]): { height: number; width: number } | undefined => {
  if (shape.length >= 2) return { height: shape[0] ?? 0, width: shape[1] ?? 0 };
  const side = Math.round(Math.sqrt(exampleWidth(shape)));
  return side >= 4 && side * side === exampleWidth(shape) ? { height: side, width: side } : undefined;
};

/** Draw `rows` samples from the run's `sample` view (fixed seed unless `seed` is given). */
export const drawSamples = (trainer: Trainer, rows: number, seed = GRID_SEED): Promise<Float32Array> =>
  trainer.readView('sample', undefined, rows, { seed });

/** A picture of `n` samples: a grid of images, or a scatter over the data for 2-D data. */
export const samplesPicture = async (
  samples: Float32Array,
  n: number,
  plan: Plan,
  data: RunData,
): Promise<Buffer | undefined> => {
  const size = imageSize(plan.data.x);
  if (size !== undefined) {
    const cols = Math.min(10, n);
    return sampleGrid(samples, { rows: Math.ceil(n / cols), cols, height: size.height, width: size.width });
  }
  if (exampleWidth(plan.data.x) === 2) {
    return renderPng(
      latentScatterSpec({
        codes: samples,
        labels: new Int32Array(n),
        prior: data.test.x,
        priorName: 'data',
        labelTitle: 'sample',
        title: 'samples (data in grey)',
        xTitle: 'x1',
        yTitle: 'x2',
      }),
    );
  }
  return undefined;
};

/** Write the run's pictures labelled `label` (an epoch number or `final`); returns the file names. */
export const writePictures = async (
  trainer: Trainer,
  plan: Plan,
  data: RunData,
  outDir: string,
  label: string,
): Promise<string[]> => {
  const written: string[] = [];
  if (plan.views.sample !== undefined) {
    const png = await samplesPicture(await drawSamples(trainer, 100), 100, plan, data);
    if (png !== undefined) {
      writeFileSync(join(outDir, `samples-${label}.png`), png);
      written.push(`samples-${label}.png`);
    }
  }
  const encode = plan.views.encode;
  const encodeShape = encode?.instrs[encode.output]?.shape;
  if (encodeShape !== undefined) {
    const width = exampleWidth(encodeShape);
    const n = Math.min(width === 2 ? LATENT_CODES : HISTOGRAM_CODES, data.test.size);
    const xWidth = exampleWidth(data.test.shape);
    const labels = data.test.labels.subarray(0, n);
    const codes = await trainer.readView('encode', {
      x: data.test.x.subarray(0, n * xWidth),
      labels,
      rows: n,
    });
    const prior =
      plan.views.prior !== undefined
        ? await trainer.readView('prior', undefined, width === 2 ? LATENT_PRIOR : HISTOGRAM_CODES, {
            seed: GRID_SEED,
          })
        : undefined;
    const when = label === 'final' ? 'end of run' : `epoch ${label}`;
    const withPrior = prior !== undefined && prior.length % width === 0 ? { prior } : {};
    writeSpec(
      join(outDir, specFile('codes', label)),
      codeHistogramSpec(codes, width, {
        ...withPrior,
        title: `${plan.model}: test codes per dimension (${when})`,
      }),
    );
    if (width === 2) {
      const spec = latentScatterSpec({
        codes,
        labels,
        ...withPrior,
        labelTitle: plan.data.classes === 10 ? 'digit' : 'class',
        title: `${plan.model}: test codes (${when}), prior in grey`,
      });
      writeSpec(join(outDir, specFile('latent', label)), spec);
      writeFileSync(join(outDir, `latent-${label}.png`), await renderPng(spec));
      written.push(`latent-${label}.png`);
    }
  }
  const records = readMetrics(outDir);
  if (records.length > 1) {
    writeFileSync(
      join(outDir, 'loss.png'),
      await renderPng(lossCurvesSpec(records, { title: `${plan.model}: phase losses` })),
    );
    written.push('loss.png');
  }
  return written;
};
