import t from 'tap';
import type { Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ClickHouseError, createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { Session } from 'chdb';
import { startChdbHttpBridge } from '../../src/infra/clickhouse/chdb-http-bridge.ts';

// chdb binds one data directory per process: one Session for the whole file.
const dir = mkdtempSync(join(tmpdir(), 'mylog-chdb-bridge-'));
const session = new Session(dir);
const bridge = await startChdbHttpBridge({ session });
const clients: ClickHouseClient[] = [];
function client(extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient {
  const c = createClient({ url: bridge.url, username: 'default', password: 'ignored', ...extra });
  clients.push(c);
  return c;
}
const ch = client();

t.teardown(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await bridge.close();
  session.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejectsWithCode(
  tt: Test,
  promise: Promise<unknown>,
  code: string,
  type: string,
): Promise<void> {
  try {
    await promise;
    tt.fail(`expected ClickHouseError ${code}`);
  } catch (err) {
    tt.ok(err instanceof ClickHouseError, `a ClickHouseError (${String(err)})`);
    tt.equal((err as ClickHouseError).code, code);
    tt.equal((err as ClickHouseError).type, type);
  }
}

t.test('ping', async (tt) => {
  tt.same(await ch.ping(), { success: true });
  const res = await fetch(`${bridge.url}/ping`);
  tt.equal(res.status, 200);
  tt.equal(await res.text(), 'Ok.\n');
});

t.test('command, then deduplicated inserts', async (tt) => {
  await ch.command({
    query: `CREATE TABLE logs (id UInt64, message String, attrs Map(String, String))
            ENGINE = MergeTree ORDER BY id
            SETTINGS non_replicated_deduplication_window = 100`,
  });
  const rows = [
    { id: 1, message: 'a', attrs: { k: 'v' } },
    { id: 2, message: 'b', attrs: {} },
  ];
  const first = await ch.insert({
    table: 'logs',
    values: rows,
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplication_token: 'job-1' },
  });
  tt.equal(first.summary?.written_rows, '2', 'summary reports written rows');
  tt.equal(first.executed, true);
  await ch.insert({
    table: 'logs',
    values: rows,
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplication_token: 'job-1' },
  });
  const count = await ch.query({ query: 'SELECT count() AS n FROM logs', format: 'JSONEachRow' });
  tt.same(await count.json(), [{ n: 2 }], 'the retried insert was deduplicated');

  await ch.insert({
    table: 'logs',
    values: rows.map((r) => ({ ...r, id: r.id + 10 })),
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplication_token: 'job-2' },
  });
  const after = await ch.query({ query: 'SELECT count() AS n FROM logs', format: 'JSONEachRow' });
  tt.same(await after.json(), [{ n: 4 }], 'a different token inserts');
});

t.test('raw inserts: stream, string, exec, column list', async (tt) => {
  await ch.command({
    query: 'CREATE TABLE raw (id UInt32, s String) ENGINE = MergeTree ORDER BY id',
  });
  await ch.insert({
    table: 'raw',
    values: Readable.from(['1,"one"\n2,', '"two"\n'], { objectMode: false }),
    format: 'CSV',
  });
  await ch.insert({
    table: 'raw',
    values: Readable.from([{ id: 3, s: 'three' }]),
    format: 'JSONEachRow',
  });
  await ch.insert({
    table: 'raw',
    columns: ['s', 'id'],
    values: [['four', 4]],
    format: 'JSONCompactEachRow',
  });
  const exec = await ch.exec({
    query: 'INSERT INTO raw FORMAT JSONEachRow',
    values: Readable.from([Buffer.from('{"id":5,"s":"five"}\n{"id":6,"s":"six"}\n')]),
  });
  exec.stream.resume();
  const viaSql = await ch.exec({ query: "INSERT INTO raw VALUES (7, 'seven')" });
  viaSql.stream.resume();
  const rs = await ch.query({
    query: 'SELECT id, s FROM raw ORDER BY id',
    format: 'JSONCompactEachRow',
  });
  tt.same(await rs.json(), [
    [1, 'one'],
    [2, 'two'],
    [3, 'three'],
    [4, 'four'],
    [5, 'five'],
    [6, 'six'],
    [7, 'seven'],
  ]);
});

