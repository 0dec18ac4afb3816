import { describe, expect, it } from 'vitest';
import { TAB10, decodePng, getPixel, lossCurves, renderLossCurves } from '../../src/report/index.js';
import { chooseYScale, smoothSeries } from '../../src/report/curves.js';
import { ALARM_RED } from '../../src/report/palette.js';
import type { Canvas, Rect, Rgb } from '../../src/report/index.js';

const countColour = (canvas: Canvas, area: Rect, colour: Rgb, tolerance = 0): number => {
  let n = 0;
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) {
      const p = getPixel(canvas, x, y);
      if (Math.abs(p[0] - colour[0]) + Math.abs(p[1] - colour[1]) + Math.abs(p[2] - colour[2]) <= tolerance)
        n++;
    }
  }
  return n;
};

const records = Array.from({ length: 20 }, (_, i) => ({
  iteration: 10 * i,
  losses: { reconstruction: 0.7 - 0.02 * i, critic: 1.4, generator: 0.7 + 0.01 * (i % 3) },
}));

describe('lossCurves', () => {
  it('draws every series in its own colour inside the frame', () => {
    const render = renderLossCurves(records);
    expect(render.series.map((s) => s.name)).toEqual(['reconstruction', 'critic', 'generator']);
    render.series.forEach((s, i) => {
      expect(s.colour).toEqual(TAB10[i]);
      expect(countColour(render.canvas, render.frame, s.colour)).toBeGreaterThan(100);
    });
  });

  it('places a constant series on the row of its value', () => {
    const render = renderLossCurves(records);
    const [x, y] = render.project(95, 1.4);
    expect(getPixel(render.canvas, Math.floor(x), Math.floor(y))).toEqual(TAB10[1]);
    expect(getPixel(render.canvas, Math.floor(x), Math.floor(y) - 4)).not.toEqual(TAB10[1]);
  });

  it('keeps a linear y axis for narrow ranges and switches to symlog across decades', () => {
    expect(renderLossCurves(records).yScale.kind).toBe('linear');
    const wide = records.map((r, i) => ({
      iteration: r.iteration,
      losses: { mmd: 10 ** -(i / 4), critic: 50 },
    }));
    const scale = renderLossCurves(wide).yScale;
    expect(scale.kind).toBe('symlog');
    expect(scale.kind === 'symlog' && scale.linthresh).toBe(1e-5);
    expect(chooseYScale([1, 2, 3], 'symlog').kind).toBe('symlog');
    expect(chooseYScale([1, 1e6], 'linear').kind).toBe('linear');
  });

  it('breaks lines at non-finite values (NaN, or null from JSON), marks and counts them', () => {
    const broken = records.map((r, i) => ({
      iteration: r.iteration,
      losses: { ...r.losses, critic: i === 5 ? null : i === 9 ? Number.NaN : r.losses.critic },
    }));
    const render = renderLossCurves(broken);
    expect(render.series[1]!.nonFinite).toBe(2);
    expect(countColour(render.canvas, render.frame, ALARM_RED)).toBeGreaterThan(0);
    expect(countColour(renderLossCurves(records).canvas, render.frame, ALARM_RED)).toBe(0);
  });

  it('smooths long noisy runs with a debiased EMA and keeps the raw values faint', () => {
    expect([...smoothSeries(Float64Array.of(1, 3), 0.5)]).toEqual([1, (0.25 + 1.5) / 0.75]);
    expect(
      [...smoothSeries(Float64Array.of(2, 2, Number.NaN, 2), 0.9)].map(
        (v) => Number.isNaN(v) || Math.abs(v - 2) < 1e-12,
      ),
    ).toEqual([true, true, true, true]);
    const noisy = Array.from({ length: 400 }, (_, i) => ({
      iteration: i,
      losses: { d: 1 + (i % 2 === 0 ? 0.3 : -0.3) },
    }));
    const render = renderLossCurves(noisy);
    expect(render.smoothing).toBeGreaterThan(0.9);
    const bold = render.project(300, render.series[0]!.smoothed[300]!);
    expect(Math.abs(render.series[0]!.smoothed[300]! - 1)).toBeLessThan(0.05);
    expect(getPixel(render.canvas, Math.floor(bold[0]), Math.floor(bold[1]))).toEqual(TAB10[0]);
  });

  it('shows thousands of raw values as a faint band behind the smoothed line', () => {
    const long = Array.from({ length: 5000 }, (_, i) => ({
      iteration: i,
      losses: { d: 1 + 0.3 * Math.sin(i * 1.7) },
    }));
    const render = renderLossCurves(long, { width: 600, height: 400 });
    const faint = TAB10[0]!.map((c) => Math.round(255 + (c - 255) * 0.3)) as unknown as Rgb;
    expect(countColour(render.canvas, render.frame, faint, 6)).toBeGreaterThan(1000);
    const [x, y] = render.project(4000, render.series[0]!.smoothed[4000]!);
    expect(getPixel(render.canvas, Math.floor(x), Math.floor(y))).toEqual(TAB10[0]);
    // The band reaches the extremes of the raw values.
    const top = render.project(2500, 1.29)[1];
    const column = Math.floor(render.project(2500, 1)[0]);
    expect(getPixel(render.canvas, column, Math.floor(top))).not.toEqual([255, 255, 255]);
  });

  it('renders an empty run, and names the malformed record', () => {
    expect(decodePng(lossCurves([], { width: 400, height: 300 })).width).toBe(400);
    const bad = [...records.slice(0, 2), { iteration: Number.NaN, losses: {} }];
    expect(() => lossCurves(bad)).toThrow(/records\[2\]\.iteration must be a finite number/);
    expect(() => lossCurves([{ iteration: 1, losses: { d: '0.3' as unknown as number } }])).toThrow(
      /records\[0\]\.losses\.d must be a number or null/,
    );
    expect(() => lossCurves(records, { smoothing: 1 })).toThrow(/smoothing must be in \[0, 1\)/);
  });
});
