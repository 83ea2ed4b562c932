import zlib from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';
import { IngestInputError } from './ingest-errors.ts';

type Decompress = (
  input: InputType,
  options: ZlibOptions,
  callback: (err: Error | null, result: Buffer) => void,
) => void;

// zstd entered node:zlib in Node 22.15/23.8; Node 20 has none, so it is feature-detected and,
// when absent, answered 415 (the sender can retry with gzip) rather than pulling in a native addon.
const zstdDecompress = (zlib as unknown as { zstdDecompress?: Decompress }).zstdDecompress;

export const zstdSupported = typeof zstdDecompress === 'function';

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

function decoderFor(coding: string, input: Buffer): Decompress {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzip as Decompress;
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but some clients send raw deflate.
      return (hasZlibHeader(input) ? zlib.inflate : zlib.inflateRaw) as Decompress;
    case 'br':
      return zlib.brotliDecompress as unknown as Decompress;
    case 'zstd':
      if (zstdDecompress !== undefined) return zstdDecompress;
      throw new IngestInputError(
        415,
        'unsupported_content_encoding',
        `Content-Encoding zstd is not supported by this server (Node ${process.versions.node}); use gzip`,
      );
    default:
      throw new IngestInputError(
        415,
        'unsupported_content_encoding',
        `unsupported Content-Encoding: ${coding.slice(0, 64)}`,
      );
  }
}

/**
 * Undoes Content-Encoding (identity, gzip, deflate, br; zstd where node:zlib has it), in reverse
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
    const fn = decoderFor(coding, out);
    try {
      out = await run(fn, out, maxDecodedBytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw tooLarge(maxDecodedBytes);
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