const nasty = `it's "quoted" back\\slash\\n(not a newline) tab\there\nnew line\r\nCRLF ü 日本語 🎉 \\N {x:String}`;

t.test('query parameters round-trip exactly', async (tt) => {
  const rs = await ch.query({
    query: `SELECT {s:String} AS s, toString({u:UInt64}) AS u, {f:Float64} AS f,
                   {a:Array(String)} AS a, toString({d:DateTime64(9)}) AS d,
                   {m:Map(String, String)} AS m, {n:Nullable(String)} AS n,
                   {e:String} AS e, {i:Array(UInt64)} AS i`,
    format: 'JSONEachRow',
    query_params: {
      s: nasty,
      u: 18446744073709551615n,
      f: 0.1 + 0.2,
      a: [nasty, "'", '\\', '', "a'b\\'c"],
      d: '2024-05-06 07:08:09.123456789',
      m: { [nasty]: nasty, "k'": "v\\'" },
      n: null,
      e: '',
      i: [1, 2, 3],
    },
  });
  const [row] = await rs.json<Record<string, unknown>>();
  tt.same(row, {
    s: nasty,
    u: '18446744073709551615',
    f: 0.1 + 0.2,
    a: [nasty, "'", '\\', '', "a'b\\'c"],
    d: '2024-05-06 07:08:09.123456789',
    m: { [nasty]: nasty, "k'": "v\\'" },
    n: null,
    e: '',
    i: [1, 2, 3],
  });
});

t.test('parameters filter stored rows', async (tt) => {
  await ch.insert({
    table: 'logs',
    values: [{ id: 100, message: nasty, attrs: { [nasty]: 'x' } }],
    format: 'JSONEachRow',
  });
  const rs = await ch.query({
    query: 'SELECT id FROM logs WHERE message = {m:String} AND has(mapKeys(attrs), {k:String})',
    format: 'JSONEachRow',
    query_params: { m: nasty, k: nasty },
  });
  tt.same(await rs.json(), [{ id: 100 }]);
});

t.test('multipart parameters (long values)', async (tt) => {
  const mp = client({ use_multipart_params: true });
  const long = nasty.repeat(500);
  const rs = await mp.query({
    query: 'SELECT {s:String} AS s, {a:Array(String)} AS a',
    format: 'JSONEachRow',
    query_params: { s: long, a: [nasty] },
  });
  tt.same(await rs.json(), [{ s: long, a: [nasty] }]);
});

t.test('result shapes: json, text, stream', async (tt) => {
  const json = await ch.query({ query: 'SELECT number AS n FROM numbers(3)', format: 'JSON' });
  const doc = await json.json<{ n: string }>();
  tt.same(doc.data, [{ n: 0 }, { n: 1 }, { n: 2 }]);
  tt.same(doc.meta, [{ name: 'n', type: 'UInt64' }]);

  const tsv = await ch.query({
    query: "SELECT number, 'x\ty' FROM numbers(2)",
    format: 'TabSeparated',
  });
  tt.equal(await tsv.text(), '0\tx\\ty\n1\tx\\ty\n');
  const csv = await ch.query({ query: "SELECT 1, 'a,b'", format: 'CSV' });
  tt.equal(await csv.text(), '1,"a,b"\n');

  const total = 300_000;
  const stream = await ch.query({
    query: 'SELECT number AS n, toString(number) AS s FROM numbers({total:UInt32})',
    format: 'JSONEachRow',
    query_params: { total },
  });
  let seen = 0;
  let sum = 0;
  // UInt64 arrives quoted, as a ClickHouse server sends it by default.
  for await (const batch of stream.stream<{ n: string; s: string }>()) {
    for (const row of batch) {
      const value = row.json();
      sum += Number(value.n);
      seen++;
    }
  }
  tt.equal(seen, total, 'every row arrives across many chunks');
  tt.equal(sum, (total * (total - 1)) / 2);

  const big = await ch.query({ query: 'SELECT number AS n FROM numbers(200000)', format: 'JSON' });
  tt.equal(
    (await big.json<{ n: number }>()).rows,
    200_000,
    'a multi-chunk JSON document stays one document',
  );
});

