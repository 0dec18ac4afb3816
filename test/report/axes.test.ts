import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatTicks, niceTicks, symlogTicks, unitPosition } from '../../src/report/axes.js';

describe('ticks', () => {
  it('picks 1-2-5 steps inside the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3.7, 12.2, 5)).toEqual([0, 5, 10]);
    expect(niceTicks(0, 3000, 4)).toEqual([0, 1000, 2000, 3000]);
  });

  test.prop([
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
    fc.integer({ min: 2, max: 10 }),
  ])('gives sorted, evenly spaced ticks within [min, max], not too many', (min, span, target) => {
    const ticks = niceTicks(min, min + span, target);
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks.length).toBeLessThanOrEqual(2 * target + 2);
    // Within the range up to rounding: at the scale of the span, plus a few float64 ulps at the
    // scale of the values (min ≈ −1e6 with span 1e-3 cannot be resolved more finely than ~1e-10).
    const rounding = 1e-8 * span + 4 * Number.EPSILON * Math.max(Math.abs(min), Math.abs(min + span));
    for (const t of ticks) {
      expect(t).toBeGreaterThanOrEqual(min - rounding);
      expect(t).toBeLessThanOrEqual(min + span + rounding);
    }
    const steps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    for (const s of steps) expect(s).toBeCloseTo(steps[0]!, 6);
  });

  it('puts symlog ticks on zero and signed powers of ten from ten times the linear threshold', () => {
    expect(symlogTicks(-20, 500, 0.1, 20)).toEqual([-10, -1, 0, 1, 10, 100]);
  });

  it('formats a tick set in one style', () => {
    expect(formatTicks([0, 0.25, 0.5])).toEqual(['0', '0.25', '0.50']);
    expect(formatTicks([0, 20000, 40000])).toEqual(['0', '20k', '40k']);
    expect(formatTicks([0, 2.5e6, 5e6])).toEqual(['0', '2.5M', '5.0M']);
    expect(formatTicks([-10, 0, 0.01, 10])).toEqual(['-10', '0', '0.01', '10']);
    expect(formatTicks([1e-5, 1e-4, 1e-3])).toEqual(['1e-5', '1e-4', '0.001']);
    expect(formatTicks([0.0001, 0.0002])).toEqual(['1e-4', '2e-4']);
  });

  it('maps symlog symmetrically around zero', () => {
    const scale = { kind: 'symlog', min: -100, max: 100, linthresh: 1 } as const;
    expect(unitPosition(scale, 0)).toBeCloseTo(0.5);
    expect(unitPosition(scale, 10) + unitPosition(scale, -10)).toBeCloseTo(1);
    expect(unitPosition(scale, 100)).toBeCloseTo(1);
  });
});
