import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createRng, restoreRng, RngError, type Rng, type RngState } from '../../src/data/rng.js';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

/** A mixed sequence of every kind of call, so state covers the cached Box–Muller normal too. */
const mixed = (rng: Rng, n: number): number[] =>
  Array.from({ length: n }, (_, i) =>
    i % 4 === 0
      ? rng.nextUint32()
      : i % 4 === 1
        ? rng.normal()
        : i % 4 === 2
          ? rng.int(7 + i)
          : rng.nextFloat(),
  );

const seed = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });

describe('createRng', () => {
  test.prop([seed])('the same seed gives the same sequence', (s) => {
    expect(mixed(createRng(s), 40)).toEqual(mixed(createRng(s), 40));
  });

  test.prop([seed, seed])('different seeds give different sequences', (a, b) => {
    fc.pre(a !== b);
    expect(draw(createRng(a), 4)).not.toEqual(draw(createRng(b), 4));
  });

  it('gives 32-bit outputs of both halves (high bits are not stuck)', () => {
    const out = draw(createRng(7), 2000);
    expect(out.every((u) => Number.isInteger(u) && u >= 0 && u < 2 ** 32)).toBe(true);
    expect(out.some((u) => u >= 2 ** 31)).toBe(true);
    expect(out.some((u) => u < 2 ** 31)).toBe(true);
    expect(new Set(out).size).toBe(out.length);
  });

  it('is xoshiro128**: from words [1, 2, 3, 4] it gives the reference outputs', () => {
    // First outputs of the reference C implementation (prng.di.unimi.it) from state {1, 2, 3, 4}.
    const rng = restoreRng({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null });
    expect(draw(rng, 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('rejects a seed that is not a safe integer, naming it', () => {
    expect(() => createRng(1.5)).toThrow(new RngError('seed must be a safe integer, got 1.5'));
    expect(() => createRng(Number.NaN)).toThrow(RngError);
  });
});

describe('draws', () => {
  test.prop([seed])('nextFloat lies in [0, 1)', (s) => {
    const rng = createRng(s);
    const us = Array.from({ length: 500 }, () => rng.nextFloat());
    expect(us.filter((u) => !(u >= 0 && u < 1))).toEqual([]);
  });

  it('nextFloat is uniform: each tenth of [0,1) gets about a tenth of 20k draws', () => {
    const rng = createRng(11);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const b = Math.floor(rng.nextFloat() * 10);
      bins[b] = (bins[b] ?? 0) + 1;
    }
    // Binomial std ≈ 42; 5 std is a loose, seed-robust bound.
    for (const count of bins) expect(Math.abs(count - 2000)).toBeLessThan(212);
  });

  test.prop([fc.integer({ min: 0, max: 1000 })], { numRuns: 5 })(
    'normal() has mean ≈ 0 and variance ≈ 1 over 20k draws',
    (s) => {
      const rng = createRng(s);
      const n = 20_000;
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < n; i++) {
        const z = rng.normal();
        sum += z;
        sumSq += z * z;
      }
      const mean = sum / n;
      const variance = sumSq / n - mean * mean;
      // Standard errors: mean 0.007, variance 0.01; bounds at about 5 of them.
      expect(Math.abs(mean)).toBeLessThan(0.035);
      expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    },
  );

  it('normal() has Gaussian tails: about 4.55% of draws beyond 2 std', () => {
    const rng = createRng(5);
    let beyond = 0;
    for (let i = 0; i < 20_000; i++) if (Math.abs(rng.normal()) > 2) beyond++;
    expect(beyond / 20_000).toBeGreaterThan(0.04);
    expect(beyond / 20_000).toBeLessThan(0.051);
  });

  test.prop([seed, fc.integer({ min: 1, max: 2 ** 32 })])('int(n) lies in [0, n)', (s, n) => {
    const rng = createRng(s);
    for (let i = 0; i < 50; i++) {
      const k = rng.int(n);
      expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
    }
  });

  it('int(n) is unbiased where modulo would not be: n = 3·2^30 gives equal thirds', () => {
    // x mod n for n = 3·2^30 would put half of all draws in the first third; rejection must not.
    const rng = createRng(3);
    const n = 3 * 2 ** 30;
    const thirds = [0, 0, 0];
    for (let i = 0; i < 9000; i++) {
      const t = Math.floor(rng.int(n) / 2 ** 30);
      thirds[t] = (thirds[t] ?? 0) + 1;
    }
    for (const count of thirds) expect(Math.abs(count - 3000)).toBeLessThan(225);
  });

  it('int(n) rejects a bad n with a clear error', () => {
    expect(() => createRng(1).int(0)).toThrow('rng.int(n): n must be an integer in [1, 2^32], got 0');
    expect(() => createRng(1).int(2.5)).toThrow(RngError);
  });

  test.prop([seed, fc.array(fc.integer(), { maxLength: 60 })])(
    'shuffle is a permutation, in place',
    (s, xs) => {
      const copy = [...xs];
      const result = createRng(s).shuffle(copy);
      expect(result).toBe(copy);
      expect([...copy].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
    },
  );

  it('shuffle reaches every ordering of 3 items about equally often', () => {
    const rng = createRng(9);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = rng.shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('shuffle works on typed arrays', () => {
    const xs = Int32Array.from({ length: 50 }, (_, i) => i);
    createRng(2).shuffle(xs);
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...xs]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('state and restore', () => {
  test.prop([seed, fc.integer({ min: 0, max: 50 })])(
    'restoreRng(state) continues identically, through a JSON round trip',
    (s, skip) => {
      const rng = createRng(s);
      mixed(rng, skip);
      rng.normal(); // leave a cached spare normal in the state half of the time
      if (skip % 2 === 0) rng.normal();
      const saved = JSON.parse(JSON.stringify(rng.state())) as RngState;
      const resumed = restoreRng(saved);
      expect(mixed(resumed, 30)).toEqual(mixed(rng, 30));
    },
  );

  it('state() is a snapshot: drawing afterwards does not change it', () => {
    const rng = createRng(4);
    const snapshot = rng.state();
    const copy = JSON.stringify(snapshot);
    draw(rng, 10);
    expect(JSON.stringify(snapshot)).toBe(copy);
  });

  it('rejects a corrupt state, naming the field', () => {
    const good = createRng(1).state();
    expect(() => restoreRng({ ...good, algorithm: 'pcg32' } as unknown as RngState)).toThrow(
      /state.algorithm must be 'xoshiro128\*\*', got "pcg32"/,
    );
    expect(() => restoreRng({ ...good, words: [1, 2, 3] } as unknown as RngState)).toThrow(/state.words/);
    expect(() => restoreRng({ ...good, words: [0, 0, 0, 0] })).toThrow(/must not all be zero/);
    expect(() => restoreRng({ ...good, words: [1, 2, 3, 2 ** 32] })).toThrow(/state.words/);
    expect(() => restoreRng({ ...good, spareNormal: 'x' } as unknown as RngState)).toThrow(/spareNormal/);
    expect(() => restoreRng(null as unknown as RngState)).toThrow(/must be an object/);
  });
});

describe('fork', () => {
  test.prop([seed, fc.string()])('does not advance or change the parent', (s, label) => {
    const a = createRng(s);
    const b = createRng(s);
    const before = JSON.stringify(a.state());
    a.fork(label).nextUint32();
    expect(JSON.stringify(a.state())).toBe(before);
    expect(mixed(a, 20)).toEqual(mixed(b, 20));
  });

  test.prop([seed, fc.string()])('is deterministic in (state, label)', (s, label) => {
    expect(draw(createRng(s).fork(label), 8)).toEqual(draw(createRng(s).fork(label), 8));
  });

  test.prop([seed, fc.string(), fc.string()])('different labels give different streams', (s, l1, l2) => {
    fc.pre(l1 !== l2);
    const rng = createRng(s);
    expect(draw(rng.fork(l1), 4)).not.toEqual(draw(rng.fork(l2), 4));
  });

  test.prop([seed, fc.string()])(
    'the child differs from the parent and from the parent after a draw',
    (s, label) => {
      const parent = createRng(s);
      const child = parent.fork(label);
      expect(draw(child, 4)).not.toEqual(draw(createRng(s), 4));
      parent.nextUint32();
      expect(draw(parent.fork(label), 4)).not.toEqual(draw(createRng(s).fork(label), 4));
    },
  );

  it('child and parent streams are uncorrelated', () => {
    const parent = createRng(21);
    const child = parent.fork('init');
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += parent.normal() * child.normal();
    // The product of independent standard normals has variance 1: its mean has std 1/√n ≈ 0.007.
    expect(Math.abs(sum / n)).toBeLessThan(0.035);
  });

  it('the child does not inherit a cached normal', () => {
    const parent = createRng(8);
    parent.normal(); // caches the spare
    expect(parent.state().spareNormal).not.toBeNull();
    expect(parent.fork('x').state().spareNormal).toBeNull();
  });
});