t.test('query_id and headers', async (tt) => {
  const rs = await ch.query({
    query: 'SELECT 1 AS one',
    format: 'JSONEachRow',
    query_id: 'my-query-id',
  });
  tt.equal(rs.query_id, 'my-query-id');
  tt.equal(rs.response_headers['x-clickhouse-query-id'], 'my-query-id');
  tt.equal(rs.response_headers['x-clickhouse-format'], 'JSONEachRow');
  tt.type(rs.response_headers['x-clickhouse-timezone'], 'string');
  const summary = JSON.parse(String(rs.response_headers['x-clickhouse-summary'])) as Record<
    string,
    string
  >;
  tt.equal(summary.result_rows, '1');
  await rs.json();
});

t.test('settings apply to their request only', async (tt) => {
  const read = async (settings?: Record<string, number>): Promise<unknown> => {
    const rs = await ch.query({
      query: "SELECT getSetting('max_block_size') AS v",
      format: 'JSONEachRow',
      ...(settings ? { clickhouse_settings: settings } : {}),
    });
    return ((await rs.json<{ v: unknown }>())[0] ?? { v: undefined }).v;
  };
  const initial = await read();
  tt.equal(await read({ max_block_size: 1234 }), 1234);
  tt.equal(await read(), initial, 'URL settings do not stick');
  await ch.command({ query: 'SET max_block_size = 77' });
  tt.equal(
    await read(),
    initial,
    'a SET does not outlive its request, as over HTTP without a session',
  );

  await rejectsWithCode(
    tt,
    ch.query({ query: 'SELECT 1', clickhouse_settings: { no_such_setting_x: 1 } as never }),
    '115',
    'UNKNOWN_SETTING',
  );
  await rejectsWithCode(
    tt,
    ch.query({
      query: 'SELECT sleepEachRow(0.5) FROM numbers(6) SETTINGS max_block_size = 1',
      format: 'JSONEachRow',
      clickhouse_settings: { max_execution_time: 1 },
    }),
    '159',
    'TIMEOUT_EXCEEDED',
  );
});

t.test('database parameter', async (tt) => {
  await ch.command({ query: 'CREATE DATABASE IF NOT EXISTS other' });
  await ch.command({ query: 'CREATE TABLE other.t (x UInt8) ENGINE = Memory' });
  const other = client({ database: 'other' });
  await other.insert({ table: 't', values: [{ x: 7 }], format: 'JSONEachRow' });
  const rs = await other.query({
    query: 'SELECT currentDatabase() AS db, x FROM t',
    format: 'JSONEachRow',
  });
  tt.same(await rs.json(), [{ db: 'other', x: 7 }]);
});

