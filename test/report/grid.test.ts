import { describe, expect, it } from 'vitest';
import { decodePng, gridCellOrigin, renderSampleGrid, sampleGrid } from '../../src/report/index.js';
import type { RawImage } from '../../src/report/index.js';

/** RGB of pixel (x, y) of an RGB raster. */
const getPixel = (img: RawImage, x: number, y: number): number[] => [
  ...img.data.subarray(3 * (y * img.width + x), 3 * (y * img.width + x) + 3),
];

const H = 3;
const W = 2;
/** n images of H×W, image k filled with the intensity k/20. */
const constantImages = (n: number): Float32Array =>
  Float32Array.from({ length: n * H * W }, (_, i) => Math.floor(i / (H * W)) / 20);

/** RGB of output pixel (x, y) in a decoded RGB PNG. */
const pixelOf = (png: Buffer, x: number, y: number): number[] => {
  const img = decodePng(png);
  const at = 3 * (y * img.width + x);
  return [...img.data.subarray(at, at + 3)];
};

describe('sampleGrid', () => {
  const options = { rows: 3, cols: 4, height: H, width: W, padding: 2, scale: 2 } as const;

  it('puts image k at row floor(k/cols), column k mod cols', () => {
    const png = sampleGrid(constantImages(12), options);
    const img = decodePng(png);
    expect([img.width, img.height, img.channels]).toEqual([4 * W * 2 + 5 * 2, 3 * H * 2 + 4 * 2, 3]);
    for (let k = 0; k < 12; k++) {
      const row = Math.floor(k / 4);
      const col = k % 4;
      // Last output pixel of the image's last source pixel, computed from the layout by hand.
      const x = 2 + col * (W * 2 + 2) + W * 2 - 1;
      const y = 2 + row * (H * 2 + 2) + H * 2 - 1;
      const grey = Math.round((k / 20) * 255);
      expect(pixelOf(png, x, y)).toEqual([grey, grey, grey]);
      expect(gridCellOrigin(k, options)).toEqual({ x: x - (W * 2 - 1), y: y - (H * 2 - 1) });
    }
    expect(pixelOf(png, 0, 0)).toEqual([128, 128, 128]); // padding
  });

  it('paints NaN and infinite values pure red, and clamps the rest to [0, 1]', () => {
    const images = new Float32Array(2 * H * W).fill(0.5);
    images[1] = Number.NaN; // image 0, row 0, column 1
    images[H * W + 2] = Number.POSITIVE_INFINITY; // image 1, row 1, column 0
    images[H * W + 3] = 1.7;
    images[H * W + 4] = -0.3;
    const render = renderSampleGrid(images, { ...options, rows: 1, cols: 2 });
    expect(render.nonFinite).toBe(2);
    const png = sampleGrid(images, { ...options, rows: 1, cols: 2 });
    const cell1 = 2 + W * 2 + 2;
    expect(pixelOf(png, 2 + 1 * 2, 2)).toEqual([255, 0, 0]);
    expect(pixelOf(png, 2 + 1 * 2 + 1, 2 + 1)).toEqual([255, 0, 0]);
    expect(pixelOf(png, cell1, 2 + 1 * 2)).toEqual([255, 0, 0]);
    expect(pixelOf(png, cell1 + 2, 2 + 1 * 2)).toEqual([255, 255, 255]);
    expect(pixelOf(png, cell1, 2 + 2 * 2)).toEqual([0, 0, 0]);
    expect(pixelOf(png, 2, 2)).toEqual([128, 128, 128]); // 0.5 → 128
  });

  it('leaves cells without an image as background and drops images beyond rows × cols', () => {
    const few = renderSampleGrid(constantImages(5), options);
    expect(few.shown).toBe(5);
    const empty = gridCellOrigin(7, options);
    expect(getPixel(few.image, empty.x, empty.y)).toEqual([128, 128, 128]);
    expect(renderSampleGrid(constantImages(20), options).shown).toBe(12);
  });

  it('lays out RGB images channel by channel', () => {
    const rgb = new Float32Array(H * W * 3);
    for (let i = 0; i < H * W; i++) rgb.set([1, 0, 0.5], 3 * i);
    const render = renderSampleGrid(rgb, { ...options, rows: 1, cols: 1, channels: 3 });
    expect(getPixel(render.image, 2, 2)).toEqual([255, 0, 128]);
  });

  it('explains a buffer that is not a whole number of images, and bad options', () => {
    expect(() => sampleGrid(new Float32Array(7), options)).toThrow(
      /7 values, not a positive multiple of .* = 6/,
    );
    expect(() => sampleGrid(constantImages(1), { ...options, rows: 0 })).toThrow(
      /options.rows must be a positive integer/,
    );
    expect(() => sampleGrid(constantImages(1), { ...options, padding: -1 })).toThrow(/options.padding/);
  });
});
