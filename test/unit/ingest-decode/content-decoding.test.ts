import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import t from 'tap';
import {
  decodeContentEncoding,
  IngestInputError,
} from '../../../src/modules/ingest/decode/index.ts';

const MiB = 1024 * 1024;
const text = Buffer.from('{"message":"héllo"}\n'.repeat(1000));

async function errorOf(p: Promise<unknown>): Promise<IngestInputError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IngestInputError) return err;
    throw err;
  }
  throw new Error('expected an IngestInputError');
}

/** A zstd frame of RLE blocks, built by hand: each 4-byte block inflates to `blockBytes`. */
function zstdRleFrame(blocks: number, blockBytes = 128 * 1024, windowDescriptor = 0x58): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, windowDescriptor]);
  const body = Buffer.alloc(blocks * 4);
  for (let i = 0; i < blocks; i++) {
    const h = (blockBytes << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    body.writeUIntLE(h, i * 4, 3);
    body[i * 4 + 3] = 0x41;
  }
  return Buffer.concat([header, body]);
}

t.test('identity, gzip, x-gzip, deflate (zlib and raw), br, stacked codings', async (t) => {
  t.equal(await decodeContentEncoding(text, undefined, MiB), text, 'no header: same buffer');
  t.equal(await decodeContentEncoding(text, 'identity', MiB), text);
  t.same(await decodeContentEncoding(zlib.gzipSync(text), 'gzip', MiB), text);
  t.same(await decodeContentEncoding(zlib.gzipSync(text), 'X-GZIP', MiB), text);
  t.same(await decodeContentEncoding(zlib.deflateSync(text), 'deflate', MiB), text);
  t.same(
    await decodeContentEncoding(zlib.deflateRawSync(text), 'deflate', MiB),
    text,
    'raw deflate',
  );
  t.same(await decodeContentEncoding(zlib.brotliCompressSync(text), 'br', MiB), text);
  const stacked = zlib.gzipSync(zlib.deflateSync(text));
  t.same(
    await decodeContentEncoding(stacked, 'deflate, gzip', MiB),
    text,
    'applied in reverse order',
  );
});

t.test('zstd', async (t) => {
  const rle = zstdRleFrame(3, 1000);
  t.same(
    await decodeContentEncoding(rle, 'zstd', MiB),
    Buffer.alloc(3000, 0x41),
    'hand-built frame',
  );
  const cli = spawnSync('zstd', ['-q', '-c', '-3'], { input: text });
  if (cli.status !== 0 || cli.error !== undefined) {
    t.comment('no zstd CLI to make a compressed frame: skipped');
    return;
  }
  t.same(await decodeContentEncoding(cli.stdout, 'zstd', MiB), text, 'frame from the zstd CLI');
  const twoFrames = Buffer.concat([cli.stdout, cli.stdout]);
  t.same(
    await decodeContentEncoding(twoFrames, 'zstd', MiB),
    Buffer.concat([text, text]),
    'two frames',
  );
  const over = await errorOf(decodeContentEncoding(cli.stdout, 'zstd', text.length - 1));
  t.equal(over.code, 'body_too_large', 'declared content size over the limit');
});

t.test('limits: exact size passes, one byte more is 413', async (t) => {
  t.same(await decodeContentEncoding(zlib.gzipSync(text), 'gzip', text.length), text);
  const err = await errorOf(decodeContentEncoding(zlib.gzipSync(text), 'gzip', text.length - 1));
  t.equal(err.statusCode, 413);
  t.equal(err.code, 'body_too_large');
  const identity = await errorOf(decodeContentEncoding(text, undefined, text.length - 1));
  t.equal(identity.statusCode, 413, 'identity bodies are limited too');
});

t.test('unknown codings → 415, corrupt streams → 400', async (t) => {
  const unknown = await errorOf(decodeContentEncoding(text, 'compress', MiB));
  t.equal(unknown.statusCode, 415);
  t.equal(unknown.code, 'unsupported_content_encoding');
  for (const coding of ['gzip', 'deflate', 'br', 'zstd']) {
    const err = await errorOf(
      decodeContentEncoding(Buffer.from('not compressed at all'), coding, MiB),
    );
    t.equal(err.statusCode, 400, coding);
    t.equal(err.code, 'invalid_compressed_body', coding);
  }
  const truncated = zlib.gzipSync(text).subarray(0, 40);
  t.equal(
    (await errorOf(decodeContentEncoding(truncated, 'gzip', MiB))).statusCode,
    400,
    'truncated gzip',
  );
  const truncatedZstd = zstdRleFrame(3, 1000).subarray(0, 9);
  t.equal(
    (await errorOf(decodeContentEncoding(truncatedZstd, 'zstd', MiB))).statusCode,
    400,
    'truncated zstd',
  );
});

async function gzipZeros(totalBytes: number): Promise<Buffer> {
  const gz = zlib.createGzip({ level: 1 });
  const parts: Buffer[] = [];
  gz.on('data', (d: Buffer) => parts.push(d));
  const zeros = Buffer.alloc(MiB);
  for (let done = 0; done < totalBytes; done += MiB) {
    if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await new Promise((r) => gz.once('end', r));
  return Buffer.concat(parts);
}

function bombCheck(name: string, make: () => Promise<Buffer> | Buffer, coding: string) {
  t.test(name, async (t) => {
    const bomb = await make();
    const limit = 16 * MiB;
    global.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const err = await errorOf(decodeContentEncoding(bomb, coding, limit));
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    t.equal(err.statusCode, 413);
    t.equal(err.code, 'body_too_large');
    t.ok(ms < 2000, `stopped after ${ms.toFixed(0)} ms`);
    const grownMiB =
      (after.arrayBuffers + after.heapUsed - before.arrayBuffers - before.heapUsed) / MiB;
    t.ok(grownMiB < 200, `memory grew by ${grownMiB.toFixed(0)} MiB, not by what the bomb holds`);
  });
}

bombCheck(
  'a gzip bomb (1 GiB of zeros in one member) → 413 quickly',
  () => gzipZeros(1024 * MiB),
  'gzip',
);
bombCheck(
  'a multi-member gzip bomb (100 × 10 MiB) → 413',
  () => Buffer.concat(Array<Buffer>(100).fill(zlib.gzipSync(Buffer.alloc(10 * MiB), { level: 9 }))),
  'gzip',
);
bombCheck(
  'a deflate bomb → 413',
  () => zlib.deflateSync(Buffer.alloc(256 * MiB), { level: 1 }),
  'deflate',
);
bombCheck('a zstd bomb (8192 RLE blocks = 1 GiB) → 413', () => zstdRleFrame(8192), 'zstd');

t.test(
  'a zstd frame declaring a 2 GiB window is refused before anything is allocated',
  async (t) => {
    // Window descriptor exponent 21 → 2^31 bytes.
    const frame = zstdRleFrame(1, 10, 21 << 3);
    const err = await errorOf(decodeContentEncoding(frame, 'zstd', 16 * MiB));
    t.equal(err.statusCode, 413);
  },
);
