import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import t from 'tap';
import { createRequestBodyReader } from '../../../src/modules/ingest/request-body-reader.ts';

type Reader = ReturnType<typeof createRequestBodyReader>;

/** Streams `chunks` to the reader as a request with these headers; the body or the error. */
function read(
  reader: Reader,
  chunks: (string | Buffer)[],
  headers: Record<string, string> = {},
  end: (stream: PassThrough) => void = (stream) => stream.end(),
): Promise<Buffer> {
  const payload = new PassThrough();
  const request = { headers } as unknown as FastifyRequest;
  const body = new Promise<Buffer>((resolve, reject) =>
    reader.parse(request, payload, (error, result) =>
      error === null ? resolve(result as Buffer) : reject(error),
    ),
  );
  for (const chunk of chunks) payload.write(chunk);
  end(payload);
  return body;
}

const lengthOf = (chunks: string[]) => ({
  'content-length': String(Buffer.byteLength(chunks.join(''))),
});

t.test('chunks are joined in order, byte for byte', async (t) => {
  const reader = createRequestBodyReader(1 << 20);
  const chunks = ['{"message":"é', 'tape 1"}\n', '{"message":"two"}\n'];
  const body = await read(reader, chunks, lengthOf(chunks));
  t.equal(body.toString('utf8'), chunks.join(''));
  t.equal((await read(reader, [])).length, 0, 'an empty body is empty');
});

t.test('a released body serves a later request, and one still in use never does', async (t) => {
  const reader = createRequestBodyReader(1 << 20);
  const first = await read(reader, ['a'.repeat(5000)]);
  reader.release(first);
  const second = await read(reader, ['b'.repeat(4000)]);
  t.equal(second.buffer, first.buffer, 'the released buffer is used again');
  t.equal(second.toString(), 'b'.repeat(4000), 'with the new request’s bytes, at its length');
  const third = await read(reader, ['c'.repeat(4000)]);
  t.not(third.buffer, second.buffer, 'not while the second request holds it');
  t.equal(second.toString(), 'b'.repeat(4000), 'the second body is untouched');
  reader.release(second);
  reader.release(second);
  const [fourth, fifth] = [await read(reader, ['d']), await read(reader, ['e'])];
  t.not(fourth.buffer, fifth.buffer, 'released twice, handed out once');
  reader.release('not a buffer');
  reader.release(Buffer.from('a buffer it did not lease'));
});

t.test('fastify’s limits and errors', async (t) => {
  const reader = createRequestBodyReader(100);
  await t.rejects(
    read(reader, ['x'], { 'content-length': '101' }),
    { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 },
    'a declared length over the limit, before reading',
  );
  await t.rejects(
    read(reader, ['x'.repeat(60), 'x'.repeat(60)]),
    { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 },
    'a chunked body that grows past the limit',
  );
  t.equal((await read(reader, ['x'.repeat(100)])).length, 100, 'exactly the limit is accepted');
  await t.rejects(
    read(reader, ['x'.repeat(10)], { 'content-length': '20' }),
    { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 },
    'fewer bytes than declared',
  );
  await t.rejects(
    read(reader, ['x'], {}, (stream) => stream.destroy(new Error('socket hang up'))),
    { message: 'socket hang up', statusCode: 400 },
    'a stream error is the client’s',
  );
});
