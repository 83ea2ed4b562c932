import zlib from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';
import { IngestInputError } from './ingest-errors.ts';
import { zstdDecompressLimited } from './zstd-decode.ts';

type Decompress = (
  input: InputType,
  options: ZlibOptions,
  callback: (err: Error | null, result: Buffer) => void,
) => void;

type Decoder = (input: Buffer, maxDecodedBytes: number) => Promise<Buffer>;

// zstd entered node:zlib in Node 22.15/23.8; Node 20 has none, so the native one is used when
// present and the pure-JS fzstd (with its own output limit and window checks) otherwise.
const nativeZstd = (zlib as unknown as { zstdDecompress?: Decompress }).zstdDecompress;

function run(fn: Decompress, input: Buffer, maxDecodedBytes: number): Promise<Buffer> {
  // maxOutputLength makes zlib stop at the first chunk past the limit, so a zip bomb costs at most
  // about maxDecodedBytes of memory and the time to inflate that much.
  return new Promise((resolve, reject) => {
    fn(input, { maxOutputLength: Math.max(1, maxDecodedBytes) }, (err, result) => {
      if (err === null) resolve(result);
      else reject(err);
    });
  });
}

function tooLarge(maxDecodedBytes: number): IngestInputError {
  return new IngestInputError(
    413,
    'body_too_large',
    `the decoded body is larger than ${maxDecodedBytes} bytes`,
  );
}

/** RFC 1950 zlib header: CM = 8 and the header checksum; anything else is taken as raw deflate. */
function hasZlibHeader(buf: Buffer): boolean {
  const cmf = buf[0];
  const flg = buf[1];
  return (
    cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0
  );
}

function zlibDecoder(fn: Decompress): Decoder {
  return async (input, max) => {
    try {
      return await run(fn, input, max);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max);
      throw err;
    }
  };
}

const gunzip = zlibDecoder(zlib.gunzip as Decompress);
const inflate = zlibDecoder(zlib.inflate as Decompress);
const inflateRaw = zlibDecoder(zlib.inflateRaw as Decompress);
const brotli = zlibDecoder(zlib.brotliDecompress as unknown as Decompress);
const zstd: Decoder = nativeZstd !== undefined ? zlibDecoder(nativeZstd) : zstdDecompressLimited;

function decoderFor(coding: string, input: Buffer): Decoder {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzip;
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but some clients send raw deflate.
      return hasZlibHeader(input) ? inflate : inflateRaw;
    case 'br':
      return brotli;
    case 'zstd':
      return zstd;
    default:
      throw new IngestInputError(
        415,
        'unsupported_content_encoding',
        `unsupported Content-Encoding: ${coding.slice(0, 64)}`,
      );
  }
}

/**
 * Undoes Content-Encoding (identity, gzip, x-gzip, deflate, br, zstd), in reverse
 * order when several are listed. Decoded output over `maxDecodedBytes` → 413 as soon as zlib has
 * produced that much; a corrupt stream → 400.
 */
export async function decodeContentEncoding(
  body: Buffer,
  encoding: string | undefined,
  maxDecodedBytes: number,
): Promise<Buffer> {
  const codings = (encoding ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i] as string;
    const decode = decoderFor(coding, out);
    try {
      out = await decode(out, maxDecodedBytes);
    } catch (err) {
      if (err instanceof IngestInputError) throw err;
      throw new IngestInputError(
        400,
        'invalid_compressed_body',
        `the body is not valid ${coding}: ${(err as Error).message}`,
      );
    }
  }
  if (out.length > maxDecodedBytes) throw tooLarge(maxDecodedBytes);
  return out;
}
