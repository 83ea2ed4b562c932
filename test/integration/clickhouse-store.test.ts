// One suite, every ClickHouse implementation: chdb in-process, the HTTP client through the chdb
// bridge (the HTTP code path without a server), and a real server when TEST_CLICKHOUSE_URL is set.
import t, { type Test } from 'tap';
import { startChdbHttpBridge } from '../../src/infra/clickhouse/chdb-http-bridge.ts';
import { createHttpStore, ensureHttpDatabase } from '../../src/infra/clickhouse/http-store.ts';
import { migrateClickHouse } from '../../src/infra/clickhouse/migrations.ts';
import { recentInstant } from '../helpers/recent-time.ts';
import {
  decodeIngestBody,
  DEFAULT_INGEST_LIMITS,
  INSERT_COLUMNS,
  INSERT_TARGET,
  parseSerialisedRow,
  serialiseRows,
} from '../../src/modules/ingest/decode/index.ts';
import { ClickHouseStoreError, type ClickHouseStore } from '../../src/infra/clickhouse/store.ts';
import { createChdbTestStore, createTestClickHouse } from '../helpers/services.ts';

function storeSuite(name: string, makeStore: (t: Test) => Promise<ClickHouseStore>): void {
  t.test(name, async (t) => {
    const store = await makeStore(t);

    t.test('ping', async (t) => {
      t.equal(await store.ping(), true);
    });

    t.test('migrations apply once', async (t) => {
      const first = await migrateClickHouse(store);
      t.ok(first.applied.includes('0001_logs'));
      const second = await migrateClickHouse(store);
      t.same(second.applied, []);
      t.ok(second.alreadyApplied.includes('0001_logs'));
    });

    t.test('typed parameters round-trip exactly', async (t) => {
      const tricky = 'quote \' double " backslash \\ tab \t newline \n unicode é 日本 🚀';
      const rows = await store.query<{ s: string; n: string; f: number; a: string[]; d: string }>(
        'SELECT {s:String} AS s, {n:UInt64} AS n, {f:Float64} AS f, {a:Array(String)} AS a, {d:DateTime64(9)} AS d',
        {
          s: tricky,
          n: '18446744073709551615',
          f: 1.5,
          a: ["x'y", 'z\\w'],
          d: '2026-11-22 01:02:03.123456789',
        },
      );
      t.equal(rows.length, 1);
      t.equal(rows[0]?.s, tricky);
      t.equal(String(rows[0]?.n), '18446744073709551615');
      t.equal(rows[0]?.f, 1.5);
      t.same(rows[0]?.a, ["x'y", 'z\\w']);
      t.equal(rows[0]?.d, '2026-11-22 01:02:03.123456789');
    });

    t.test('insertRaw stores JSONEachRow bytes, and a repeated token is a no-op', async (t) => {
      await store.command(
        'CREATE TABLE IF NOT EXISTS dedup_probe (k String, v UInt32) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100',
      );
      const bytes = Buffer.from('{"k":"a","v":1}\n{"k":"b","v":2}\n');
      await store.insertRaw('dedup_probe', bytes, { insert_deduplication_token: 'job-1' });
      await store.insertRaw('dedup_probe', bytes, { insert_deduplication_token: 'job-1' });
      await store.insertRaw('dedup_probe', bytes, { insert_deduplication_token: 'job-2' });
      const [count] = await store.query<{ c: string }>('SELECT count() AS c FROM dedup_probe');
      t.equal(Number(count?.c), 4, 'job-1 stored once, job-2 once');
    });

    t.test('the logs table takes a canonical row', async (t) => {
      const row = {
        org_id: '0190a0b0-0000-7000-8000-000000000001',
        app_id: '0190a0b0-0000-7000-8000-000000000002',
        ts: recentInstant(60 * 60 * 1000, 123_456_789).clickhouse,
        observed_ts: recentInstant(60 * 60 * 1000, 200_000_000).clickhouse,
        id: '0190a0b0-0000-7000-8000-000000000003',
        level: 'error',
        severity_number: 17,
        service: 'checkout',
        host: 'web-1',
        message: 'payment declined <script>',
        attributes: { status: '502', 'http.method': 'POST' },
        resource: { region: 'eu' },
        trace_id: 'abc',
        span_id: 'def',
        user_id: 'u42',
        retention_days: 30,
      };
      await store.insertRaw('logs', Buffer.from(`${JSON.stringify(row)}\n`), {
        insert_deduplication_token: 'logs-1',
      });
      const rows = await store.query<typeof row>(
        'SELECT * FROM logs WHERE app_id = {app:UUID} AND hasTokenCaseInsensitive(message, {token:String})',
        { app: row.app_id, token: 'PAYMENT' },
      );
      t.same(rows, [row]);
    });

    t.test('insertRaw takes the ingest payload format, positional with its columns', async (t) => {
      const appId = '0190a0b0-0000-7000-8000-0000000000c2';
      const { rows } = await decodeIngestBody({
        kind: 'logs',
        contentType: 'application/x-ndjson',
        contentEncoding: undefined,
        body: Buffer.from(
          '{"message":"compact one","level":"warn","status":404,"nested":{"k":"v"}}\n{"msg":"compact two"}\n',
        ),
        limits: DEFAULT_INGEST_LIMITS,
        now: Date.now(),
      });
      const tenant = { org_id: appId, app_id: appId, retention_days: 7 };
      const bytes = serialiseRows(rows, tenant);
      await store.insertRaw(
        'logs',
        bytes,
        { insert_deduplication_token: 'compact-1' },
        INSERT_TARGET,
      );
      await store.insertRaw(
        'logs',
        bytes,
        { insert_deduplication_token: 'compact-1' },
        INSERT_TARGET,
      );
      const stored = await store.query<Record<string, unknown>>(
        `SELECT ${INSERT_COLUMNS.join(', ')}, attr_kv FROM logs WHERE app_id = {app:UUID} ORDER BY message`,
        { app: appId },
      );
      t.equal(stored.length, 2, 'stored once');
      const expected = bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => parseSerialisedRow(line));
      t.same(
        stored.map(({ attr_kv: _kv, ...row }) => row),
        expected,
        'every column lands in its place',
      );
      t.same(
        [...((stored[0]?.['attr_kv'] as string[] | undefined) ?? [])].sort(),
        ['nested.k=v', 'status=404'],
        'materialized columns still computed',
      );
    });

    t.test('errors carry the ClickHouse code', async (t) => {
      const error = await store.query('SELECT * FROM no_such_table').then(
        () => undefined,
        (e: unknown) => e,
      );
      t.type(error, ClickHouseStoreError);
      t.equal((error as ClickHouseStoreError).code, 60, 'UNKNOWN_TABLE');
      const syntax = await store.command('SELEC 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      t.equal((syntax as ClickHouseStoreError).code, 62, 'SYNTAX_ERROR');
    });

    t.test(
      'queryStream yields every row, in the asked format, with typed parameters',
      async (t) => {
        let text = '';
        const decoder = new TextDecoder();
        for await (const chunk of store.queryStream(
          'SELECT number AS n, {s:String} AS s FROM numbers({count:UInt64})',
          { s: "it's", count: 200_000 },
        )) {
          text += decoder.decode(chunk, { stream: true });
        }
        const lines = text.split('\n').filter((l) => l.length > 0);
        t.equal(lines.length, 200_000);
        t.same(
          JSON.parse(lines[0] ?? 'null'),
          { n: '0', s: "it's" },
          '64-bit integers quoted as in query()',
        );
        t.same(JSON.parse(lines.at(-1) ?? 'null'), { n: '199999', s: "it's" });
        let csv = '';
        for await (const chunk of store.queryStream(
          "SELECT 'a,b' AS x, 1 AS y",
          {},
          { format: 'CSVWithNames' },
        )) {
          csv += decoder.decode(chunk);
        }
        t.equal(csv, '"x","y"\n"a,b",1\n');
      },
    );

    t.test('queryStream stops the query when the signal aborts', async (t) => {
      const controller = new AbortController();
      const started = Date.now();
      let chunks = 0;
      const error = await (async () => {
        for await (const _ of store.queryStream(
          'SELECT number, sipHash64(number) FROM numbers(1000000000)',
          {},
          { signal: controller.signal },
        )) {
          chunks += 1;
          if (chunks === 2) controller.abort();
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      t.type(error, ClickHouseStoreError);
      t.ok(Date.now() - started < 10_000, 'did not run the billion-row query to the end');
      t.equal(await store.ping(), true, 'the store still answers after an aborted stream');
    });

    t.test('queryStream reports engine errors with their code', async (t) => {
      const error = await (async () => {
        for await (const _ of store.queryStream('SELECT * FROM no_such_table')) void _;
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      t.type(error, ClickHouseStoreError);
      t.equal((error as ClickHouseStoreError).code, 60, 'UNKNOWN_TABLE');
    });

    // A tail resume sends ~39 KB of ids: more than a proxy or Node server takes in a URL.
    t.test('a parameter too long for a URL arrives whole, settings still apply', async (t) => {
      const ids = Array.from({ length: 2_000 }, (_, i) => `id-${i}-${'x'.repeat(30)}`);
      const [row] = await store.query<{ n: string | number; last: string }>(
        'SELECT length({ids:Array(String)}) AS n, {ids:Array(String)}[-1] AS last',
        { ids },
      );
      t.equal(Number(row?.n), ids.length);
      t.equal(row?.last, ids.at(-1));
      const error = await store
        .query(
          'SELECT count() FROM numbers(100000000) WHERE NOT has({ids:Array(String)}, toString(number))',
          { ids },
          { settings: { max_rows_to_read: 1000 } },
        )
        .catch((e: unknown) => e);
      t.equal((error as ClickHouseStoreError).code, 158, 'TOO_MANY_ROWS: the setting held');
    });

    t.test('settings apply per query', async (t) => {
      const error = await store
        .query(
          'SELECT count() FROM numbers(100000000)',
          {},
          { settings: { max_rows_to_read: 1000 } },
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      t.type(error, ClickHouseStoreError);
      t.equal((error as ClickHouseStoreError).code, 158, 'TOO_MANY_ROWS');
    });
  });
}

storeSuite('chdb store', async (t) => createChdbTestStore(t));

storeSuite('HTTP store through the chdb bridge', async (t) => {
  const backing = createChdbTestStore(t);
  const bridge = await startChdbHttpBridge({ session: backing.bridgeSession() });
  t.teardown(() => bridge.close());
  const database = `${backing.database}_http`;
  await ensureHttpDatabase(bridge.url, database);
  const store = createHttpStore({ url: bridge.url, database });
  t.teardown(() => store.close());
  return store;
});

if (process.env.TEST_CLICKHOUSE_URL) {
  storeSuite('HTTP store against a ClickHouse server', async (t) =>
    createTestClickHouse(t, { engine: 'server' }),
  );
}
