// GET /v1/logs and friends on real Postgres/Redis/chdb: row shape, query language, cursor paging
// while rows keep arriving, histogram rollup vs raw, fields, values, context, export, errors.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { get, insertRows, makeRow, nowNs, NS_PER_MS, qs, rfc3339 } from './search-fixtures.ts';

const MINUTE_NS = 60_000n * NS_PER_MS;

t.test('search API', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'org-a');
  const token = a.tokens.viewer;
  const tenant = { orgId: a.org.id, appId: a.app.id };
  // Whole minutes in the past so histograms see stable buckets.
  const base = (nowNs() / MINUTE_NS) * MINUTE_NS - 30n * MINUTE_NS;
  const rows = [
    makeRow(tenant, {
      tsNs: base + 1n,
      level: 'error',
      service: 'checkout',
      message: 'Payment declined for order 42',
      attributes: { status: '502', 'http.method': 'POST' },
      user_id: 'u42',
    }),
    makeRow(tenant, {
      tsNs: base + 2n * MINUTE_NS + 123_456_789n,
      level: 'warn',
      service: 'checkout',
      host: 'web-3',
      message: 'slow payment provider',
      attributes: { status: '200' },
    }),
    makeRow(tenant, {
      tsNs: base + 5n * MINUTE_NS,
      level: 'info',
      service: 'auth',
      message: 'user logged in',
      attributes: { status: '200', region: 'eu' },
    }),
  ];
  await insertRows(clickhouse, rows);
  const range = { from: rfc3339(base - MINUTE_NS), to: rfc3339(base + 10n * MINUTE_NS) };

  await t.test('rows come newest first in the documented shape', async (t) => {
    const res = await get(app, token, `/v1/logs?${qs(range)}`);
    t.equal(res.statusCode, 200, res.body);
    const body = res.json();
    t.equal(body.rows.length, 3);
    t.equal(body.next_cursor, null);
    t.same(
      body.rows.map((r: { message: string }) => r.message),
      ['user logged in', 'slow payment provider', 'Payment declined for order 42'],
    );
    const second = body.rows[1];
    t.same(Object.keys(second), [
      'id',
      'ts',
      'app_id',
      'level',
      'service',
      'host',
      'message',
      'attributes',
      'resource',
      'trace_id',
      'span_id',
      'user_id',
    ]);
    t.equal(second.ts, rfc3339(base + 2n * MINUTE_NS + 123_456_789n), 'nanoseconds kept');
    t.match(second.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    t.equal(second.app_id, a.app.id);
    t.same(second.attributes, { status: '200' });
  });

  await t.test('the query language filters', async (t) => {
    const cases: [string, string[]][] = [
      ['level:error', ['Payment declined for order 42']],
      ['payment', ['slow payment provider', 'Payment declined for order 42']],
      ['"payment declined"', ['Payment declined for order 42']],
      ['status:200 -service:auth', ['slow payment provider']],
      ['status>=500', ['Payment declined for order 42']],
      ['host:/web-[0-9]/ NOT host:web-1', ['slow payment provider']],
      ['region:*', ['user logged in']],
      ['service:(auth OR checkout) level:warn', ['slow payment provider']],
      ['user_id:u42', ['Payment declined for order 42']],
    ];
    for (const [q, expected] of cases) {
      const res = await get(app, token, `/v1/logs?${qs({ ...range, q })}`);
      t.equal(res.statusCode, 200, `${q}: ${res.body}`);
      t.same(
        res.json().rows.map((r: { message: string }) => r.message),
        expected,
        q,
      );
    }
  });

  await t.test('apps by slug or id; an unknown app is a 404', async (t) => {
    const bySlug = await get(app, token, `/v1/logs?${qs({ ...range, apps: 'web' })}`);
    t.equal(bySlug.json().rows.length, 3);
    const byId = await get(app, token, `/v1/logs?${qs({ ...range, apps: a.app.id })}`);
    t.equal(byId.json().rows.length, 3);
    const unknown = await get(app, token, `/v1/logs?${qs({ ...range, apps: 'nope' })}`);
    t.equal(unknown.statusCode, 404);
  });

  await t.test('a bad query is a 400 with the position', async (t) => {
    const res = await get(app, token, `/v1/logs?${qs({ q: 'level:(error OR' })}`);
    t.equal(res.statusCode, 400);
    const { error } = res.json();
    t.equal(error.code, 'invalid_query');
    t.equal(typeof error.details.position, 'number');
    t.ok(Array.isArray(error.details.expected));
    const badTime = await get(app, token, `/v1/logs?${qs({ from: 'yesterday' })}`);
    t.equal(badTime.statusCode, 400);
    t.equal(badTime.json().error.code, 'invalid_time');
    const reversed = await get(app, token, `/v1/logs?${qs({ from: 'now', to: 'now-1h' })}`);
    t.equal(reversed.json().error.code, 'invalid_time');
    const cursor = await get(app, token, `/v1/logs?${qs({ cursor: 'garbage' })}`);
    t.equal(cursor.json().error.code, 'invalid_cursor');
    const limit = await get(app, token, `/v1/logs?${qs({ limit: 100000 })}`);
    t.equal(limit.json().error.code, 'invalid_request');
  });

  await t.test('relative ranges: now-15m is the default', async (t) => {
    const fresh = makeRow(tenant, { tsNs: nowNs() - 60_000n * NS_PER_MS, message: 'fresh line' });
    await insertRows(clickhouse, [fresh]);
    const res = await get(app, token, '/v1/logs');
    t.same(
      res.json().rows.map((r: { message: string }) => r.message),
      ['fresh line'],
    );
    const day = await get(app, token, `/v1/logs?${qs({ from: 'now-1d', to: 'now+1m' })}`);
    t.equal(day.json().rows.length, 4);
  });

  await t.test('histogram: rollup and raw agree; free text goes raw', async (t) => {
    const h = { from: rfc3339(base - 10n * MINUTE_NS), to: rfc3339(base + 50n * MINUTE_NS) };
    const rollup = (
      await get(app, token, `/v1/logs/histogram?${qs({ ...h, interval: '1m' })}`)
    ).json();
    t.equal(rollup.source, 'rollup');
    t.equal(rollup.interval_ms, 60_000);
    t.equal(rollup.buckets.length, 60);
    // Same counts computed from raw rows: a query term the rollup cannot answer, true for every row.
    const raw = (
      await get(app, token, `/v1/logs/histogram?${qs({ ...h, interval: '1m', q: '-nosuchtoken' })}`)
    ).json();
    t.equal(raw.source, 'raw');
    t.same(raw.buckets, rollup.buckets, 'identical buckets');
    const total = rollup.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0);
    t.equal(total, 4);
    const first = rollup.buckets.find((b: { ts: string }) => b.ts === rfc3339(base));
    t.same(first.levels, { trace: 0, debug: 0, info: 0, warn: 0, error: 1, fatal: 0 });
    const levelOnly = (
      await get(
        app,
        token,
        `/v1/logs/histogram?${qs({ ...h, interval: '1m', q: 'level:warn service:checkout' })}`,
      )
    ).json();
    t.equal(levelOnly.source, 'rollup');
    const levelRaw = (
      await get(
        app,
        token,
        `/v1/logs/histogram?${qs({ ...h, interval: '1m', q: 'level:warn service:checkout -nosuchtoken' })}`,
      )
    ).json();
    t.same(levelOnly.buckets, levelRaw.buckets);
    t.equal(
      levelOnly.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0),
      1,
    );
    const auto = (await get(app, token, `/v1/logs/histogram?${qs({ from: 'now-24h' })}`)).json();
    t.ok(auto.buckets.length >= 60 && auto.buckets.length <= 121, `${auto.buckets.length} buckets`);
    const short = (await get(app, token, '/v1/logs/histogram')).json();
    t.equal(short.source, 'raw', 'sub-minute buckets come from raw rows');
    t.ok(short.buckets.length >= 60 && short.buckets.length <= 121);
  });

  await t.test('fields and top values', async (t) => {
    const fields = (await get(app, token, `/v1/logs/fields?${qs(range)}`)).json();
    t.same(fields.fields, [
      { name: 'status', count: 3 },
      { name: 'http.method', count: 1 },
      { name: 'region', count: 1 },
    ]);
    t.equal(fields.sampled, false);
    const values = (await get(app, token, `/v1/logs/fields/status/values?${qs(range)}`)).json();
    t.same(values.values, [
      { value: '200', count: 2 },
      { value: '502', count: 1 },
    ]);
    const services = (
      await get(app, token, `/v1/logs/fields/service/values?${qs({ ...range, q: 'payment' })}`)
    ).json();
    t.same(services.values, [{ value: 'checkout', count: 2 }]);
  });

  await t.test('context: the lines around one line of the same app', async (t) => {
    const ctxBase = base - 20n * MINUTE_NS;
    const lines = Array.from({ length: 9 }, (_, i) =>
      makeRow(tenant, {
        tsNs: ctxBase + BigInt(i) * 1000n,
        message: `ctx line ${i}`,
        service: 'ctx',
      }),
    );
    await insertRows(clickhouse, lines);
    const middle = lines[4] as { id: string };
    const res = await get(app, token, `/v1/logs/${middle.id}/context?before=3&after=2`);
    t.equal(res.statusCode, 200, res.body);
    const body = res.json();
    t.equal(body.row.message, 'ctx line 4');
    t.same(
      body.before.map((r: { message: string }) => r.message),
      ['ctx line 1', 'ctx line 2', 'ctx line 3'],
    );
    t.same(
      body.after.map((r: { message: string }) => r.message),
      ['ctx line 5', 'ctx line 6'],
    );
    const missing = await get(app, token, '/v1/logs/0190a0b0-0000-7000-8000-000000000003/context');
    t.equal(missing.statusCode, 404);
  });

  await t.test('export: NDJSON lines and CSV escaping', async (t) => {
    const tricky = makeRow(tenant, {
      tsNs: base + 7n * MINUTE_NS,
      message: 'quote " comma , newline\nnext line',
      attributes: { k: 'v"1' },
    });
    await insertRows(clickhouse, [tricky]);
    const nd = await get(app, token, `/v1/logs/export?${qs({ ...range, format: 'ndjson' })}`);
    t.equal(nd.statusCode, 200);
    t.match(nd.headers['content-type'], /ndjson/);
    const lines = nd.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    t.equal(lines.length, 4);
    t.equal(lines[0].message, 'quote " comma , newline\nnext line');
    const page = (await get(app, token, `/v1/logs?${qs(range)}`)).json();
    t.same(lines, page.rows, 'export rows equal search rows');

    const csv = await get(app, token, `/v1/logs/export?${qs({ ...range, format: 'csv' })}`);
    t.equal(csv.statusCode, 200);
    t.match(csv.headers['content-type'], /text\/csv/);
    const records = parseCsv(csv.body);
    t.same(records[0], [
      'id',
      'ts',
      'app_id',
      'level',
      'service',
      'host',
      'message',
      'attributes',
      'resource',
      'trace_id',
      'span_id',
      'user_id',
    ]);
    t.equal(records.length, 5, JSON.stringify(records));
    t.equal(records[1]?.[6], 'quote " comma , newline\nnext line');
    t.same(JSON.parse(records[1]?.[7] ?? ''), { k: 'v"1' });
    const badFormat = await get(app, token, `/v1/logs/export?format=xml`);
    t.equal(badFormat.statusCode, 400);
  });

  await t.test('cursor paging never skips or repeats while rows keep arriving', async (t) => {
    const pageBase = base - 25n * MINUTE_NS;
    const initial = Array.from({ length: 300 }, (_, i) =>
      // Groups of 7 rows share one timestamp, so page edges fall inside ties.
      makeRow(tenant, {
        tsNs: pageBase + BigInt(Math.floor(i / 7)) * 1000n,
        message: `page row ${i}`,
        service: 'paging',
      }),
    );
    await insertRows(clickhouse, initial);
    const window = {
      from: rfc3339(pageBase),
      to: rfc3339(pageBase + MINUTE_NS),
      q: 'service:paging',
    };
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let inserted = 0;
    do {
      const res = await get(
        app,
        token,
        `/v1/logs?${qs({ ...window, limit: 23, cursor: cursor ?? undefined })}`,
      );
      t.equal(res.statusCode, 200, res.body);
      const body = res.json();
      seen.push(...body.rows.map((r: { id: string }) => r.id));
      cursor = body.next_cursor;
      pages += 1;
      // Rows land meanwhile: newer than everything, and inside the range at the top and bottom.
      await insertRows(clickhouse, [
        makeRow(tenant, {
          tsNs: pageBase + 59n * 1000n * NS_PER_MS,
          service: 'paging',
          message: `late top ${inserted}`,
        }),
        makeRow(tenant, {
          tsNs: pageBase + 43n * 1000n,
          service: 'paging',
          message: `late tie ${inserted}`,
        }),
      ]);
      inserted += 1;
    } while (cursor !== null && pages < 100);
    t.equal(new Set(seen).size, seen.length, 'no row twice');
    const initialIds = initial.map((r) => r.id as string);
    t.same(
      initialIds.filter((id) => !seen.includes(id)),
      [],
      'every row that existed at the start was served',
    );
    const asc = await get(app, token, `/v1/logs?${qs({ ...window, order: 'asc', limit: 5 })}`);
    t.same(
      asc.json().rows.map((r: { message: string }) => r.message),
      initial.slice(0, 5).map((r) => r.message),
      'ascending order starts at the oldest (ties by id, minted in order)',
    );
  });

  await t.test('rows with one timestamp are ordered by id in mint order', async (t) => {
    // ClickHouse compares UUIDs by their last 8 bytes first: these two ids (minted in
    // consecutive milliseconds, the later one with a smaller random tail) sort the wrong way
    // round by the raw UUID.
    const tieNs = base - 40n * MINUTE_NS;
    const earlier = {
      ...makeRow(tenant, { tsNs: tieNs, service: 'ties', message: 'minted first' }),
      id: '01900000-0000-7000-8000-ffffffffffff',
    };
    const later = {
      ...makeRow(tenant, { tsNs: tieNs, service: 'ties', message: 'minted second' }),
      id: '01900000-0001-7000-8000-000000000000',
    };
    await insertRows(clickhouse, [later, earlier]);
    const window = { from: rfc3339(tieNs), to: rfc3339(tieNs + MINUTE_NS), q: 'service:ties' };
    const asc = await get(app, token, `/v1/logs?${qs({ ...window, order: 'asc' })}`);
    t.same(
      asc.json().rows.map((r: { message: string }) => r.message),
      ['minted first', 'minted second'],
    );
    const desc = await get(app, token, `/v1/logs?${qs({ ...window, order: 'desc', limit: 1 })}`);
    t.same(
      desc.json().rows.map((r: { message: string }) => r.message),
      ['minted second'],
    );
    const next = await get(
      app,
      token,
      `/v1/logs?${qs({ ...window, order: 'desc', limit: 1, cursor: desc.json().next_cursor })}`,
    );
    t.same(
      next.json().rows.map((r: { message: string }) => r.message),
      ['minted first'],
      'the cursor continues in the same order',
    );
  });

  await t.test(
    'long ranges: the newest rows come back first, the cursor reaches old ones',
    async (t) => {
      const old = makeRow(tenant, {
        tsNs: nowNs() - 5n * 24n * 60n * MINUTE_NS,
        message: 'ancient zebra',
      });
      const recent = makeRow(tenant, { tsNs: nowNs() - 2n * MINUTE_NS, message: 'recent zebra' });
      await insertRows(clickhouse, [old, recent]);
      const first = (
        await get(app, token, `/v1/logs?${qs({ from: 'now-7d', q: 'zebra', limit: 1 })}`)
      ).json();
      t.same(
        first.rows.map((r: { message: string }) => r.message),
        ['recent zebra'],
      );
      const second = (
        await get(app, token, `/v1/logs?${qs({ cursor: first.next_cursor, q: 'zebra', limit: 1 })}`)
      ).json();
      t.same(
        second.rows.map((r: { message: string }) => r.message),
        ['ancient zebra'],
      );
      t.equal(second.next_cursor, null);
      const other = await get(
        app,
        token,
        `/v1/logs?${qs({ cursor: first.next_cursor, q: 'other' })}`,
      );
      t.equal(other.json().error.code, 'cursor_mismatch', 'a cursor continues only its own search');
    },
  );
});

