import { describe, expect, it } from 'vitest';
import { createCanvas, drawText, getPixel, textWidth } from '../../src/report/index.js';
import { drawPolyline, fillCircle } from '../../src/report/canvas.js';
import { FONT_CHARACTERS, GLYPH_HEIGHT, glyphOf, glyphPixel } from '../../src/report/font.js';
import type { Canvas, Rgb } from '../../src/report/index.js';

const RED: Rgb = [200, 0, 0];

/** Bounding box of pixels that are not white. */
const inkBox = (c: Canvas): { x0: number; x1: number; y0: number; y1: number } | undefined => {
  let box: { x0: number; x1: number; y0: number; y1: number } | undefined;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const [r, g, b] = getPixel(c, x, y);
      if (r === 255 && g === 255 && b === 255) continue;
      box = box
        ? {
            x0: Math.min(box.x0, x),
            x1: Math.max(box.x1, x),
            y0: Math.min(box.y0, y),
            y1: Math.max(box.y1, y),
          }
        : { x0: x, x1: x, y0: y, y1: y };
    }
  }
  return box;
};

describe('font', () => {
  it('has distinct glyphs for every digit and letter, and a box for unknown characters', () => {
    const keys = [...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((ch) =>
      glyphOf(ch).join(','),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(FONT_CHARACTERS).toContain('e');
    const box = glyphOf('\u2603');
    expect(glyphPixel(box, 0, 0) && glyphPixel(box, 4, 6) && !glyphPixel(box, 2, 3)).toBe(true);
  });
});

describe('canvas', () => {
  it('draws text glyph by glyph at the anchor, scaled', () => {
    const c = createCanvas(40, 20);
    drawText(c, '1', 3, 2, RED, { scale: 2 });
    const one = glyphOf('1');
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < 5; gx++) {
        const expected = glyphPixel(one, gx, gy) ? RED : [255, 255, 255];
        expect(getPixel(c, 3 + 2 * gx + 1, 2 + 2 * gy + 1)).toEqual(expected);
      }
    }
    expect(textWidth('epoch 3', 2)).toBe((7 * 6 - 1) * 2);
  });

  it('centres text on its anchor and runs rotated text upwards', () => {
    const c = createCanvas(100, 100);
    drawText(c, 'HHHH', 50, 50, RED, { align: 'center', baseline: 'middle' });
    const flat = inkBox(c)!;
    // The ink's centre is within half a pixel of the anchor on both axes.
    expect(Math.abs((flat.x0 + flat.x1 + 1) / 2 - 50)).toBeLessThanOrEqual(0.5);
    expect(Math.abs((flat.y0 + flat.y1 + 1) / 2 - 50)).toBeLessThanOrEqual(0.5);
    expect(flat.x1 - flat.x0 + 1).toBe(textWidth('HHHH'));
    const r = createCanvas(100, 100);
    drawText(r, 'HHHH', 50, 50, RED, { align: 'center', rotate: true });
    const box = inkBox(r)!;
    expect(box.y1 - box.y0 + 1).toBe(textWidth('HHHH'));
    expect(box.x1 - box.x0 + 1).toBe(GLYPH_HEIGHT);
  });

  it('fills a circle solid at its centre with a soft edge and leaves the outside alone', () => {
    const c = createCanvas(20, 20);
    fillCircle(c, 10, 10, 4, RED);
    expect(getPixel(c, 9, 9)).toEqual(RED);
    expect(getPixel(c, 10, 2)).toEqual([255, 255, 255]);
    const edge = getPixel(c, 13, 12); // its centre (13.5, 12.5) is 4.3 from (10, 10): partly covered
    expect(edge[1]).toBeGreaterThan(0);
    expect(edge[1]).toBeLessThan(255);
  });

  it('blends a translucent polyline once, so joints are no darker than the segments', () => {
    const c = createCanvas(40, 20);
    drawPolyline(
      c,
      [
        [2, 10],
        [20, 10],
        [38, 10],
      ],
      [0, 0, 0],
      { width: 3, alpha: 0.5 },
    );
    expect(getPixel(c, 20, 9)).toEqual(getPixel(c, 10, 9));
    expect(getPixel(c, 10, 9)).toEqual([128, 128, 128]);
    expect(getPixel(c, 10, 15)).toEqual([255, 255, 255]);
  });

  it('breaks a polyline at non-finite points instead of drawing through them', () => {
    const c = createCanvas(40, 20);
    drawPolyline(
      c,
      [
        [2, 10.5],
        [12, 10.5],
        [20, Number.NaN],
        [28, 10.5],
        [38, 10.5],
      ],
      [0, 0, 0],
    ); // pixel row 10 is centred on the line: fully covered
    expect(getPixel(c, 6, 10)).toEqual([0, 0, 0]);
    expect(getPixel(c, 20, 10)).toEqual([255, 255, 255]);
    expect(getPixel(c, 32, 10)).toEqual([0, 0, 0]);
  });

  it('rejects a canvas without pixels', () => {
    expect(() => createCanvas(0, 10)).toThrow(/positive integers, got 0×10/);
  });
});
