import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Decompress } from 'fzstd';
import { IngestInputError } from './ingest-errors.ts';

/*
 * Pure-JS zstd (fzstd) for Node versions whose node:zlib has none. fzstd allocates each frame's
 * window as declared by the frame header (up to 2 GiB) before decoding anything, so every frame
 * header is checked here first (RFC 8878 §3.1) and the output is counted while streaming.
 */

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_RAW = 0;
const BLOCK_RLE = 1;
const BLOCK_COMPRESSED = 2;
const CHUNK_BYTES = 256 * 1024;

function invalid(why: string): IngestInputError {
  return new IngestInputError(400, 'invalid_compressed_body', `the body is not valid zstd: ${why}`);
}

function tooLarge(maxDecodedBytes: number): IngestInputError {
  return new IngestInputError(
    413,
    'body_too_large',
    `the decoded body is larger than ${maxDecodedBytes} bytes`,
  );
}

function readLE(buf: Buffer, at: number, bytes: number): number {
  if (at + bytes > buf.length) throw invalid('truncated frame header');
  let v = 0;
  for (let i = bytes - 1; i >= 0; i--) v = v * 256 + (buf[at + i] as number);
  return v;
}

/**
 * Walks frame and block headers without decoding. Throws 413 when a frame declares a content size
 * over the limit or a window over `maxWindowBytes`, 400 when the framing is broken.
 */
export function checkZstdFrames(
  buf: Buffer,
  maxDecodedBytes: number,
  maxWindowBytes: number,
): void {
  let at = 0;
  while (at < buf.length) {
    const magic = readLE(buf, at, 4);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
      at += 8 + readLE(buf, at + 4, 4); // skippable frame
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw invalid('bad frame magic number');
    const fhd = readLE(buf, at + 4, 1);
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    if (fhd & 0x08) throw invalid('reserved frame header bit set');
    const hasChecksum = (fhd >> 2) & 1;
    const dictIdBytes = [0, 1, 2, 4][fhd & 3] as number;
    let p = at + 5;
    let windowBytes = 0;
    if (!singleSegment) {
      const wd = readLE(buf, p++, 1);
      const base = 2 ** (10 + (wd >> 3));
      windowBytes = base + (base / 8) * (wd & 7);
    }
    p += dictIdBytes;
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
    if (fcsBytes > 0) {
      const contentSize = readLE(buf, p, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
      if (contentSize > maxDecodedBytes) throw tooLarge(maxDecodedBytes);
      if (singleSegment) windowBytes = contentSize;
      p += fcsBytes;
    }
    if (windowBytes > maxWindowBytes) throw tooLarge(maxDecodedBytes);
    for (;;) {
      const header = readLE(buf, p, 3);
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      p += 3;
      if (type === BLOCK_RAW || type === BLOCK_COMPRESSED) p += size;
      else if (type === BLOCK_RLE) p += 1;
      else throw invalid('reserved block type');
      if (p > buf.length) throw invalid('truncated block');
      if (header & 1) break;
    }
    at = p + (hasChecksum ? 4 : 0);
  }
  if (at > buf.length) throw invalid('truncated frame');
}

class OutputLimitReached extends Error {}

/** Decodes, yielding to the event loop between input chunks: this runs on the main thread. */
export async function zstdDecompressLimited(buf: Buffer, maxDecodedBytes: number): Promise<Buffer> {
  // A window never needs to exceed the content it serves; 8 MiB covers streaming encoders' defaults.
  checkZstdFrames(buf, maxDecodedBytes, Math.max(maxDecodedBytes, 8 * 1024 * 1024));
  const chunks: Uint8Array[] = [];
  let total = 0;
  const decoder = new Decompress((data) => {
    total += data.length;
    if (total > maxDecodedBytes) throw new OutputLimitReached();
    // fzstd reuses nothing it hands out, so keeping the chunk without copying is safe.
    if (data.length > 0) chunks.push(data);
  });
  try {
    for (let at = 0; at < buf.length || at === 0; at += CHUNK_BYTES) {
      const end = Math.min(buf.length, at + CHUNK_BYTES);
      decoder.push(buf.subarray(at, end), end === buf.length);
      if (end === buf.length) break;
      await yieldToEventLoop();
    }
  } catch (err) {
    if (err instanceof OutputLimitReached) throw tooLarge(maxDecodedBytes);
    if (err instanceof IngestInputError) throw err;
    throw invalid((err as Error).message);
  }
  return Buffer.concat(chunks, total);
}
