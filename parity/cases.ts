/**
 * The models the parity check covers, and the settings it runs them at.
 *
 * Each case is a zoo entry with option overrides. By default the nets are narrowed (hidden widths
 * ~128) and large batches cut to 200: the arithmetic — every layer kind, loss, draw, phase and
 * optimizer of the entry — is the same as at the paper's widths, but twenty parameter snapshots
 * per model stay a few megabytes and the `cpu` backend finishes in seconds. `--full` runs the
 * entries exactly as `saddle train` does (their own widths and batch sizes).
 *
 * @module
 */

/** One model the parity check runs: a zoo entry, option overrides, and a batch size. */
export interface ParityCase {
  /** Shown in the table and the JSON (`aae/gaussian`). */
  readonly name: string;
  /** The zoo entry id. */
  readonly entry: string;
  /** Overrides of the entry's defaults (as `--set` would give them). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Overrides that narrow the nets (and so the exports); `--full` drops them and runs the entry's own widths. */
  readonly narrow: Readonly<Record<string, unknown>>;
  /** Batch size when narrowed; `--full` uses the entry's own. */
  readonly narrowBatch?: number;
}

/** Every case, in the order the table prints them. */
export const parityCases: readonly ParityCase[] = [
  {
    name: 'aae/deterministic',
    entry: 'aae',
    options: { posterior: 'deterministic' },
    narrow: { hidden: 128 },
  },
  { name: 'aae/gaussian', entry: 'aae', options: { posterior: 'gaussian' }, narrow: { hidden: 128 } },
  { name: 'aae/universal', entry: 'aae', options: { posterior: 'universal' }, narrow: { hidden: 128 } },
  {
    // The default anneals over 1,200 iterations, which 20 barely start: this one crosses the whole
    // half cosine and holds at its floor, so a wrong schedule shows at once.
    name: 'aae/annealed',
    entry: 'aae',
    options: { annealIterations: 12, reconstructionFloor: 0.3, adversarialFloor: 0.1 },
    narrow: { hidden: 128 },
  },
  { name: 'mmd-ae', entry: 'mmd-ae', options: {}, narrow: { hidden: [256, 128, 64] }, narrowBatch: 200 },
  {
    name: 'ds-aae',
    entry: 'ds-aae',
    options: {},
    narrow: { hidden: [256, 128, 64], features: 256 },
    narrowBatch: 200,
  },
  { name: 'vae', entry: 'vae', options: {}, narrow: { hidden: 128 } },
  { name: 'vae-gan', entry: 'vae-gan', options: {}, narrow: { hidden: 128 } },
  { name: 'bavae', entry: 'bavae', options: {}, narrow: { hidden: [128, 128], criticHidden: [128, 128] } },
  { name: 'aae-semisupervised', entry: 'aae-semisupervised', options: {}, narrow: { hidden: 128 } },
  {
    // Instance noise on both critics' inputs (recorded draws at four sites) and annealed rates.
    name: 'aae-semisupervised/noised',
    entry: 'aae-semisupervised',
    options: { criticNoise: 0.3, annealIterations: 12, reconstructionFloor: 0.3, adversarialFloor: 0.1 },
    narrow: { hidden: 128 },
  },
];