t.test('errors carry the ClickHouse code', async (tt) => {
  await rejectsWithCode(tt, ch.query({ query: 'SELEC 1' }), '62', 'SYNTAX_ERROR');
  await rejectsWithCode(
    tt,
    ch.query({ query: 'SELECT * FROM no_such_table' }),
    '60',
    'UNKNOWN_TABLE',
  );
  await rejectsWithCode(
    tt,
    ch.command({ query: 'DROP TABLE no_such_table' }),
    '60',
    'UNKNOWN_TABLE',
  );
  await rejectsWithCode(
    tt,
    ch.insert({ table: 'no_such_table', values: [{ a: 1 }], format: 'JSONEachRow' }),
    '60',
    'UNKNOWN_TABLE',
  );
  await rejectsWithCode(
    tt,
    ch.insert({ table: 'raw', values: [{ id: 'not a number', s: 'x' }], format: 'JSONEachRow' }),
    '27',
    'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  );
  await rejectsWithCode(
    tt,
    ch.query({ query: 'SELECT {u:UInt8} AS u', query_params: { u: 'abc' } }),
    '457',
    'BAD_QUERY_PARAMETER',
  );

  const res = await fetch(`${bridge.url}/?query=${encodeURIComponent('SELEC 1')}`);
  tt.equal(res.status, 400, 'syntax errors are 400, as in ClickHouse');
  tt.equal(res.headers.get('x-clickhouse-exception-code'), '62');
  tt.match(await res.text(), /^Code: 62\. DB::Exception: .*\(SYNTAX_ERROR\)/);
  const missing = await fetch(`${bridge.url}/?query=${encodeURIComponent('SELECT * FROM nope')}`);
  tt.equal(missing.status, 404, 'unknown tables are 404, as in ClickHouse');
  await missing.text();
});

t.test('an error after the first rows reaches the stream consumer', async (tt) => {
  const rs = await ch.query({
    query:
      "SELECT throwIf(number = 250000, 'boom') AS x FROM numbers(300000) SETTINGS max_block_size = 1000",
    format: 'JSONEachRow',
  });
  try {
    for await (const rows of rs.stream()) void rows;
    tt.fail('stream should fail');
  } catch (err) {
    tt.ok(err instanceof ClickHouseError, String(err));
    tt.equal((err as ClickHouseError).code, '395');
  }
});

t.test('GET is read-only, POST is not', async (tt) => {
  const get = await fetch(
    `${bridge.url}/?query=${encodeURIComponent('CREATE TABLE ro (x UInt8) ENGINE = Memory')}`,
  );
  tt.equal(get.headers.get('x-clickhouse-exception-code'), '164', 'READONLY');
  await get.text();
  const ok = await fetch(`${bridge.url}/?query=${encodeURIComponent('SELECT 40 + 2')}`);
  tt.equal(await ok.text(), '42\n', 'default format is TabSeparated');
  const post = await fetch(
    `${bridge.url}/?query=${encodeURIComponent('INSERT INTO raw FORMAT TabSeparated')}`,
    {
      method: 'POST',
      body: '8\teight\n',
    },
  );
  tt.equal(post.status, 200);
  tt.equal(JSON.parse(post.headers.get('x-clickhouse-summary') ?? '{}').written_rows, '1');
  await post.text();
});

t.test('compression: gzip requests and responses', async (tt) => {
  const gz = client({ compression: { request: true, response: true } });
  await gz.command({
    query: 'CREATE TABLE gz (id UInt32, s String) ENGINE = MergeTree ORDER BY id',
  });
  await gz.insert({
    table: 'gz',
    values: Array.from({ length: 1000 }, (_, id) => ({ id, s: nasty })),
    format: 'JSONEachRow',
  });
  const rs = await gz.query({
    query: 'SELECT count() AS n, any(s) AS sample FROM gz WHERE s = {s:String}',
    format: 'JSONEachRow',
    query_params: { s: nasty },
  });
  tt.equal(rs.response_headers['content-encoding'], 'gzip');
  tt.same(await rs.json(), [{ n: 1000, sample: nasty }]);

  const res = await fetch(
    `${bridge.url}/?query=${encodeURIComponent('INSERT INTO gz FORMAT CSV')}`,
    {
      method: 'POST',
      headers: { 'Content-Encoding': 'gzip' },
      body: gzipSync('5000,"plain"\n'),
    },
  );
  tt.equal(res.status, 200);
  await res.text();
  const bad = await fetch(
    `${bridge.url}/?query=${encodeURIComponent('INSERT INTO gz FORMAT CSV')}`,
    {
      method: 'POST',
      headers: { 'Content-Encoding': 'gzip' },
      body: 'not gzip',
    },
  );
  tt.equal(bad.status, 400, 'a corrupt body is a client error');
  await bad.text();
});

t.test('body size limit', async (tt) => {
  const small = await startChdbHttpBridge({ session, maxBodyBytes: 1024 });
  t.teardown(() => small.close());
  const res = await fetch(
    `${small.url}/?query=${encodeURIComponent('INSERT INTO raw FORMAT CSV')}`,
    {
      method: 'POST',
      headers: { 'Content-Encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(1_000_000, '9,"nine"\n')),
    },
  );
  tt.equal(res.status, 413, 'limit applies to the decoded body');
  await res.text();
});

t.test('concurrent requests', async (tt) => {
  const results = await Promise.all(
    Array.from({ length: 24 }, async (_, i) => {
      const rs = await ch.query({
        query: 'SELECT {i:UInt32} AS i, count() AS c FROM numbers(100000)',
        format: 'JSONEachRow',
        query_params: { i },
      });
      return rs.json<{ i: number; c: number }>();
    }),
  );
  tt.same(
    results.map((r) => r[0]?.i),
    Array.from({ length: 24 }, (_, i) => i),
  );
});

t.test('refuses a non-loopback host', async (tt) => {
  await tt.rejects(startChdbHttpBridge({ session, host: '0.0.0.0' }), /refusing/);
});
