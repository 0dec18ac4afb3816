import { fc, test } from '@fast-check/vitest';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng, readPngChunks } from '../../src/report/png.js';

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('crc32', () => {
  it('matches the standard check value and the IEND constant every PNG ends with', () => {
    expect(crc32(bytesOf('123456789'))).toBe(0xcbf43926);
    expect(crc32(bytesOf('IEND'))).toBe(0xae426082);
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('agrees with zlib.crc32', (bytes) => {
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  });
});

describe('encodePng', () => {
  const image = {
    width: 3,
    height: 2,
    channels: 3 as const,
    data: Uint8Array.from({ length: 18 }, (_, i) => i * 14),
  };

  it('starts with the PNG signature and holds IHDR, IDAT, IEND with correct CRCs', () => {
    const png = encodePng(image);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks = readPngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    for (const c of chunks) {
      expect(c.crc).toBe(zlibCrc32(Buffer.concat([Buffer.from(c.type, 'latin1'), c.data])));
    }
  });

  it('writes the dimensions, 8-bit depth and the colour type of each channel count into IHDR', () => {
    for (const [channels, colourType] of [
      [1, 0],
      [3, 2],
      [4, 6],
    ] as const) {
      const png = encodePng({ width: 5, height: 7, channels, data: new Uint8Array(5 * 7 * channels) });
      const ihdr = readPngChunks(png)[0]!.data;
      const view = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength);
      expect([view.getUint32(0), view.getUint32(4), ihdr[8], ihdr[9], ihdr[12]]).toEqual([
        5,
        7,
        8,
        colourType,
        0,
      ]);
    }
  });

  it('stores one filter byte (0-4) per scanline in the deflated stream', () => {
    const png = encodePng(image);
    const raw = inflateSync(readPngChunks(png)[1]!.data);
    expect(raw.length).toBe(2 * (1 + 3 * 3));
    expect(raw[0]).toBeLessThanOrEqual(4);
    expect(raw[10]).toBeLessThanOrEqual(4);
  });

  test.prop([
    fc
      .record({
        width: fc.integer({ min: 1, max: 9 }),
        height: fc.integer({ min: 1, max: 9 }),
        channels: fc.constantFrom(1 as const, 3 as const, 4 as const),
      })
      .chain(({ width, height, channels }) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          channels: fc.constant(channels),
          data: fc.uint8Array({ minLength: width * height * channels, maxLength: width * height * channels }),
        }),
      ),
  ])('round-trips every pixel through decodePng', (img) => {
    const decoded = decodePng(encodePng(img));
    expect(decoded.width).toBe(img.width);
    expect(decoded.height).toBe(img.height);
    expect(decoded.channels).toBe(img.channels);
    expect([...decoded.data]).toEqual([...img.data]);
  });

  it('names the field when the image is malformed', () => {
    expect(() => encodePng({ ...image, data: new Uint8Array(17) })).toThrow(
      /3×2×3 image needs 18 bytes, got 17/,
    );
    expect(() => encodePng({ ...image, width: 0 })).toThrow(/width must be a positive integer/);
    expect(() => encodePng({ ...image, channels: 2 as 3 })).toThrow(/channels must be 1, 3 or 4/);
  });
});

describe('decodePng', () => {
  it('rejects a corrupted chunk by name instead of returning wrong pixels', () => {
    const png = Buffer.from(encodePng({ width: 2, height: 2, channels: 1, data: Uint8Array.of(1, 2, 3, 4) }));
    png[18] = png[18]! ^ 0xff; // a byte of IHDR's payload
    expect(() => decodePng(png)).toThrow(/CRC mismatch in chunk 'IHDR'/);
    expect(() => decodePng(Buffer.from('not a png at all'))).toThrow(/signature/);
  });
});
