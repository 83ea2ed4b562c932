// Vector and Fluent Bit with their sinks' defaults. Neither is packaged in Debian (bookworm), so
// these are the requests they send, byte for byte as their documentation and source define them
// (Vector 0.4x `elasticsearch` and `http` sinks, Fluent Bit 3.x `es` and `http` outputs), sent over
// HTTP to a real MyLog on loopback.
import t from 'tap';
import { recentInstant } from '../../helpers/recent-time.ts';
import { byMessage, startShipperServer, WRONG_KEY } from './shipper-server.ts';

const basic = (user: string, key: string) =>
  `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

t.test('Vector and Fluent Bit sinks with their defaults', async (t) => {
  const server = await startShipperServer(t);
  const sent = recentInstant(2 * 60 * 1000, 123_456_789);
  const post = (path: string, headers: Record<string, string>, body: string) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers, body });

  t.test('Vector elasticsearch sink: version probe, healthcheck, bulk', async (t) => {
    const tenant = await server.newTenant();
    const auth = { authorization: basic('vector', tenant.key), 'user-agent': 'Vector/0.44.0' };
    // api_version = "auto" reads the version from GET /; the healthcheck is GET /_cluster/health.
    const info = await fetch(`${server.url}/`, { headers: auth });
    t.match(await info.json(), { version: { number: /^8\./ } });
    t.equal((await fetch(`${server.url}/_cluster/health`, { headers: auth })).status, 200);
    // mode = "bulk", bulk.action = "index", bulk.index = "vector-%Y.%m.%d", no _type on ES 8.
    const event = (message: string) =>
      JSON.stringify({
        host: 'vec-1',
        message,
        source_type: 'file',
        file: '/var/log/app.log',
        timestamp: sent.rfc3339,
      });
    const day = sent.rfc3339.slice(0, 10).replaceAll('-', '.');
    const body = ['vector es 1', 'vector es 2']
      .map((m) => `{"index":{"_index":"vector-${day}"}}\n${event(m)}\n`)
      .join('');
    const res = await post(
      '/_bulk?timeout=60s',
      { ...auth, 'content-type': 'application/x-ndjson' },
      body,
    );
    t.equal(res.status, 200);
    t.match(await res.json(), { errors: false });
    const rows = byMessage(await server.rowsOf(tenant, 2));
    t.equal(rows.size, 2);
    t.match(rows.get('vector es 1'), {
      ts: sent.clickhouse,
      host: 'vec-1',
      attributes: { source_type: 'file', file: '/var/log/app.log' },
    });
  });

  t.test('Vector http sink: codec json (an array) and newline-delimited framing', async (t) => {
    const tenant = await server.newTenant();
    const headers = { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' };
    const event = (message: string) => ({
      host: 'vec-2',
      message,
      service: 'api',
      timestamp: sent.rfc3339,
    });
    const array = await post('/v1/logs', headers, JSON.stringify([event('vector http 1')]));
    t.equal(array.status, 202);
    const ndjson = await post(
      '/v1/logs',
      headers,
      `${JSON.stringify(event('vector http 2'))}\n${JSON.stringify(event('vector http 3'))}\n`,
    );
    t.equal(ndjson.status, 202);
    const rows = byMessage(await server.rowsOf(tenant, 3));
    t.equal(rows.size, 3);
    t.match(rows.get('vector http 3'), { ts: sent.clickhouse, host: 'vec-2', service: 'api' });
  });

  t.test('Fluent Bit es output: create actions, with and without _type', async (t) => {
    const tenant = await server.newTenant();
    const headers = {
      authorization: basic('fluentbit', tenant.key),
      'content-type': 'application/x-ndjson',
      'user-agent': 'Fluent-Bit',
    };
    // Time_Key @timestamp with milliseconds; the tail input's `log`, and Kubernetes' `stream`.
    const ms = sent.rfc3339.replace(/\d{6}Z$/, 'Z');
    const record = (log: string) => JSON.stringify({ '@timestamp': ms, log, stream: 'stdout' });
    const body =
      `{"create":{"_index":"fluent-bit","_type":"_doc"}}\n${record('fluent es 1')}\n` +
      `{"create":{"_index":"fluent-bit"}}\n${record('fluent es 2')}\n`;
    const res = await post('/_bulk', headers, body);
    t.equal(res.status, 200);
    t.match(await res.json(), { errors: false });
    const rows = byMessage(await server.rowsOf(tenant, 2));
    t.equal(rows.size, 2);
    t.match(rows.get('fluent es 2'), {
      ts: sent.clickhouse.replace(/\d{6}$/, '000000'),
      attributes: { stream: 'stdout' },
    });
  });

  t.test('Fluent Bit http output: json, json_lines, json_stream with a float date', async (t) => {
    const tenant = await server.newTenant();
    const auth = { authorization: basic('fluentbit', tenant.key) };
    // json_date_key "date", json_date_format "double": epoch seconds with microseconds.
    const date = `${Math.floor(sent.epochMs / 1000)}.123456`;
    const record = (log: string) => `{"date":${date},"log":"${log}","level":"warning"}`;
    const formats = [
      ['json', 'application/json', `[${record('fb json 1')},${record('fb json 2')}]`],
      ['json_lines', 'application/x-ndjson', `${record('fb lines 1')}\n${record('fb lines 2')}\n`],
      ['json_stream', 'application/json', `${record('fb stream 1')}${record('fb stream 2')}`],
    ];
    for (const [format, type, body] of formats) {
      const res = await post(
        '/v1/logs',
        { ...auth, 'content-type': type as string },
        body as string,
      );
      t.equal(res.status, 202, `${format}: ${await res.text()}`);
    }
    const rows = byMessage(await server.rowsOf(tenant, 6));
    t.equal(rows.size, 6, 'every record once');
    for (const message of ['fb json 1', 'fb lines 2', 'fb stream 2']) {
      t.match(
        rows.get(message),
        { ts: sent.clickhouse.replace(/\.\d{9}$/, '.123456000'), level: 'warn' },
        message,
      );
    }
  });

  t.test('a wrong key: what each sees', async (t) => {
    const bulk = await post(
      '/_bulk',
      { authorization: basic('fluentbit', WRONG_KEY), 'content-type': 'application/x-ndjson' },
      '{"create":{}}\n{"log":"x"}\n',
    );
    t.equal(bulk.status, 401);
    t.match(await bulk.json(), { error: { code: 'unauthorized_ingest_key' } });
    const health = await fetch(`${server.url}/_cluster/health`, {
      headers: { authorization: basic('vector', WRONG_KEY) },
    });
    t.equal(health.status, 401, 'Vector’s healthcheck fails at startup');
  });
});
