// Ingest request bodies, read into buffers that are used again by later requests.
//
// Fastify joins a body's chunks into a new buffer (Buffer.concat) for every request: at 96k OTLP/JSON
// records/s that was ~50 MB a second of large buffers, which V8 counts as external memory and
// answers with collections (docs/performance.md, "Where the buffers come from"). The chunks are
// joined here into a leased buffer instead, with fastify's own checks and errors, and the route
// gives it back once the request's ingest has settled: nothing reads a body after that (the decode
// copies what it keeps into the rows, and the tail publishes the rows, not the body).
import { errorCodes, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ReusableBuffers, type ReusableBuffersOptions } from '../pipeline/reusable-buffers.ts';

const { FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_CONTENT_LENGTH } = errorCodes;

// As many bodies are held at once as requests are between their last byte and their answer (the
// group commit's wait): a few dozen at full load. A body larger than this gets its own buffer.
const BODY_BUFFERS: ReusableBuffersOptions = {
  maxKept: 32,
  maxBytesKept: 1024 * 1024,
  capacityStep: 64 * 1024,
};

type Done = (error: Error | null, body?: Buffer) => void;

/** A preParsing stream may report the bytes it read before decoding them. */
type Payload = Readable & { receivedEncodedLength?: number };

export interface RequestBodyReader {
  /** A fastify content-type parser (the payload form): the body as one Buffer, or 413 / 400. */
  parse(request: FastifyRequest, payload: Payload, done: Done): void;
  /** After the request's last use of `body`; a body this reader did not lease is ignored. */
  release(body: unknown): void;
}

export function createRequestBodyReader(limit: number): RequestBodyReader {
  const buffers = new ReusableBuffers(BODY_BUFFERS);

  function join(chunks: Buffer[], length: number): Buffer {
    if (length === 0) return Buffer.alloc(0);
    const body = buffers.lease(length);
    let at = 0;
    for (const chunk of chunks) at += chunk.copy(body, at);
    return body;
  }

  return {
    parse(request, payload, done) {
      // The same checks, order and errors as fastify's own buffer parser (content-type-parser.js).
      const contentLength = Number(request.headers['content-length']);
      if (contentLength > limit) {
        done(new FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      let received = 0;
      const chunks: Buffer[] = [];
      const stop = () => {
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        payload.removeListener('error', onEnd);
      };
      function onData(chunk: Buffer | string): void {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        received += bytes.length;
        if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
          stop();
          done(new FST_ERR_CTP_BODY_TOO_LARGE());
          return;
        }
        chunks.push(bytes);
      }
      function onEnd(error?: Error & { statusCode?: number }): void {
        stop();
        if (error != null) {
          if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) {
            error.statusCode = 400;
          }
          done(error);
          return;
        }
        const length = payload.receivedEncodedLength || received;
        if (!Number.isNaN(contentLength) && length !== contentLength) {
          done(new FST_ERR_CTP_INVALID_CONTENT_LENGTH());
          return;
        }
        // Always a copy: a chunk may be a view of the socket's shared read buffer.
        done(null, join(chunks, received));
      }
      payload.on('data', onData);
      payload.on('end', onEnd);
      payload.on('error', onEnd);
      payload.resume();
    },
    release(body) {
      if (Buffer.isBuffer(body)) buffers.release(body);
    },
  };
}
