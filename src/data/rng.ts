/**
 * The project's single seeded pseudo-random number generator.
 *
 * Why one generator: a run is reproducible only if every random choice — data order, parameter
 * initialisation, prior and noise draws — comes from streams derived from one seed, and resumable
 * only if the state of those streams can be written into a checkpoint and read back. This module is
 * that generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32, with a small
 * JSON-serializable state and a deterministic `fork` for named sub-streams.
 *
 * No tfjs here: plain numbers and typed arrays, so data, dsl tests and the runtime can all share it.
 *
 * @example
 * const rng = createRng(42);
 * const init = rng.fork('init'); // parameter initialisation, independent of data order
 * const order = rng.fork('data');
 * init.normal(); order.int(10);
 * const saved = JSON.stringify(init.state());
 * const resumed = restoreRng(JSON.parse(saved)); // continues exactly where `init` stands
 */

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * The algorithm tag stored in every state, so a checkpoint from another generator is rejected.
 *
 * @example
 * createRng(1).state().algorithm === RNG_ALGORITHM;   // true
 */
export const RNG_ALGORITHM = 'xoshiro128**';

/**
 * Everything needed to continue a generator exactly: the four 32-bit words of xoshiro128** and the
 * second Box–Muller normal when one is cached (`null` otherwise). Plain JSON; store it verbatim.
 *
 * @example
 * const saved: RngState = rng.state();                          // { algorithm, words: [..4], spareNormal }
 * const resumed = restoreRng(JSON.parse(JSON.stringify(saved)));
 * resumed.nextFloat() === rng.nextFloat();                      // true
 */
export interface RngState {
  readonly algorithm: typeof RNG_ALGORITHM;
  readonly words: readonly [number, number, number, number];
  readonly spareNormal: number | null;
}

/**
 * Anything indexable and writable in place: plain arrays and every typed array.
 *
 * @example
 * createRng(1).shuffle(new Int32Array([0, 1, 2, 3]));   // a typed array is one
 * createRng(1).shuffle(['a', 'b', 'c']);                // and so is a plain array
 */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

/**
 * A seeded stream of random numbers. Methods advance the stream (except `state` and `fork`);
 * the same seed always yields the same sequence of calls' results.
 *
 * @example
 * const rng: Rng = createRng(42);
 * rng.nextFloat();                     // uniform in [0, 1)
 * rng.int(10);                         // 0..9
 * const init = rng.fork('init/encoder'); // an independent sub-stream that leaves rng untouched
 */
export interface Rng {
  /** The next raw 32-bit output, an integer in [0, 2³²). */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits (consumes two 32-bit outputs). */
  nextFloat(): number;
  /**
   * A standard normal draw (Box–Muller). Draws come in pairs: the first call consumes two floats and
   * caches the second normal, which the next call returns without consuming anything.
   */
  normal(): number;
  /** A uniform integer in [0, n), exactly unbiased (rejection sampling); `n` an integer in [1, 2³²]. */
  int(n: number): number;
  /** Fisher–Yates shuffle of `array` in place; returns the same array for chaining. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A;
  /** A snapshot of the current state (JSON-serializable); the generator keeps running independently. */
  state(): RngState;
  /**
   * An independent generator for the sub-stream named `label`, derived from this generator's current
   * state and the label. `fork` does not advance or otherwise change this generator: it is a pure
   * read of the state, so
   * - forking is invisible to the parent's sequence (adding a fork never shifts other draws), and
   * - the same state and label always give the same child (forking twice with one label, without
   *   drawing from the parent in between, gives two identical children — name sub-streams uniquely,
   *   e.g. `init/encoder`, `epoch/3`).
   * Exactly: the label is hashed (FNV-1a over its UTF-16 code units) to seed a splitmix32 stream of
   * four key words; the child's words are `c[i] = fmix32((c[i-1] ^ s[i] ^ k[i]) + (i+1)·φ)`, with
   * `c[-1]` the label hash, `s` the parent's words, `k` the key words and φ = 0x9e3779b9. For a fixed
   * label this map is a bijection of the 128-bit state, so children keep the parent's full entropy.
   * The child starts with no cached normal.
   */
  fork(label: string): Rng;
}

/**
 * A user or checkpoint mistake in seeding or restoring a generator (bad seed, corrupt state).
 *
 * @example
 * try { createRng(1.5); } catch (e) { if (e instanceof RngError) console.error(e.message); }
 * // seed must be a safe integer, got 1.5
 */
export class RngError extends Error {
  override readonly name = 'RngError';
}

