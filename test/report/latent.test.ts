import { describe, expect, it } from 'vitest';
import { TAB10, decodePng, getPixel, latentScatter, renderLatentScatter } from '../../src/report/index.js';
import type { Canvas, Rgb } from '../../src/report/index.js';

const pixelAt = (canvas: Canvas, [x, y]: readonly [number, number]): Rgb =>
  getPixel(canvas, Math.floor(x), Math.floor(y));

/** The palette index whose colour is nearest to `pixel`. */
const nearestClass = (pixel: Rgb): number => {
  const distance = (c: Rgb): number => Math.hypot(c[0] - pixel[0], c[1] - pixel[1], c[2] - pixel[2]);
  return TAB10.reduce((best, c, i) => (distance(c) < distance(TAB10[best]!) ? i : best), 0);
};

/** Ten codes on a ring of radius 2 (label i at angle 36°·i) plus a label-3 code at the origin. */
const ring = (): { codes: Float32Array; labels: Int32Array } => {
  const codes = new Float32Array(22);
  const labels = new Int32Array(11);
  for (let i = 0; i < 10; i++) {
    codes[2 * i] = 2 * Math.cos((2 * Math.PI * i) / 10);
    codes[2 * i + 1] = 2 * Math.sin((2 * Math.PI * i) / 10);
    labels[i] = i;
  }
  labels[10] = 3;
  return { codes, labels };
};

describe('latentScatter', () => {
  it('draws a label-3 code in the palette colour of 3 where its coordinates say', () => {
    const { codes, labels } = ring();
    const render = renderLatentScatter({ codes, labels });
    const { frame } = render;
    // The data is symmetric about the origin, so the origin is the centre of the frame.
    const centre = render.project(0, 0);
    expect(centre[0]).toBeCloseTo(frame.x + frame.width / 2, 6);
    expect(centre[1]).toBeCloseTo(frame.y + frame.height / 2, 6);
    const pixel = pixelAt(render.canvas, centre);
    expect(nearestClass(pixel)).toBe(3);
    // Drawn at 85% opacity over what was there: the same plot without this code.
    const behind = pixelAt(
      renderLatentScatter({ codes: codes.slice(0, 20), labels: labels.slice(0, 10) }).canvas,
      centre,
    );
    TAB10[3]!.forEach((c, i) =>
      expect(Math.abs(pixel[i]! - (behind[i]! + (c - behind[i]!) * 0.85))).toBeLessThanOrEqual(1),
    );
    // Every ring code is drawn in its own colour: x grows to the right and y grows upwards.
    for (let i = 0; i < 10; i++) {
      const at = render.project(codes[2 * i]!, codes[2 * i + 1]!);
      expect(nearestClass(pixelAt(render.canvas, at))).toBe(i);
    }
    expect(render.project(2, 0)[0]).toBeGreaterThan(centre[0] + 50);
    expect(render.project(0, 2)[1]).toBeLessThan(centre[1] - 50);
  });

  it('uses one unit length on both axes, so circles stay circles', () => {
    const { codes, labels } = ring();
    const { project } = renderLatentScatter({ codes, labels, size: 500 });
    const [x0, y0] = project(0, 0);
    expect(project(1, 0)[0] - x0).toBeCloseTo(y0 - project(0, 1)[1], 6);
  });

  it('paints prior samples grey behind the codes', () => {
    const { codes, labels } = ring();
    const prior = Float32Array.of(0, -1.5, 0, 0); // one sample alone, one under the label-3 code
    const render = renderLatentScatter({ codes, labels, prior });
    const [r, g, b] = pixelAt(render.canvas, render.project(0, -1.5));
    expect(r === g && g === b && r < 250).toBe(true);
    expect(nearestClass(pixelAt(render.canvas, render.project(0, 0)))).toBe(3);
  });

  it('skips and counts NaN codes, and clips the view past outliers', () => {
    const { codes, labels } = ring();
    const many = new Float32Array(2000);
    const manyLabels = new Int32Array(1000);
    for (let i = 0; i < 1000; i++) {
      many[2 * i] = codes[2 * (i % 11)]!;
      many[2 * i + 1] = codes[2 * (i % 11) + 1]!;
      manyLabels[i] = labels[i % 11]!;
    }
    many[0] = 5000; // an outlier
    many[3] = Number.NaN; // code 1 becomes NaN
    const render = renderLatentScatter({ codes: many, labels: manyLabels });
    expect(render.skipped).toBe(1);
    expect(render.robustView).toBe(true);
    expect(render.clipped).toBe(1);
    expect(render.view.xMax).toBeLessThan(10); // the ring fills the frame, not a dot next to 5000
    expect(render.view.xMin).toBeLessThan(-2);
  });

  it('encodes a PNG of the requested size and names mismatched inputs', () => {
    const { codes, labels } = ring();
    const img = decodePng(latentScatter({ codes, labels, size: 300, title: 'epoch 3' }));
    expect([img.width, img.height]).toEqual([300, 300]);
    expect(() => latentScatter({ codes, labels: new Int32Array(3) })).toThrow(
      /labels has 3 entries but codes holds 11 points/,
    );
    expect(() => latentScatter({ codes: new Float32Array(3), labels: new Int32Array(1) })).toThrow(
      /even count/,
    );
    expect(() => latentScatter({ codes, labels, size: 50 })).toThrow(
      /size must be an integer of at least 200/,
    );
  });
});
