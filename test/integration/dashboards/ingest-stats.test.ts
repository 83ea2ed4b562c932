// The per-tenant ingest counters: what the ingest path accepted, rejected (by reason) and refused
// over the quota lands in ClickHouse's ingest_stats, per org, app and minute, after a flush.
import t from 'tap';
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, createTenant } from '../ingest/ingest-fixtures.ts';

interface StatsRow {
  org_id: string;
  reason: string;
  accepted_records: string;
  accepted_bytes: string;
  rejected_records: string;
  rate_limited_records: string;
}

async function statsOf(clickhouse: ClickHouseStore, appId: string): Promise<StatsRow[]> {
  return clickhouse.query<StatsRow>(
    `SELECT toString(org_id) AS org_id, reason, sum(accepted_records) AS accepted_records,
            sum(accepted_bytes) AS accepted_bytes, sum(rejected_records) AS rejected_records,
            sum(rate_limited_records) AS rate_limited_records
     FROM ingest_stats WHERE app_id = {app:UUID} GROUP BY org_id, reason ORDER BY reason`,
    { app: appId },
  );
}

t.test('ingest counters per tenant', async (t) => {
  const { app, db, clickhouse } = await buildTestApp(t, {
    env: { INGEST_STATS_FLUSH_INTERVAL_MS: '100', INGEST_GROUP_COMMIT_WINDOW_MS: '10' },
  });
  const tenant = await createTenant(db, { dailyQuotaRecords: 40 });
  const other = await createTenant(db);
  const post = (key: string, payload: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload,
    });
  const good = (n: number) => Array.from({ length: n }, (_, i) => ({ message: `m${i}` }));
  const first = JSON.stringify([...good(30), 'not an object']);
  const res = await post(tenant.key, first);
  t.equal(res.statusCode, 202, res.body);
  t.equal(res.json().accepted, 30);
  const over = await post(tenant.key, JSON.stringify(good(20)));
  t.equal(over.statusCode, 429);
  t.equal((await post(other.key, JSON.stringify(good(3)))).statusCode, 202);

  let rows: StatsRow[] = [];
  for (let i = 0; i < 100; i++) {
    rows = await statsOf(clickhouse, tenant.appId);
    if (rows.length >= 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const byReason = Object.fromEntries(rows.map((r) => [r.reason, r]));
  t.same(
    Object.keys(byReason).sort(),
    ['', 'not_an_object', 'quota_exceeded'].sort(),
    JSON.stringify(rows),
  );
  t.equal(byReason['']?.accepted_records, '30');
  t.equal(byReason['']?.accepted_bytes, String(Buffer.byteLength(first)));
  t.equal(byReason['quota_exceeded']?.rate_limited_records, '20');
  t.equal(byReason['not_an_object']?.rejected_records, '1');
  t.ok(
    rows.every((r) => r.org_id === tenant.orgId),
    'counted under the app’s own org',
  );
  // Its counts may be in the next flush (every 100 ms here).
  let others: StatsRow[] = [];
  for (let i = 0; i < 100 && others.length === 0; i++) {
    others = await statsOf(clickhouse, other.appId);
    if (others.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(others.map((r) => r.accepted_records).join(), '3', 'the other tenant counted apart');
});