t.test(
  'guardrails: a query over the read-bytes limit is a 422 asking to narrow the range',
  async (t) => {
    const { app, db, config, clickhouse } = await buildTestApp(t, {
      env: { SEARCH_MAX_BYTES_TO_READ: '2048' },
    });
    const a = await makeTenant(db, config, 'org-g');
    const tenant = { orgId: a.org.id, appId: a.app.id };
    const start = nowNs() - 10n * MINUTE_NS;
    await insertRows(
      clickhouse,
      Array.from({ length: 5000 }, (_, i) =>
        makeRow(tenant, {
          tsNs: start + BigInt(i) * 1000n,
          message: `line ${i} ${'x'.repeat(50)}`,
        }),
      ),
    );
    for (const url of [
      // Negations read every row: the token index cannot skip anything.
      `/v1/logs?${qs({ q: '-nosuchword' })}`,
      `/v1/logs/histogram?${qs({ q: '-nosuchword' })}`,
      `/v1/logs/fields?${qs({ q: '-nosuchword' })}`,
    ]) {
      const res = await get(app, a.tokens.viewer, url);
      t.equal(res.statusCode, 422, `${url}: ${res.body}`);
      t.equal(res.json().error.code, 'query_too_expensive');
      t.match(res.json().error.message, /narrow the time range/);
    }
  },
);

/** RFC 4180: quoted fields, "" for a quote, newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  return records;
}
