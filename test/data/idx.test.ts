import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/dataset.js';
import { expectIdxDims, IdxError, parseIdx, readIdx } from '../../src/data/idx.js';

/** Encodes an IDX file the way the format specifies (big-endian header, then bytes). */
const encodeIdx = (dims: readonly number[], data: Uint8Array, type = 0x08): Uint8Array => {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint8(2, type);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
};

const caught = (f: () => unknown): IdxError => {
  try {
    f();
  } catch (e) {
    if (e instanceof IdxError) return e;
    throw new Error(`expected an IdxError, got ${String(e)}`);
  }
  throw new Error('expected an IdxError, nothing was thrown');
};

const arbIdx = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
  .chain((dims) =>
    fc
      .uint8Array({ minLength: dims.reduce((a, b) => a * b, 1), maxLength: dims.reduce((a, b) => a * b, 1) })
      .map((data) => ({ dims, data })),
  );

describe('parseIdx', () => {
  test.prop([arbIdx])('decodes what the format encodes', ({ dims, data }) => {
    const parsed = parseIdx(encodeIdx(dims, data), 'f');
    expect(parsed.dims).toEqual(dims);
    expect([...parsed.data]).toEqual([...data]);
  });

  it('reads dimensions big-endian', () => {
    const parsed = parseIdx(encodeIdx([258], new Uint8Array(258)), 'f');
    expect(parsed.dims).toEqual([258]);
  });

  test.prop([arbIdx, fc.integer({ min: 1, max: 40 })])('rejects any truncation', ({ dims, data }, cut) => {
    const bytes = encodeIdx(dims, data);
    fc.pre(cut <= bytes.length);
    const e = caught(() => parseIdx(bytes.subarray(0, bytes.length - cut), 'data/f'));
    expect(e.path).toBe('data/f');
    expect(e.message).toMatch(/^data\/f: truncated: /);
  });

  it('says exactly how truncated a file is', () => {
    const images = encodeIdx([10000, 28, 28], new Uint8Array(10000 * 784)).subarray(0, 1000);
    expect(caught(() => parseIdx(images, 't10k-images-idx3-ubyte')).message).toBe(
      't10k-images-idx3-ubyte: truncated: expected 7840016 bytes, got 1000',
    );
    expect(caught(() => parseIdx(new Uint8Array([0, 0]), 'f')).message).toBe(
      'f: truncated: expected at least a 4-byte header, got 2 bytes',
    );
    expect(caught(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 'f')).message).toBe(
      'f: truncated: a 3-dimensional header needs 16 bytes, got 8',
    );
  });

  test.prop([arbIdx, fc.uint8Array({ minLength: 1, maxLength: 20 })])(
    'rejects trailing garbage',
    ({ dims, data }, extra) => {
      const bytes = encodeIdx(dims, data);
      const longer = new Uint8Array(bytes.length + extra.length);
      longer.set(bytes);
      longer.set(extra, bytes.length);
      expect(caught(() => parseIdx(longer, 'f')).message).toMatch(
        new RegExp(`^f: trailing garbage: .* \\(${extra.length} extra\\)$`),
      );
    },
  );

  it('rejects a wrong magic, and recognises a gzip file', () => {
    const bytes = encodeIdx([2], new Uint8Array([1, 2]));
    bytes[1] = 0x01;
    expect(caught(() => parseIdx(bytes, 'f')).message).toBe(
      'f: wrong magic: an IDX file starts with two zero bytes, got 0x0001',
    );
    const gz = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]);
    expect(caught(() => parseIdx(gz, 'x.gz')).message).toMatch(
      /got 0x1f8b \(it looks gzip-compressed: gunzip it first\)/,
    );
  });

  it('rejects type codes other than unsigned byte, naming them', () => {
    expect(caught(() => parseIdx(encodeIdx([1], new Uint8Array(4), 0x0d), 'f')).message).toBe(
      'f: wrong type code 0x0d (float32): only 0x08 (unsigned byte) is supported',
    );
    expect(caught(() => parseIdx(encodeIdx([1], new Uint8Array(1), 0x42), 'f')).message).toBe(
      'f: wrong type code 0x42: only 0x08 (unsigned byte) is supported',
    );
  });

  it('rejects a header with no dimensions', () => {
    expect(caught(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'f')).message).toBe(
      'f: wrong header: the number of dimensions is 0',
    );
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])(
    'never throws anything but IdxError on random bytes',
    (bytes) => {
      try {
        parseIdx(bytes, 'f');
      } catch (e) {
        expect(e).toBeInstanceOf(IdxError);
        expect(e).toBeInstanceOf(DataError);
      }
    },
  );

  it('accepts a view into a larger buffer (byteOffset honoured)', () => {
    const inner = encodeIdx([3], new Uint8Array([7, 8, 9]));
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    expect([...parseIdx(outer.subarray(5), 'f').data]).toEqual([7, 8, 9]);
  });
});

describe('readIdx and expectIdxDims', () => {
  it('reads a file, and reports a missing file as an IdxError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'saddle-idx-'));
    try {
      const path = join(dir, 'ok-idx1-ubyte');
      await writeFile(path, encodeIdx([3], new Uint8Array([1, 2, 3])));
      expect((await readIdx(path)).dims).toEqual([3]);
      const missing = join(dir, 'missing');
      await expect(readIdx(missing)).rejects.toThrow(IdxError);
      await expect(readIdx(missing)).rejects.toThrow(new RegExp(`^${missing}: cannot read: .*ENOENT`));
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rejects a valid file of the wrong dimensions', () => {
    const parsed = parseIdx(encodeIdx([2, 3], new Uint8Array(6)), 'f');
    expect(expectIdxDims(parsed, [2, 3], 'f')).toBe(parsed);
    expect(caught(() => expectIdxDims(parsed, [60000, 28, 28], 'f')).message).toBe(
      'f: wrong dimensions: expected [60000 × 28 × 28], got [2 × 3]',
    );
  });
});
