/**
 * PNG files from raw 8-bit pixels, with nothing but `node:zlib`.
 *
 * Reports must work on every machine saddle trains on, so pictures cannot depend on native image
 * libraries. A PNG is a signature and a few CRC-checked chunks around a deflated stream of filtered
 * scanlines; that much fits here. The matching decoder reads exactly what the encoder writes
 * (8-bit grey, RGB or RGBA, not interlaced) so tests can check pixels in the bytes we ship, and so
 * tools can read back a grid they wrote.
 *
 * @example
 * import { encodePng } from 'saddle/report';
 * const png = encodePng({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 255) });
 * fs.writeFileSync('pixels.png', png);
 *
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * Channels per pixel: grey, RGB, or RGBA.
 *
 * @example
 * const grey: RawImage = { width: 2, height: 1, channels: 1 satisfies Channels, data: new Uint8Array([0, 255]) };
 */
export type Channels = 1 | 3 | 4;

/**
 * A raster of 8-bit samples, row-major, channels interleaved (`data[(y·width + x)·channels + c]`).
 *
 * @example
 * const image: RawImage = { width: 2, height: 2, channels: 1, data: new Uint8Array([0, 85, 170, 255]) };
 * writeFileSync('gradient.png', encodePng(image));
 */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: Channels;
  readonly data: Uint8Array;
}

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const COLOUR_TYPE: Readonly<Record<Channels, number>> = { 1: 0, 3: 2, 4: 6 };
const CHANNELS_OF_COLOUR_TYPE: Readonly<Record<number, Channels>> = { 0: 1, 2: 3, 6: 4 };

// -------------------------------------------------------------------------------------------------
// CRC-32 (ISO 3309, the one PNG chunks carry)
// -------------------------------------------------------------------------------------------------

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, as PNG chunks need it. Exported so a reader can verify chunks the same way the
 * writer made them (a corrupted file then fails loudly instead of showing wrong pixels).
 */
export const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

// -------------------------------------------------------------------------------------------------
// encoder
// -------------------------------------------------------------------------------------------------

const chunk = (type: string, payload: Uint8Array): Buffer => {
  const out = Buffer.alloc(12 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.write(type, 4, 'latin1');
  out.set(payload, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + payload.length)), 8 + payload.length);
  return out;
};

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * Filters one scanline with each of PNG's five filters and keeps the one whose bytes, read as signed,
 * have the smallest absolute sum: the heuristic the PNG specification recommends, which makes the
 * flat regions and gradients of plots deflate well.
 */
const filterRow = (
  row: Uint8Array,
  previous: Uint8Array,
  bpp: number,
  candidates: Uint8Array[],
): Uint8Array => {
  const n = row.length;
  let best = candidates[0]!;
  let bestScore = Infinity;
  for (let type = 0; type < 5; type++) {
    const out = candidates[type]!;
    out[0] = type;
    let score = 0;
    for (let i = 0; i < n; i++) {
      const x = row[i]!;
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = previous[i]!;
      const c = i >= bpp ? previous[i - bpp]! : 0;
      const predicted =
        type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >>> 1 : paeth(a, b, c);
      const v = (x - predicted) & 0xff;
      out[i + 1] = v;
      score += v < 128 ? v : 256 - v;
    }
    if (score < bestScore) {
      bestScore = score;
      best = out;
    }
  }
  return best;
};

const describeImage = (image: RawImage): string =>
  `${String(image.width)}×${String(image.height)}×${String(image.channels)}`;

const validate = (image: RawImage): void => {
  const { width, height, channels, data } = image;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 0x7fffffff) {
      throw new RangeError(`encodePng: ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (!(channels === 1 || channels === 3 || channels === 4)) {
    throw new RangeError(`encodePng: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `encodePng: a ${describeImage(image)} image needs ${String(width * height * channels)} bytes, ` +
        `got ${String(data.length)}`,
    );
  }
};

/**
 * Encodes 8-bit pixels as a PNG file (grey, RGB or RGBA; not interlaced). Everything saddle draws
 * ends here, so a run's pictures open in any viewer, browser or paper without extra dependencies.
 *
 * @throws RangeError naming the field when dimensions, channels or the byte count are wrong.
 *
 * @example
 * const png = encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 0]) });   // one red pixel
 */
