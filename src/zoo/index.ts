/**
 * The zoo: every seed paper as a named, documented entry.
 *
 * Entries are registered here once, so `saddle zoo`, `saddle train <id>` and the docs all list
 * the same models in the same order.
 *
 * @module
 */
import { aae } from './aae.js';
import { aaeClustering } from './aae-clustering.js';
import { aaeDimred } from './aae-dimred.js';
import { aaeSemisupervised } from './aae-semisupervised.js';
import { aaeSupervised } from './aae-supervised.js';
import { bavae } from './bavae.js';
import { dsAae } from './ds-aae.js';
import type { ZooEntry } from './entry.js';
import { lpAae } from './lp-aae.js';
import { lpAaeConditional } from './lp-aae-conditional.js';
import { mmdAe } from './mmd-ae.js';
import { vae } from './vae.js';
import { vaeGan } from './vae-gan.js';

export type { ZooEntry } from './entry.js';
export { resolveOptions } from './entry.js';

/**
 * All entries, in the order `saddle zoo` lists them.
 *
 * @example
 * for (const e of entries) console.log(e.id.padEnd(20), e.summary);   // what `saddle zoo` prints
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries have different option types
export const entries: readonly ZooEntry<any>[] = [
  aae,
  aaeSupervised,
  aaeSemisupervised,
  aaeClustering,
  aaeDimred,
  mmdAe,
  dsAae,
  vae,
  vaeGan,
  lpAae,
  lpAaeConditional,
  bavae,
];

/**
 * Entries by id.
 *
 * @example
 * const entry = zoo['mmd-ae'];
 * if (entry !== undefined) compile(entry.build(entry.defaults));
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const zoo: Readonly<Record<string, ZooEntry<any>>> = Object.fromEntries(entries.map((e) => [e.id, e]));

export { aae, aaeClustering, aaeDimred, aaeSemisupervised, aaeSupervised, mmdAe, vae };
export { lpAae, lpAaeConditional, vaeGan };
export { bavae, dsAae };
