// Each format round-trips through HTTP to ClickHouse rows; bad input gets the right 4xx and
// stores nothing of a refused request.
import zlib from 'node:zlib';
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { recentInstant } from '../../helpers/recent-time.ts';
import { bearer, countRows, createTenant, storedRows, waitForRows } from './ingest-fixtures.ts';

t.test('formats and refusals', async (t) => {
  const { app, db, clickhouse, redis } = await buildTestApp(t, {
    env: { INGEST_GROUP_COMMIT_WINDOW_MS: '10' },
  });
  const post = (
    url: string,
    key: string,
    payload: string | Buffer,
    headers: Record<string, string> = {},
  ) => app.inject({ method: 'POST', url, headers: { ...bearer(key), ...headers }, payload });

  t.test('JSON, NDJSON, gzip: fields, attributes, unicode, 64 KiB messages', async (t) => {
    const tenant = await createTenant(db);
    const sent = recentInstant(60 * 60 * 1000, 123_456_789);
    const big = 'x'.repeat(64 * 1024);
    const json = await post(
      '/v1/logs',
      tenant.key,
      JSON.stringify([
        {
          timestamp: sent.rfc3339,
          level: 'WARNING',
          message: 'héllo 🌍 \u0001',
          service: 'api',
          host: 'h1',
          trace_id: 'abc',
          user_id: 'u1',
          http: { status: 500 },
        },
        { timestamp: recentInstant(2 * 60 * 60 * 1000).epochMs, severity: 'error', msg: big },
      ]),
      { 'content-type': 'application/json' },
    );
    t.equal(json.statusCode, 202, json.body);
    const nd = await post(
      '/v1/logs',
      tenant.key,
      zlib.gzipSync('{"message":"nd1"}\n{"body":"nd2","level":"debug"}\n'),
      { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    );
    t.same(nd.json(), { accepted: 2, rejected: [] });
    t.equal(await waitForRows(clickhouse, tenant.appId, 4), 4);
    const rows = await storedRows(clickhouse, tenant.appId);
    const first = rows.find((r) => r.service === 'api');
    t.match(first, {
      ts: sent.clickhouse,
      level: 'warn',
      message: 'héllo 🌍 \u0001',
      host: 'h1',
      trace_id: 'abc',
      user_id: 'u1',
      attributes: { 'http.status': '500' },
    });
    t.equal(rows.find((r) => r.level === 'error')?.message.length, 64 * 1024);
    t.ok(
      rows.every((r) => r.org_id === tenant.orgId && r.app_id === tenant.appId),
      'rows belong to the key’s app',
    );
  });

  t.test('OTLP JSON and Elasticsearch bulk', async (t) => {
    const tenant = await createTenant(db);
    const sent = recentInstant(60 * 60 * 1000, 1);
    const otlp = await post(
      '/otlp/v1/logs',
      tenant.key,
      JSON.stringify({
        resourceLogs: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: 'checkout' } },
                { key: 'host.name', value: { stringValue: 'web-2' } },
              ],
            },
            scopeLogs: [
              {
                logRecords: [
                  {
                    timeUnixNano: sent.unixNanos,
                    severityNumber: 17,
                    body: { stringValue: 'otlp line' },
                  },
                ],
              },
            ],
          },
        ],
      }),
      { 'content-type': 'application/json' },
    );
    t.equal(otlp.statusCode, 200, otlp.body);
    t.same(otlp.json(), {});
    const bulk = await post(
      '/logs-x/_bulk',
      tenant.key,
      `{"index":{}}\n{"@timestamp":"${sent.rfc3339Seconds}","message":"es line","log.level":"info"}\n{"delete":{"_id":"1"}}\n`,
      { 'content-type': 'application/x-ndjson' },
    );
    t.equal(bulk.statusCode, 200);
    t.equal(bulk.json().errors, true, 'the unsupported delete action is reported per item');
    t.equal(bulk.json().items[0].index.status, 201);
    t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2);
    const rows = await storedRows(clickhouse, tenant.appId);
    t.match(
      rows.find((r) => r.message === 'otlp line'),
      { service: 'checkout', host: 'web-2', level: 'error' },
    );
  });

  t.test('empty and huge batches', async (t) => {
    const tenant = await createTenant(db);
    t.same(
      (await post('/v1/logs', tenant.key, '[]', { 'content-type': 'application/json' })).json(),
      { accepted: 0, rejected: [] },
    );
    const many = Array.from({ length: 10_000 }, (_, i) => ({ message: `m${i}` }));
    const res = await post('/v1/logs', tenant.key, JSON.stringify(many), {
      'content-type': 'application/json',
    });
    t.equal(res.json().accepted, 10_000);
    t.equal(await waitForRows(clickhouse, tenant.appId, 10_000), 10_000);
  });

  t.test('per-record problems reject only that record', async (t) => {
    const tenant = await createTenant(db);
    const attrs = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v']));
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const res = await post(
      '/v1/logs',
      tenant.key,
      JSON.stringify([
        { message: 'good' },
        { message: 'many', ...attrs },
        { message: 'deep', deep },
        { message: 'future', timestamp: '9999-01-01T00:00:00Z' },
        'not an object',
      ]),
      { 'content-type': 'application/json' },
    );
    t.equal(res.statusCode, 202);
    t.equal(res.json().accepted, 1);
    t.same(
      res.json().rejected.map((r: { index: number }) => r.index),
      [1, 2, 3, 4],
    );
    const nd = await post('/v1/logs', tenant.key, '{"message":"ok"}\n{broken\n', {
      'content-type': 'application/x-ndjson',
    });
    t.same(
      nd.json().rejected.map((r: { index: number }) => r.index),
      [1],
    );
    t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2);
  });

  t.test('whole-request refusals store nothing', async (t) => {
    const tenant = await createTenant(db);
    const cases: [string, number, string, Record<string, string>, string | Buffer][] = [
      [
        'malformed JSON',
        400,
        'invalid_json',
        { 'content-type': 'application/json' },
        '[{"message": ',
      ],
      [
        'invalid UTF-8',
        400,
        '',
        { 'content-type': 'application/json' },
        Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]),
      ],
      [
        'unknown content type',
        415,
        'unsupported_media_type',
        { 'content-type': 'text/csv' },
        'a,b',
      ],
      [
        'gzip bomb',
        413,
        '',
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        zlib.gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20)),
      ],
    ];
    for (const [name, status, code, headers, payload] of cases) {
      const res = await post('/v1/logs', tenant.key, payload, headers);
      t.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 200)}`);
      if (code) t.equal(res.json().error.code, code, name);
    }
    const other = await createTenant(db);
    const wrong = await post('/v1/logs', 'mlk_wrong', '{"message":"x"}', {
      'content-type': 'application/json',
    });
    t.equal(wrong.statusCode, 401);
    const none = await app.inject({ method: 'POST', url: '/v1/logs', payload: '{"message":"x"}' });
    t.equal(none.statusCode, 401);
    await db
      .updateTable('ingest_keys')
      .set({ revoked_at: new Date(Date.now() - 1000) })
      .where('id', '=', other.keyId)
      .execute();
    app.ingest?.keyCache.clear();
    const revoked = await post('/v1/logs', other.key, '{"message":"x"}', {
      'content-type': 'application/json',
    });
    t.equal(revoked.statusCode, 403);
    const basic = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: {
        authorization: `Basic ${Buffer.from(`user:${tenant.key}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      payload: '{"message":"basic"}',
    });
    t.equal(basic.statusCode, 202, 'Basic with the key as password');
    const apiKey = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'x-api-key': tenant.key },
      payload: '{"message":"x-api-key"}',
    });
    t.equal(apiKey.statusCode, 202, 'X-API-Key');
    t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2);
    await new Promise((r) => setTimeout(r, 300));
    t.equal(await countRows(clickhouse, tenant.appId), 2, 'only the two accepted records');
    t.equal(await countRows(clickhouse, other.appId), 0);
    t.ok(redis.status === 'ready');
  });
});
