/**
 * A strict parser for LeCun's IDX format (the raw MNIST files).
 *
 * Why strict: a half-downloaded or still-gzipped file parses "fine" under a lenient reader and then
 * trains on garbage. Here every deviation — magic, type code, dimension count, byte length — is an
 * `IdxError` naming the file and what is wrong, e.g.
 * `t10k-images-idx3-ubyte: truncated: expected 7840016 bytes, got 1000`.
 *
 * Layout (all integers big-endian): two zero bytes; a type code (0x08 = unsigned byte, the only one
 * MNIST uses and the only one accepted here); the number of dimensions d; d uint32 sizes; then
 * product(sizes) bytes of data, row-major, and nothing after.
 */

import { readFile } from 'node:fs/promises';
import { DataError } from './dataset.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * A parsed IDX file: its dimensions and its unsigned-byte data (a view into the file's bytes).
 *
 * @example
 * const images: IdxArray = await readIdx('data/t10k-images-idx3-ubyte');
 * images.dims;   // [10000, 28, 28]
 */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/**
 * A corrupt or unreadable IDX file. `path` is the file; the message starts with it.
 *
 * @example
 * try { parseIdx(new Uint8Array([0, 0]), 'f'); } catch (e) { if (e instanceof IdxError) console.error(e.path, e.problem); }
 */
export class IdxError extends DataError {
  override readonly name = 'IdxError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

const UBYTE = 0x08;

/** The other type codes the format defines, so a wrong-but-valid file gets a precise message. */
const OTHER_TYPES: Readonly<Record<number, string>> = {
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;

// -------------------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------------------

/**
 * Parses the bytes of an IDX file; `path` only labels errors. Never throws anything but `IdxError`
 * for bad bytes. The returned `data` shares memory with `bytes` (no copy of a 47 MB file).
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch('/data/train-labels-idx1-ubyte')).arrayBuffer());
 * const labels = parseIdx(bytes, 'train-labels-idx1-ubyte');   // dims [60000]
 */
export const parseIdx = (bytes: Uint8Array, path: string): IdxArray => {
  const fail: (problem: string) => never = (problem) => {
    throw new IdxError(path, problem);
  };
  if (bytes.length < 4) fail(`truncated: expected at least a 4-byte header, got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zeros = view.getUint16(0);
  if (zeros !== 0) {
    const gzip = zeros === 0x1f8b ? ' (it looks gzip-compressed: gunzip it first)' : '';
    fail(`wrong magic: an IDX file starts with two zero bytes, got ${hex(zeros, 4)}${gzip}`);
  }
  const type = view.getUint8(2);
  if (type !== UBYTE) {
    const known = OTHER_TYPES[type];
    fail(
      `wrong type code ${hex(type, 2)}${known === undefined ? '' : ` (${known})`}: only ${hex(UBYTE, 2)} (unsigned byte) is supported`,
    );
  }
  const rank = view.getUint8(3);
  if (rank === 0) fail('wrong header: the number of dimensions is 0');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(`truncated: a ${rank}-dimensional header needs ${headerBytes} bytes, got ${bytes.length}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  const shape = `[${dims.join(' × ')}]`;
  if (bytes.length < expected) fail(`truncated: expected ${expected} bytes, got ${bytes.length}`);
  if (bytes.length > expected) {
    fail(
      `trailing garbage: dims ${shape} give ${expected} bytes, got ${bytes.length} (${bytes.length - expected} extra)`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
};

/**
 * Reads and parses an IDX file. A missing or unreadable file is an `IdxError` too (with the system's
 * reason), so callers handle one error type for "this data file is unusable".
 *
 * @example
 * const { dims, data } = await readIdx('fashion/train-images-idx3-ubyte');   // Fashion-MNIST has MNIST's layout
 */
export const readIdx = async (path: string): Promise<IdxArray> => {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new IdxError(path, `cannot read: ${reason}`);
  }
  return parseIdx(bytes, path);
};

/**
 * Checks an array has exactly `dims` (e.g. `[60000, 28, 28]`); an `IdxError` otherwise. For loaders
 * that know what a file must contain: a valid IDX file of the wrong thing is still the wrong file.
 */
export const expectIdxDims = (array: IdxArray, dims: readonly number[], path: string): IdxArray => {
  const same = array.dims.length === dims.length && array.dims.every((d, i) => d === dims[i]);
  if (!same) {
    throw new IdxError(
      path,
      `wrong dimensions: expected [${dims.join(' × ')}], got [${array.dims.join(' × ')}]`,
    );
  }
  return array;
};
