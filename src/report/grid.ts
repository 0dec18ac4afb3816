/**
 * Sample grids: a batch of generated images tiled rows × columns into one PNG, the picture every
 * generative-model paper shows.
 *
 * Image `k` goes to row ⌊k / cols⌋, column k mod cols. Values are intensities in [0, 1]; anything
 * outside is clamped, but a non-finite value (NaN, ±∞) is painted pure red: a diverged decoder must
 * look broken in the report, not like a black digit.
 *
 * @example
 * import { sampleGrid } from 'saddle/report';
 * const decoded = await decoder.predict(z).data();   // 100 × 784 in [0, 1]
 * fs.writeFileSync('samples-epoch3.png', sampleGrid(decoded as Float32Array, { rows: 10, cols: 10, height: 28, width: 28 }));
 *
 * @module
 */
import { encodePng, type RawImage } from './png.js';

/**
 * An RGB colour, each channel 0–255.
 *
 * @example
 * const white: Rgb = [255, 255, 255];
 * sampleGrid(images, { rows: 2, cols: 2, height: 28, width: 28, background: white });
 */
export type Rgb = readonly [number, number, number];

/** What a non-finite value is painted: pure red, which no decoded grey image contains. */
const ALARM_RED: Rgb = [255, 0, 0];

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * How to tile images: the grid, each image's size, and how they are spaced and magnified.
 *
 * @example
 * const options: SampleGridOptions = { rows: 10, cols: 10, height: 28, width: 28, scale: 1, padding: 1 };
 * sampleGrid(images, options);
 */
export interface SampleGridOptions {
  readonly rows: number;
  readonly cols: number;
  /** Image height and width in pixels. */
  readonly height: number;
  readonly width: number;
  /** 1 for grey images (default), 3 for RGB stored height × width × 3. */
  readonly channels?: 1 | 3;
  /** Output pixels between images and around the border (default 2). */
  readonly padding?: number;
  /** Integer magnification of every image pixel (default 2). */
  readonly scale?: number;
  /** Colour of the padding (default mid grey, which separates both black- and white-background images). */
  readonly background?: Rgb;
}

/**
 * A rendered grid (an RGB raster), plus the count of non-finite values painted red.
 *
 * @example
 * const { image, nonFinite }: SampleGridRender = renderSampleGrid(images, { rows: 10, cols: 10, height: 28, width: 28 });
 * if (nonFinite > 0) console.warn(`${nonFinite} pixels diverged (painted red)`);
 */
export interface SampleGridRender {
  readonly image: RawImage;
  readonly nonFinite: number;
  /** How many images were shown (at most rows × cols). */
  readonly shown: number;
}

// -------------------------------------------------------------------------------------------------
// layout
// -------------------------------------------------------------------------------------------------

const positiveInteger = (name: string, value: number): void => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`sampleGrid: options.${name} must be a positive integer, got ${String(value)}`);
  }
};

/**
 * The output pixel where image `k`'s top-left pixel lands. Exported so callers (and tests) can find
 * an image in the picture without repeating the layout arithmetic.
 *
 * @example
 * const { x, y } = gridCellOrigin(12, { cols: 10, height: 28, width: 28 });   // row 1, column 2
 * const at = 3 * (y * grid.image.width + x);                                   // its top-left pixel
 * console.log(grid.image.data.subarray(at, at + 3));
 */
export const gridCellOrigin = (
  k: number,
  options: Pick<SampleGridOptions, 'cols' | 'height' | 'width' | 'padding' | 'scale'>,
): { readonly x: number; readonly y: number } => {
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 2;
  const row = Math.floor(k / options.cols);
  const col = k % options.cols;
  return {
    x: padding + col * (options.width * scale + padding),
    y: padding + row * (options.height * scale + padding),
  };
};

// -------------------------------------------------------------------------------------------------
// rendering
// -------------------------------------------------------------------------------------------------

const toByte = (v: number): number => Math.round((v <= 0 ? 0 : v >= 1 ? 1 : v) * 255);

/**
 * Tiles `images` (n × height·width·channels values, row-major) into an RGB raster. If n < rows·cols the
 * remaining cells stay background; extra images beyond rows·cols are not shown.
 *
 * @throws RangeError naming the option when a size is not a positive integer, or when the buffer
 *   length is not a whole number of images.
 *
 * @example
 * const grid = renderSampleGrid(images, { rows: 4, cols: 8, height: 28, width: 28 });
 * console.log(grid.image.width, grid.image.height, grid.nonFinite);
 */
export const renderSampleGrid = (images: Float32Array, options: SampleGridOptions): SampleGridRender => {
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 2;
  const channels = options.channels ?? 1;
  for (const name of ['rows', 'cols', 'height', 'width', 'scale'] as const) {
    positiveInteger(name, name === 'scale' ? scale : options[name]);
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(
      `sampleGrid: options.padding must be a non-negative integer, got ${String(padding)}`,
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`sampleGrid: options.channels must be 1 or 3, got ${String(channels)}`);
  }
  const { rows, cols, height, width } = options;
  const perImage = height * width * channels;
  if (images.length === 0 || images.length % perImage !== 0) {
    throw new RangeError(
      `sampleGrid: images has ${String(images.length)} values, not a positive multiple of ` +
        `height × width × channels = ${String(height)}×${String(width)}×${String(channels)} = ${String(perImage)}`,
    );
  }
  const n = images.length / perImage;
  const shown = Math.min(n, rows * cols);
  const canvasWidth = cols * width * scale + (cols + 1) * padding;
  const canvasHeight = rows * height * scale + (rows + 1) * padding;
  const data = new Uint8Array(3 * canvasWidth * canvasHeight);
  const background = options.background ?? [128, 128, 128];
  for (let at = 0; at < data.length; at += 3) data.set(background, at);
  let nonFinite = 0;
  const pixel: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < shown; k++) {
    const origin = gridCellOrigin(k, { cols, height, width, padding, scale });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = k * perImage + (y * width + x) * channels;
        let broken = false;
        for (let c = 0; c < 3; c++) {
          const v = images[at + (channels === 1 ? 0 : c)]!;
          if (!Number.isFinite(v)) broken = true;
          pixel[c] = toByte(v);
        }
        if (broken) nonFinite++;
        const colour = broken ? ALARM_RED : pixel;
        for (let sy = 0; sy < scale; sy++) {
          const rowStart = 3 * ((origin.y + y * scale + sy) * canvasWidth + origin.x + x * scale);
          for (let sx = 0; sx < scale; sx++) data.set(colour, rowStart + 3 * sx);
        }
      }
    }
  }
  return { image: { width: canvasWidth, height: canvasHeight, channels: 3, data }, nonFinite, shown };
};

/**
 * A PNG of `images` tiled rows × cols (image k at row ⌊k/cols⌋, column k mod cols), values clamped
 * to [0, 1] and non-finite values shown red. See {@link renderSampleGrid} for the errors it raises.
 *
 * @example
 * writeFileSync('samples.png', sampleGrid(images, { rows: 10, cols: 10, height: 28, width: 28 }));
 */
export const sampleGrid = (images: Float32Array, options: SampleGridOptions): Buffer =>
  encodePng(renderSampleGrid(images, options).image);
