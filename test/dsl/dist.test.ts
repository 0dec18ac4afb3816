import { describe, expect, it } from 'vitest';
import {
  aaeMixture,
  categorical,
  distMoments,
  distWidth,
  gaussian,
  joint,
  pushforward,
  swissRoll,
  uniform,
} from '../../src/dsl/index.js';

describe('declared distribution properties', () => {
  it('gives widths of primitive and joint distributions, and none for a learned prior', () => {
    expect(distWidth(gaussian(8))).toBe(8);
    expect(distWidth(joint(categorical(10), gaussian(5)))).toBe(15);
    expect(distWidth(aaeMixture())).toBe(2);
    expect(distWidth(pushforward(gaussian(3), 'cg'))).toBeUndefined();
  });

  it('gives the moments of a categorical and a uniform', () => {
    expect(distMoments(categorical([0.25, 0.75]))).toEqual({
      mean: [0.25, 0.75],
      variance: [0.1875, 0.1875],
    });
    const u = distMoments(uniform(1, 0, 6));
    expect(u?.mean[0]).toBeCloseTo(3);
    expect(u?.variance[0]).toBeCloseTo(3);
  });

  it('gives the AAE mixture a centred mean and the radial/tangential spread the paper describes', () => {
    const m = distMoments(aaeMixture());
    expect(m?.mean[0]).toBeCloseTo(0, 10);
    expect(m?.mean[1]).toBeCloseTo(0, 10);
    // Ten petals evenly spaced: each coordinate gets half of shift² + radial² + tangential².
    const expected = (1.4 ** 2 + 0.5 ** 2 + 0.05 ** 2) / 2;
    expect(m?.variance[0]).toBeCloseTo(expected, 10);
    expect(m?.variance[1]).toBeCloseTo(expected, 10);
  });

  it('integrates the swiss roll: E‖z‖² = radius² / 2', () => {
    const m = distMoments(swissRoll());
    if (m === undefined) throw new Error('swiss roll has moments');
    const second = m.variance.reduce((a, v, j) => a + v + (m.mean[j] ?? 0) ** 2, 0);
    expect(second).toBeCloseTo(9 / 2, 4);
  });
});
