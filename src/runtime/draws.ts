/**
 * Draws: the small, fast, seeded random source one program evaluation uses.
 *
 * The project RNG (`src/data/rng.ts`) is the one seed a run is replayed from; drawing every prior
 * sample and every ε straight from it would tie the hot loop to its speed and make its serialized
 * state grow with the number of draws. Instead the trainer takes ONE uint32 from the project RNG per
 * program evaluation and expands it here. Replaying the project RNG therefore replays every draw.
 *
 * @module
 */

/** A stream of pseudo-random numbers for one program evaluation. */
export interface Draws {
  /** Uniform on [0, 1). */
  readonly uniform: () => number;
  /** Standard normal. */
  readonly normal: () => number;
  /** Uniform uint32 (raw bits; `uniform` and `normal` are made from it). */
  readonly uint32: () => number;
}

/**
 * Draws expanded from one uint32 seed (mulberry32 with Box–Muller normals). Why not tfjs's seeded
 * `randomNormal`: generating in JS costs the same (tfjs generates in JS too) and keeps every draw
 * independent of the backend, so cpu and wasm runs see identical samples.
 */
export const createDraws = (seed: number): Draws => {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const uniform = (): number => uint32() / 4294967296;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return { uniform, normal, uint32 };
};
