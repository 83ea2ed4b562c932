import zlib from 'node:zlib';
import t from 'tap';
import { decodeIngestBody, IngestInputError } from '../../../src/modules/ingest/decode/index.ts';
import type { IngestRouteKind } from '../../../src/modules/ingest/decode/index.ts';
import { AppError } from '../../../src/infra/errors.ts';
import { LIMITS, NOW_MS } from './fixtures.ts';

async function attempt(
  kind: IngestRouteKind,
  contentType: string | undefined,
  body = '{}',
  contentEncoding?: string,
) {
  try {
    const r = await decodeIngestBody({
      kind,
      contentType,
      contentEncoding,
      body: Buffer.from(body),
      limits: LIMITS,
      now: NOW_MS,
    });
    return `ok:${r.rows.length}`;
  } catch (err) {
    if (err instanceof IngestInputError) return `${err.statusCode}:${err.code}`;
    throw err;
  }
}

t.test('the decoder is chosen by route kind and media type', async (t) => {
  t.equal(await attempt('logs', 'application/json'), 'ok:1');
  t.equal(await attempt('logs', 'Application/JSON; charset=UTF-8'), 'ok:1');
  t.equal(await attempt('logs', 'application/x-ndjson', '{}\n{}'), 'ok:2');
  t.equal(await attempt('logs', 'application/jsonl', '{}\n{}'), 'ok:2');
  t.equal(await attempt('logs', undefined), 'ok:1');
  t.equal(await attempt('logs', 'text/plain'), '415:unsupported_media_type');
  t.equal(await attempt('logs', 'application/x-protobuf'), '415:unsupported_media_type');
  t.equal(await attempt('logs', 'application/json; charset=latin1'), '415:unsupported_media_type');
  t.equal(await attempt('otlp', 'application/json'), 'ok:0');
  t.equal(await attempt('otlp', 'application/x-protobuf', ''), 'ok:0');
  t.equal(await attempt('otlp', undefined), '415:unsupported_media_type');
  t.equal(await attempt('otlp', 'application/x-ndjson'), '415:unsupported_media_type');
  t.equal(await attempt('bulk', 'application/x-ndjson', '{"index":{}}\n{}\n'), 'ok:1');
  t.equal(
    await attempt(
      'bulk',
      'application/vnd.elasticsearch+x-ndjson; compatible-with=8',
      '{"index":{}}\n{}\n',
    ),
    'ok:1',
  );
  t.equal(await attempt('bulk', 'application/x-protobuf'), '415:unsupported_media_type');
});

t.test('an unsupported media type is refused before the body is inflated', async (t) => {
  t.equal(await attempt('logs', 'text/plain', 'garbage', 'gzip'), '415:unsupported_media_type');
  t.equal(
    await attempt('logs', 'application/json', '{}', 'lz4'),
    '415:unsupported_content_encoding',
  );
});

t.test('the decoded size is what counts', async (t) => {
  const body = zlib.gzipSync(
    Buffer.from(JSON.stringify(Array.from({ length: 1000 }, () => ({ message: 'x'.repeat(100) })))),
  );
  const ok = await decodeIngestBody({
    kind: 'logs',
    contentType: 'application/json',
    contentEncoding: 'gzip',
    body,
    limits: LIMITS,
    now: NOW_MS,
  });
  t.equal(ok.rows.length, 1000);
  try {
    await decodeIngestBody({
      kind: 'logs',
      contentType: 'application/json',
      contentEncoding: 'gzip',
      body,
      limits: { ...LIMITS, maxDecodedBodyBytes: 50_000 },
      now: NOW_MS,
    });
    t.fail('expected 413');
  } catch (err) {
    t.ok(err instanceof IngestInputError);
    t.ok(err instanceof AppError, 'the app error handler maps it');
    t.equal((err as IngestInputError).statusCode, 413);
    t.equal((err as IngestInputError).code, 'body_too_large');
  }
});
