// The Loki push decoder: JSON and snappy protobuf bodies to rows, labels to columns and
// attributes, and the refusals. Also the Elasticsearch document and bulk-action shapes.
import snappy from 'snappyjs';
import t from 'tap';
import { decodeIngestBody } from '../../../src/modules/ingest/decode/index.ts';
import { parseLabelSet } from '../../../src/modules/ingest/decode/loki-push.ts';
import { limits, NOW_MS } from './fixtures.ts';
import { PushRequest } from './loki-push-request.ts';

const NS = (BigInt(NOW_MS - 60_000) * 1_000_000n + 123n).toString();

function loki(body: Buffer, contentType: string, overrides = {}) {
  return decodeIngestBody({
    kind: 'loki',
    contentType,
    contentEncoding: undefined,
    body,
    limits: limits(overrides),
    now: NOW_MS,
  });
}

t.test(
  'JSON: labels become service, host, level and attributes; JSON lines their fields',
  async (t) => {
    const body = Buffer.from(
      JSON.stringify({
        streams: [
          {
            stream: {
              service_name: 'api',
              job: 'k8s/api',
              host: 'node-1',
              level: 'warn',
              env: 'prod',
            },
            values: [
              [NS, 'plain line'],
              [NS, '{"msg":"json line","level":"error","user_id":"u1"}', { trace_id: 't1' }],
            ],
          },
        ],
      }),
    );
    const { rows, rejected } = await loki(body, 'application/json');
    t.same(rejected, []);
    t.match(rows[0], {
      ts: '2026-01-15 11:59:00.250000123',
      service: 'api',
      host: 'node-1',
      level: 'warn',
      message: 'plain line',
      attributes: { job: 'k8s/api', env: 'prod' },
    });
    t.match(rows[1], {
      message: 'json line',
      level: 'error',
      user_id: 'u1',
      trace_id: 't1',
      attributes: { env: 'prod' },
    });
  },
);

t.test('protobuf, snappy-compressed, with Loki label text', async (t) => {
  const seconds = Math.floor((NOW_MS - 1000) / 1000);
  const message = PushRequest.encode(
    PushRequest.fromObject({
      streams: [
        {
          labels: '{job="billing", detected_level="error", note="a \\"quoted\\" \\\\ value"}',
          entries: [
            {
              timestamp: { seconds, nanos: 5 },
              line: 'pb line',
              structuredMetadata: [{ name: 'k', value: 'v' }],
            },
          ],
        },
      ],
    }),
  ).finish();
  const { rows } = await loki(snappy.compress(Buffer.from(message)), 'application/x-protobuf');
  t.match(rows[0], {
    ts: `2026-01-15 11:59:59.000000005`,
    service: 'billing',
    level: 'error',
    message: 'pb line',
    attributes: { note: 'a "quoted" \\ value', k: 'v' },
  });
  await t.rejects(loki(Buffer.from(message), 'application/x-protobuf'), {
    statusCode: 400,
    code: 'invalid_compressed_body',
  });
  // Entries are counted against the record limit as the walk meets them, as in JSON.
  const entries = Array.from({ length: 3 }, (_, i) => ({ line: `e${i}` }));
  const three = PushRequest.encode(
    PushRequest.fromObject({ streams: [{ labels: '{job="a"}', entries }] }),
  ).finish();
  await t.rejects(
    loki(snappy.compress(Buffer.from(three)), 'application/x-protobuf', {
      maxRecordsPerRequest: 2,
    }),
    { statusCode: 413, code: 'too_many_records' },
  );
  const big = snappy.compress(Buffer.alloc(4096, 0x61));
  await t.rejects(loki(big, 'application/x-protobuf', { maxDecodedBodyBytes: 1024 }), {
    statusCode: 413,
    code: 'body_too_large',
  });
});

t.test('refusals: not a push request, bad entries one by one', async (t) => {
  await t.rejects(loki(Buffer.from('{"nope":1}'), 'application/json'), {
    statusCode: 400,
    code: 'invalid_body',
  });
  await t.rejects(loki(Buffer.from('x'), 'text/plain'), { code: 'unsupported_media_type' });
  const { rows, rejected } = await loki(
    Buffer.from(
      JSON.stringify({ streams: [{ stream: {}, values: [[NS, 'ok'], [123, 'bad ts'], [NS]] }] }),
    ),
    'application/json',
  );
  t.equal(rows.length, 1);
  t.same(
    rejected.map((r) => r.index),
    [1, 2],
  );
});

t.test('label sets', async (t) => {
  t.same(
    [...(parseLabelSet('{a="1",b="x y"}') ?? [])],
    [
      ['a', '1'],
      ['b', 'x y'],
    ],
  );
  t.same([...(parseLabelSet('{}') ?? [])], []);
  t.equal(parseLabelSet('{a=1}'), undefined);
  t.equal(parseLabelSet('{a="1"'), undefined);
});

t.test('Elasticsearch: bulk action lines with extra keys, one document', async (t) => {
  const bulk = (payload: string) =>
    decodeIngestBody({
      kind: 'bulk',
      contentType: 'application/x-ndjson',
      contentEncoding: undefined,
      body: Buffer.from(payload),
      limits: limits({}),
      now: NOW_MS,
    });
  const ok = await bulk('{"index":{"_index":"logs"},"attempts":0}\n{"message":"a"}\n');
  t.equal(ok.rows.length, 1, 'extra keys after the action are ignored, as in Elasticsearch 8');
  await t.rejects(bulk('{"attempts":0,"index":{}}\n{"message":"a"}\n'), { code: 'invalid_bulk' });
  await t.rejects(bulk('{"index":{},"create":{}}\n{"message":"a"}\n'), { code: 'invalid_bulk' });
  const doc = await decodeIngestBody({
    kind: 'document',
    contentType: 'application/vnd.elasticsearch+json; compatible-with=9',
    contentEncoding: undefined,
    body: Buffer.from('{"message":"one"}'),
    limits: limits({}),
    now: NOW_MS,
    document: { action: 'create', index: 'logs', id: 'd1' },
  });
  t.match(doc.bulkItems, [{ action: 'create', index: 'logs', id: 'd1', status: 201 }]);
});