export const encodePng = (image: RawImage): Buffer => {
  validate(image);
  const { width, height, channels, data } = image;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOUR_TYPE[channels];
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace

  const stride = width * channels;
  const filtered = new Uint8Array((stride + 1) * height);
  let previous: Uint8Array = new Uint8Array(stride);
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride + 1));
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    filtered.set(filterRow(row, previous, channels, candidates), y * (stride + 1));
    previous = row;
  }
  return Buffer.concat([
    Buffer.from(PNG_SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ]);
};

// -------------------------------------------------------------------------------------------------
// decoder
// -------------------------------------------------------------------------------------------------

/** One chunk as stored in a file: its type, payload and the CRC it carried. */
export interface PngChunk {
  readonly type: string;
  readonly data: Uint8Array;
  readonly crc: number;
}

/**
 * Splits a PNG file into its chunks without interpreting them. Separate from decoding so tests and
 * tools can inspect chunk order and CRCs directly.
 *
 * @throws Error when the signature is missing or a chunk runs past the end of the file.
 */
export const readPngChunks = (file: Uint8Array): PngChunk[] => {
  if (file.length < 8 || PNG_SIGNATURE.some((byte, i) => file[i] !== byte)) {
    throw new Error('readPngChunks: not a PNG file (the 8-byte signature is missing)');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`readPngChunks: truncated chunk header at byte ${String(at)}`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    if (at + 12 + length > file.length) {
      throw new Error(`readPngChunks: chunk '${type}' at byte ${String(at)} runs past the end of the file`);
    }
    chunks.push({
      type,
      data: file.subarray(at + 8, at + 8 + length),
      crc: view.getUint32(at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
};

/**
 * Decodes the PNGs {@link encodePng} writes (8-bit grey, RGB or RGBA, not interlaced), checking every
 * chunk's CRC. It is deliberately minimal: its job is to prove round trips, not to read the web.
 *
 * @throws Error naming the chunk or field when the file is corrupt or uses an unsupported format.
 *
 * @example
 * const { width, height, channels } = decodePng(readFileSync('runs/aae/samples-final.png'));
 */
export const decodePng = (file: Uint8Array): RawImage => {
  const chunks = readPngChunks(file);
  for (const c of chunks) {
    const typeAndData = new Uint8Array(4 + c.data.length);
    for (let i = 0; i < 4; i++) typeAndData[i] = c.type.charCodeAt(i);
    typeAndData.set(c.data, 4);
    if (crc32(typeAndData) !== c.crc) throw new Error(`decodePng: CRC mismatch in chunk '${c.type}'`);
  }
  const header = chunks[0];
  if (header?.type !== 'IHDR' || header.data.length !== 13) {
    throw new Error('decodePng: the first chunk must be a 13-byte IHDR');
  }
  const h = new DataView(header.data.buffer, header.data.byteOffset, 13);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  const [bitDepth, colourType, , , interlace] = header.data.subarray(8);
  const channels = CHANNELS_OF_COLOUR_TYPE[colourType!];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(
      `decodePng: only 8-bit, non-interlaced grey/RGB/RGBA is supported ` +
        `(bit depth ${String(bitDepth)}, colour type ${String(colourType)}, interlace ${String(interlace)})`,
    );
  }
  if (chunks[chunks.length - 1]?.type !== 'IEND') throw new Error('decodePng: missing IEND chunk');
  const compressed = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const filtered = inflateSync(compressed);
  const stride = width * channels;
  if (filtered.length !== (stride + 1) * height) {
    throw new Error(
      `decodePng: IDAT holds ${String(filtered.length)} bytes, a ${String(width)}×${String(height)} image needs ` +
        String((stride + 1) * height),
    );
  }
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const type = filtered[y * (stride + 1)];
    const src = filtered.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? data[row + i - channels]! : 0;
      const b = y > 0 ? data[row - stride + i]! : 0;
      const c = y > 0 && i >= channels ? data[row - stride + i - channels]! : 0;
      const predicted =
        type === 0
          ? 0
          : type === 1
            ? a
            : type === 2
              ? b
              : type === 3
                ? (a + b) >>> 1
                : type === 4
                  ? paeth(a, b, c)
                  : undefined;
      if (predicted === undefined) {
        throw new Error(`decodePng: unknown filter type ${String(type)} on row ${String(y)}`);
      }
      data[row + i] = (src[i]! + predicted) & 0xff;
    }
  }
  return { width, height, channels, data };
};
