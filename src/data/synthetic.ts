/**
 * Small synthetic datasets for fast tests and demos, each generated from a seed.
 *
 * Why: a test of a training loop, a metric or a picture should run in a second, and still have
 * structure a model can visibly learn (modes to cover, a manifold to unroll, classes to separate).
 * - `ring`: a mixture of Gaussians on a circle (mode collapse is easy to see);
 * - `swissRollSet`: the AAE paper's 2-D swiss roll, labelled by position along the roll;
 * - `blobs`: isotropic Gaussian clusters in any dimension;
 * - `tinyDigits`: 10 seven-segment digit patterns on a small square image, with noise and jitter,
 *   for image models (`[side·side]` pixels in [0, 1]).
 * Except for the swiss roll (whose segments follow the roll's own law), classes are balanced
 * exactly: example `i` belongs to class `i mod classes` (streams shuffle).
 *
 * @example
 * const train = ring(1000, { seed: 1 });         // 8 modes on a circle of radius 2
 * const digits = tinyDigits(500, { seed: 2 });   // shape [81] (9 × 9), 10 classes
 */

import { createDataset, DataError, type Dataset } from './dataset.js';
import { createRng } from './rng.js';

const checkCount = (what: string, n: number): void => {
  if (!Number.isInteger(n) || n < 1) throw new DataError(`${what}: n must be a positive integer, got ${n}`);
};

const checkNonNegative = (what: string, field: string, value: number): void => {
  if (!Number.isFinite(value) || value < 0) {
    throw new DataError(`${what}: ${field} must be a finite non-negative number, got ${value}`);
  }
};

// -------------------------------------------------------------------------------------------------
// 2-D sets
// -------------------------------------------------------------------------------------------------

/**
 * `n` points from an equal mixture of `modes` Gaussians (std `std`) centred on a circle of `radius`,
 * mode k at angle 2πk/modes. Label = mode index.
 *
 * @example
 * const eight = ring(1000, { seed: 1 });
 * const five = ring(500, { modes: 5, radius: 1, std: 0.1, seed: 2 });
 */
export const ring = (
  n: number,
  options: {
    readonly modes?: number;
    readonly radius?: number;
    readonly std?: number;
    readonly seed: number;
  },
): Dataset => {
  const { modes = 8, radius = 2, std = 0.05, seed } = options;
  checkCount('ring', n);
  if (!Number.isInteger(modes) || modes < 1)
    throw new DataError(`ring: modes must be a positive integer, got ${modes}`);
  checkNonNegative('ring', 'radius', radius);
  checkNonNegative('ring', 'std', std);
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % modes;
    const angle = (2 * Math.PI * k) / modes;
    x[2 * i] = radius * Math.cos(angle) + std * rng.normal();
    x[2 * i + 1] = radius * Math.sin(angle) + std * rng.normal();
    labels[i] = k;
  }
  return createDataset({ name: `ring(${modes})`, x, shape: [2], labels, classes: modes });
};

/**
 * `n` points of the AAE paper's swiss roll, the same law as the DSL's `swissRoll` prior: with
 * `u ~ U(0,1)` and `s = √u`, the point `radius·s·(cos 2π·turns·s, sin 2π·turns·s)` plus Gaussian
 * `noise` (std). Label = which of 10 equal segments of `s` the point lies on (0 at the centre), as in
 * the paper's coloured swiss-roll figures; segment k holds about (2k+1)% of the points, because the
 * law puts more mass further out. Defaults: turns 2, radius 3, noise 0.
 *
 * @example
 * const roll = swissRollSet(5000, { seed: 1, noise: 0.05 });   // shape [2], 10 segment labels
 */
export const swissRollSet = (
  n: number,
  options: {
    readonly seed: number;
    readonly noise?: number;
    readonly turns?: number;
    readonly radius?: number;
  },
): Dataset => {
  const { seed, noise = 0, turns = 2, radius = 3 } = options;
  checkCount('swissRollSet', n);
  checkNonNegative('swissRollSet', 'noise', noise);
  checkNonNegative('swissRollSet', 'turns', turns);
  checkNonNegative('swissRollSet', 'radius', radius);
  const segments = 10;
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(rng.nextFloat());
    const theta = 2 * Math.PI * turns * s;
    x[2 * i] = radius * s * Math.cos(theta) + noise * rng.normal();
    x[2 * i + 1] = radius * s * Math.sin(theta) + noise * rng.normal();
    labels[i] = Math.min(segments - 1, Math.floor(s * segments));
  }
  return createDataset({ name: 'swissRoll', x, shape: [2], labels, classes: segments });
};

// -------------------------------------------------------------------------------------------------
// clusters in any dimension
// -------------------------------------------------------------------------------------------------

/**
 * `n` points in `dim` dimensions from `centers` isotropic Gaussian blobs (std `std`); the centres are
 * drawn from N(0, spread²) with the same seed, so a seed fixes the whole set. Label = blob index.
 * Defaults: 3 centres, spread 3, std 0.3.
 *
 * @example
 * const clusters = blobs(600, 10, { seed: 3, centers: 4 });   // 4 clusters in 10 dimensions
 */