// -------------------------------------------------------------------------------------------------
// mixing primitives
// -------------------------------------------------------------------------------------------------

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** MurmurHash3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
const fmix32 = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** splitmix32: a counter stepped by φ and finalised; the standard way to expand a seed into words. */
const splitmix32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + GOLDEN) >>> 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
};

/** FNV-1a over the label's UTF-16 code units, finalised; the label part of a fork's key. */
const hashLabel = (label: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
};

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

type Words = [number, number, number, number];

/** xoshiro128**'s state must not be all zero (it would stay zero forever). */
const nonZero = (w: Words): Words => ((w[0] | w[1] | w[2] | w[3]) === 0 ? [GOLDEN, 0, 0, 0] : w);

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/** Builds the generator around mutable words; every public constructor goes through here. */
const fromWords = (initial: Words, initialSpare: number | null): Rng => {
  let s0 = initial[0] >>> 0;
  let s1 = initial[1] >>> 0;
  let s2 = initial[2] >>> 0;
  let s3 = initial[3] >>> 0;
  let spare = initialSpare;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const nextFloat = (): number => {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  };

  const normal = (): number => {
    if (spare !== null) {
      const cached = spare;
      spare = null;
      return cached;
    }
    const u1 = 1 - nextFloat(); // (0, 1]: log is finite
    const u2 = nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RngError(`rng.int(n): n must be an integer in [1, 2^32], got ${n}`);
    }
    // Accept only outputs below the largest multiple of n, so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };

  const shuffle = <A extends MutableArrayLike<unknown>>(array: A): A => {
    for (let i = array.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  };

  const words = (): Words => [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0];

  const state = (): RngState => ({ algorithm: RNG_ALGORITHM, words: words(), spareNormal: spare });

  const fork = (label: string): Rng => {
    const labelHash = hashLabel(label);
    const key = splitmix32(labelHash);
    const parent = words();
    const child: Words = [0, 0, 0, 0];
    let chain = labelHash;
    for (let i = 0; i < 4; i++) {
      chain = fmix32((((chain ^ (parent[i] ?? 0) ^ key()) >>> 0) + Math.imul(i + 1, GOLDEN)) >>> 0);
      child[i] = chain;
    }
    return fromWords(nonZero(child), null);
  };

  return { nextUint32, nextFloat, normal, int, shuffle, state, fork };
};

/**
 * A generator for `seed`. Any safe integer is a valid seed (negative ones too); both 32-bit halves
 * feed splitmix32, which expands them into the four state words. Non-integer seeds are rejected
 * rather than silently truncated, because two "different" seeds giving one run is a reproducibility bug.
 *
 * @example
 * const rng = createRng(0);
 * const z = Array.from({ length: 4 }, () => rng.normal());
 */
export const createRng = (seed: number): Rng => {
  if (!Number.isSafeInteger(seed)) {
    throw new RngError(`seed must be a safe integer, got ${String(seed)}`);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  const next = splitmix32(low ^ fmix32((high + GOLDEN) >>> 0));
  return fromWords(nonZero([next(), next(), next(), next()]), null);
};

const isUint32 = (x: unknown): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < TWO_POW_32;

/**
 * A generator continuing exactly from `state` (as returned by `Rng.state()`, possibly after a JSON
 * round trip). The state is checked, since it usually comes from a checkpoint file: a corrupt or
 * foreign state is an `RngError` saying which field is wrong, never a silently different stream.
 *
 * @example
 * const state = createRng(7).state();
 * const same = restoreRng(state);      // continues exactly where `state` was taken
 */
export const restoreRng = (state: RngState): Rng => {
  const raw: unknown = state;
  if (typeof raw !== 'object' || raw === null) {
    throw new RngError(`rng state must be an object, got ${raw === null ? 'null' : typeof raw}`);
  }
  const { algorithm, words, spareNormal } = raw as Record<string, unknown>;
  if (algorithm !== RNG_ALGORITHM) {
    throw new RngError(`rng state.algorithm must be '${RNG_ALGORITHM}', got ${JSON.stringify(algorithm)}`);
  }
  if (!Array.isArray(words) || words.length !== 4 || !words.every(isUint32)) {
    throw new RngError(`rng state.words must be four integers in [0, 2^32), got ${JSON.stringify(words)}`);
  }
  const w = words as Words;
  if ((w[0] | w[1] | w[2] | w[3]) === 0) {
    throw new RngError('rng state.words must not all be zero (not a state xoshiro128** can reach)');
  }
  if (spareNormal !== null && (typeof spareNormal !== 'number' || !Number.isFinite(spareNormal))) {
    throw new RngError(
      `rng state.spareNormal must be a finite number or null, got ${JSON.stringify(spareNormal)}`,
    );
  }
  return fromWords([w[0], w[1], w[2], w[3]], spareNormal);
};
