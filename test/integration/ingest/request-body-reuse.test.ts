// Request bodies are read into buffers that later requests use again (request-body-reader.ts). A
// buffer given back one use too early would put one request's bytes into another's rows: many
// requests of different sizes and formats, in flight at once over real sockets, must store exactly
// the rows each one sent.
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, createTenant, waitForRows } from './ingest-fixtures.ts';

const MAX_BODY_BYTES = 256 * 1024;

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  messages: string[];
}

function messagesOf(request: number, rows: number): string[] {
  // Lengths differ per request, so buffers are reused for bodies both larger and smaller.
  const padding = 'p'.repeat((request * 37) % 900);
  return Array.from({ length: rows }, (_, row) => `request ${request} row ${row} ${padding}`);
}

function ndjson(request: number, rows: number): Sent {
  const messages = messagesOf(request, rows);
  const lines = messages.map((message) => JSON.stringify({ message, level: 'info' }) + '\n');
  return {
    url: '/v1/logs',
    headers: { 'content-type': 'application/x-ndjson' },
    body: Buffer.from(lines.join('')),
    messages,
  };
}

function gzippedNdjson(request: number, rows: number): Sent {
  // Inflated on zlib's thread pool while other requests are read and answered.
  const sent = ndjson(request, rows);
  return {
    ...sent,
    headers: { ...sent.headers, 'content-encoding': 'gzip' },
    body: zlib.gzipSync(sent.body),
  };
}

function otlpJson(request: number, rows: number): Sent {
  const messages = messagesOf(request, rows);
  const logRecords = messages.map((message) => ({
    severityText: 'INFO',
    body: { stringValue: message },
  }));
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'reuse' } }] };
  return {
    url: '/otlp/v1/logs',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(
      JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ logRecords }] }] }),
    ),
    messages,
  };
}

function post(
  port: number,
  key: string,
  sent: Pick<Sent, 'url' | 'headers'>,
  write: (request: http.ClientRequest) => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: sent.url,
        headers: { ...bearer(key), ...sent.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    write(request);
  });
}

t.test('concurrent requests of every size store exactly their own rows', async (t) => {
  const { app, db, clickhouse } = await buildTestApp(t, {
    env: { INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES), INGEST_GROUP_COMMIT_WINDOW_MS: '5' },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const tenant = await createTenant(db);

  const makers = [ndjson, gzippedNdjson, otlpJson];
  const requests = Array.from({ length: 150 }, (_, i) =>
    (makers[i % makers.length] as typeof ndjson)(i, 1 + ((i * 13) % 40)),
  );
  let next = 0;
  const failures: string[] = [];
  // Sent in two or three pieces, so bodies arrive as several chunks as senders' often do.
  const sendInPieces = (body: Buffer) => (request: http.ClientRequest) => {
    request.setHeader('content-length', body.length);
    const cut = Math.floor(body.length / 3);
    request.write(body.subarray(0, cut));
    setImmediate(() => request.end(body.subarray(cut)));
  };
  await Promise.all(
    Array.from({ length: 24 }, async () => {
      while (next < requests.length) {
        const sent = requests[next++] as Sent;
        const answer = await post(port, tenant.key, sent, sendInPieces(sent.body));
        if (answer.status !== 202 && answer.status !== 200) failures.push(answer.body);
      }
    }),
  );
  t.same(failures, [], 'every request accepted');

  const expected = requests.flatMap((r) => r.messages).sort();
  t.equal(await waitForRows(clickhouse, tenant.appId, expected.length), expected.length);
  const stored = await clickhouse.query<{ message: string }>(
    'SELECT message FROM logs WHERE app_id = {app:UUID} ORDER BY message',
    { app: tenant.appId },
  );
  const messages = stored.map((row) => row.message);
  t.equal(messages.length, expected.length, 'as many rows as were sent');
  t.ok(
    messages.every((message, i) => message === expected[i]),
    'each row is one that was sent, once',
  );
});

t.test('the body limit holds for declared and chunked bodies', async (t) => {
  const { app, db } = await buildTestApp(t, {
    env: { INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const tenant = await createTenant(db);
  const tooLarge = ndjson(1, 1);
  const body = Buffer.alloc(MAX_BODY_BYTES + 1, ' ');
  const declared = await post(port, tenant.key, tooLarge, (request) => {
    request.setHeader('content-length', body.length);
    request.end(body);
  });
  t.equal(declared.status, 413);
  t.equal(JSON.parse(declared.body).error.code, 'body_too_large');
  // No Content-Length: the limit is found while reading.
  const chunked = await post(port, tenant.key, tooLarge, (request) => {
    request.write(body.subarray(0, MAX_BODY_BYTES / 2));
    request.end(body.subarray(MAX_BODY_BYTES / 2));
  });
  t.equal(chunked.status, 413);
  t.equal(JSON.parse(chunked.body).error.code, 'body_too_large');
  const fits = await post(port, tenant.key, tooLarge, (request) => request.end(tooLarge.body));
  t.equal(fits.status, 202, 'and the next request is read as usual');
});
