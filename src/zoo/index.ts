/**
 * The zoo: every seed paper as a named, documented entry.
 *
 * @module
 */
import { aae } from './aae.js';
import type { ZooEntry } from './entry.js';

export type { ZooEntry } from './entry.js';
export { resolveOptions } from './entry.js';

/** All entries, in the order `saddle zoo` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries have different option types
export const entries: readonly ZooEntry<any>[] = [aae];

/** Entries by id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const zoo: Readonly<Record<string, ZooEntry<any>>> = Object.fromEntries(entries.map((e) => [e.id, e]));

export { aae };
