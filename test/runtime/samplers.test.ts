import { describe, expect, it } from 'vitest';
import type { Dist } from '../../src/dsl/ast.js';
import { aaeMixture, categorical, distMoments, gaussian, swissRoll, uniform } from '../../src/dsl/index.js';
import type { PlanDist } from '../../src/compile/plan.js';
import { createDraws } from '../../src/runtime/draws.js';
import { planDistWidth, sampleValues } from '../../src/runtime/samplers.js';

const empirical = (values: Float32Array, width: number): { mean: number[]; variance: number[] } => {
  const rows = values.length / width;
  const mean = Array.from({ length: width }, (_, j) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += values[r * width + j] ?? 0;
    return s / rows;
  });
  const variance = mean.map((m, j) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += ((values[r * width + j] ?? 0) - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
};

const cases: [string, Dist][] = [
  ['gaussian(3, mean 1, std 2)', gaussian(3, { mean: 1, std: 2 })],
  ['aaeMixture()', aaeMixture()],
  ['swissRoll()', swissRoll({ noise: 0.1 })],
  ['categorical([0.1, 0.6, 0.3])', categorical([0.1, 0.6, 0.3])],
  ['uniform(2, -1, 3)', uniform(2, -1, 3)],
];

describe('samplers draw the moments their distributions declare', () => {
  for (const [label, dist] of cases) {
    it(label, () => {
      const rows = 40_000;
      const planDist = dist as PlanDist;
      const width = planDistWidth(planDist);
      const m = empirical(sampleValues(planDist, rows, createDraws(7)), width);
      const declared = distMoments(dist);
      expect(declared).toBeDefined();
      declared?.mean.forEach((mu, j) => {
        const sd = Math.sqrt(declared.variance[j] ?? 0);
        // 5 standard errors of the mean.
        expect(Math.abs((m.mean[j] ?? 0) - mu)).toBeLessThan(5 * (sd / Math.sqrt(rows)) + 1e-9);
        expect(m.variance[j] ?? 0).toBeCloseTo(declared.variance[j] ?? 0, 1);
      });
    });
  }

  it('the same seed gives the same draws; another seed does not', () => {
    const d = gaussian(4) as PlanDist;
    expect(sampleValues(d, 10, createDraws(3))).toEqual(sampleValues(d, 10, createDraws(3)));
    expect(sampleValues(d, 10, createDraws(3))).not.toEqual(sampleValues(d, 10, createDraws(4)));
  });

  it('categorical draws are one-hot rows', () => {
    const v = sampleValues(categorical(5) as PlanDist, 100, createDraws(1));
    for (let r = 0; r < 100; r++) {
      const row = Array.from(v.subarray(r * 5, r * 5 + 5));
      expect(row.filter((x) => x === 1)).toHaveLength(1);
      expect(row.filter((x) => x === 0)).toHaveLength(4);
    }
  });
});