export const blobs = (
  n: number,
  dim: number,
  options: {
    readonly seed: number;
    readonly centers?: number;
    readonly spread?: number;
    readonly std?: number;
  },
): Dataset => {
  const { seed, centers = 3, spread = 3, std = 0.3 } = options;
  checkCount('blobs', n);
  if (!Number.isInteger(dim) || dim < 1)
    throw new DataError(`blobs: dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(centers) || centers < 1) {
    throw new DataError(`blobs: centers must be a positive integer, got ${centers}`);
  }
  checkNonNegative('blobs', 'spread', spread);
  checkNonNegative('blobs', 'std', std);
  const rng = createRng(seed);
  const centerRng = rng.fork('blobs/centers');
  const means = Float64Array.from({ length: centers * dim }, () => spread * centerRng.normal());
  const x = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % centers;
    for (let j = 0; j < dim; j++) x[i * dim + j] = (means[k * dim + j] ?? 0) + std * rng.normal();
    labels[i] = k;
  }
  return createDataset({ name: `blobs(${centers}×${dim})`, x, shape: [dim], labels, classes: centers });
};

// -------------------------------------------------------------------------------------------------
// a tiny image set
// -------------------------------------------------------------------------------------------------

/** Seven-segment encoding of the digits 0–9, segments in the order a b c d e f g. */
const SEGMENTS: readonly string[] = [
  'abcdef', // 0
  'bc', // 1
  'abdeg', // 2
  'abcdg', // 3
  'bcfg', // 4
  'acdfg', // 5
  'acdefg', // 6
  'abc', // 7
  'abcdefg', // 8
  'abcdfg', // 9
];

/**
 * The noiseless `side × side` pattern of `digit`, 1 on lit pixels: a seven-segment digit drawn in the
 * box with a one-pixel margin (so a one-pixel jitter keeps it inside the image).
 */
export const digitPattern = (digit: number, side: number): Uint8Array => {
  const segments = SEGMENTS[digit];
  if (segments === undefined) throw new DataError(`digitPattern: digit must be 0–9, got ${digit}`);
  const img = new Uint8Array(side * side);
  const top = 1;
  const bottom = side - 2;
  const left = 1;
  const right = side - 2;
  const middle = Math.floor((top + bottom) / 2);
  const hLine = (row: number): void => {
    for (let c = left; c <= right; c++) img[row * side + c] = 1;
  };
  const vLine = (col: number, from: number, to: number): void => {
    for (let r = from; r <= to; r++) img[r * side + col] = 1;
  };
  for (const segment of segments) {
    if (segment === 'a') hLine(top);
    if (segment === 'b') vLine(right, top, middle);
    if (segment === 'c') vLine(right, middle, bottom);
    if (segment === 'd') hLine(bottom);
    if (segment === 'e') vLine(left, middle, bottom);
    if (segment === 'f') vLine(left, top, middle);
    if (segment === 'g') hLine(middle);
  }
  return img;
};

/**
 * `n` tiny digit images (`side × side`, default 9, at least 7), 10 classes: the seven-segment pattern
 * of the label, shifted by a random offset in {-1, 0, 1}² (`jitter`, default on; pixels shifted out
 * are dropped) and corrupted by pixel noise: each pixel is `|pattern − |ε||` with ε ~ N(0, noise²)
 * clipped to [0, 1] (default noise 0.1). Values lie in [0, 1]; shape `[side·side]`. An MNIST
 * stand-in small enough for a test to train an image model in seconds. The default 9 is the
 * smallest side where both halves of the digit have two pixels of vertical stroke, so the closest
 * digits (5/9, 3/9, 6/8) differ in two pixels; at 7 or 8 they differ in one.
 *
 * @example
 * const digits = tinyDigits(500, { seed: 2 });          // 9 × 9 images, shape [81], 10 classes
 * const clean = tinyDigits(100, { seed: 2, noise: 0, jitter: false });
 */
export const tinyDigits = (
  n: number,
  options: {
    readonly seed: number;
    readonly side?: number;
    readonly noise?: number;
    readonly jitter?: boolean;
  },
): Dataset => {
  const { seed, side = 9, noise = 0.1, jitter = true } = options;
  checkCount('tinyDigits', n);
  if (!Number.isInteger(side) || side < 7) {
    throw new DataError(`tinyDigits: side must be an integer of at least 7 (room for a digit), got ${side}`);
  }
  checkNonNegative('tinyDigits', 'noise', noise);
  const patterns = Array.from({ length: 10 }, (_, d) => digitPattern(d, side));
  const rng = createRng(seed);
  const pixels = side * side;
  const x = new Float32Array(n * pixels);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const digit = i % 10;
    const pattern = patterns[digit] ?? new Uint8Array(pixels);
    const dr = jitter ? rng.int(3) - 1 : 0;
    const dc = jitter ? rng.int(3) - 1 : 0;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const sr = r - dr;
        const sc = c - dc;
        const on = sr >= 0 && sr < side && sc >= 0 && sc < side ? (pattern[sr * side + sc] ?? 0) : 0;
        const eps = Math.min(1, Math.abs(noise * rng.normal()));
        x[i * pixels + r * side + c] = Math.abs(on - eps);
      }
    }
    labels[i] = digit;
  }
  return createDataset({ name: `tinyDigits(${side}×${side})`, x, shape: [pixels], labels, classes: 10 });
};
