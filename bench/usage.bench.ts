// npm run bench:usage — the usage API and the monthly report with 100k distinct end users.
// One org, 3 apps, 100k end users each active on ~10 days of a 30-day month: ~1M usage_daily rows
// (generated inside ClickHouse), plus a storage snapshot. Measures GET /v1/orgs/:org/usage pages
// (service level: the same repository calls the route makes) for group_by=user_id (first page and
// a page 50 cursors deep), app and day, and one whole report (cost split over 100k end users, PDF
// and CSV). Prints p50/p95 per case and the load average. Env: BENCH_USERS, BENCH_RUNS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createChdbStore } from '../src/infra/clickhouse/chdb-store.ts';
import { migrateClickHouse } from '../src/infra/clickhouse/migrations.ts';
import { computeCosts, type UsageUnit } from '../src/modules/pricing/cost.service.ts';
import { endUsersCsv } from '../src/modules/reports/report-csv.ts';
import { getUsage } from '../src/modules/usage/usage.service.ts';
import { monthOf, monthSpan, previousMonth } from '../src/modules/usage/usage-days.ts';
import { createUsageRepository } from '../src/modules/usage/usage.repository.ts';
import { percentile } from './lib/percentile.ts';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function time<T>(
  runs: number,
  work: () => Promise<T>,
): Promise<{ p50: number; p95: number; last: T }> {
  const ms: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await work();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), last: last as T };
}

async function main(): Promise<void> {
  const dir = path.join(os.tmpdir(), `mylog-usage-bench-${process.pid}`);
  const store = createChdbStore({ dataDir: dir, database: 'bench' });
  await migrateClickHouse(store);
  const orgId = randomUUID();
  const apps = [randomUUID(), randomUUID(), randomUUID()];
  const month = previousMonth(monthOf(Date.now()));
  const span = monthSpan(month);
  const loadBefore = os.loadavg();
  const started = performance.now();
  // Each end user on ~10 of the month's days, in one app: rows = users × 10.
  await store.command(
    `INSERT INTO usage_daily (org_id, app_id, user_id, day, retention_days, records, bytes, error_records)
     SELECT {org:UUID},
            arrayElement({apps:Array(UUID)}, 1 + (u % 3)),
            concat('user-', toString(u)),
            toDate({first:String}) + ((u * 7 + d * 3) % {days:UInt8}),
            30,
            1 + (cityHash64(u, d) % 200),
            (1 + (cityHash64(u, d) % 200)) * 180,
            cityHash64(d, u) % 5
     FROM (SELECT number % {users:UInt32} AS u, intDiv(number, {users:UInt32}) AS d FROM numbers({rows:UInt64}))`,
    { org: orgId, apps, first: span.firstDay, days: span.days, users: USERS, rows: USERS * 10 },
  );
  await store.command('OPTIMIZE TABLE usage_daily FINAL');
  await createUsageRepository(store).snapshotStorage(span.lastDay, Math.floor(span.endMs / 1000));
  const [{ rows } = { rows: '0' }] = await store.query<{ rows: string }>(
    'SELECT count() AS rows FROM usage_daily',
  );
  console.log(
    `data: ${USERS} end users, ${rows} usage_daily rows, generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const repo = createUsageRepository(store);
  const scope = { orgId };
  const range = { from: `${span.firstDay}T00:00:00Z`, to: new Date(span.endMs).toISOString() };
  const page = (group_by: 'app' | 'user_id' | 'day', cursor?: string) =>
    getUsage(repo, scope, { ...range, group_by, limit: 100, cursor });

  const results: [string, { p50: number; p95: number }][] = [];
  const first = await time(RUNS, () => page('user_id'));
  results.push(['usage group_by=user_id, first page of 100', first]);
  // A page deep into the list: 50 cursors on (or the last page when there are fewer).
  let cursor = first.last.next_cursor as string;
  let depth = 2;
  for (let next = (await page('user_id', cursor)).next_cursor; depth < 51 && next; depth++) {
    cursor = next;
    next = (await page('user_id', cursor)).next_cursor;
  }
  results.push([
    `usage group_by=user_id, page ${depth} (cursor)`,
    await time(RUNS, () => page('user_id', cursor)),
  ]);
  results.push(['usage group_by=app', await time(RUNS, () => page('app'))]);
  results.push(['usage group_by=day', await time(RUNS, () => page('day'))]);
  const dayRange = { fromDay: span.firstDay, toDay: span.lastDay };
  results.push([
    'active end users (uniqExact)',
    await time(RUNS, () => repo.activeEndUsers(scope, dayRange)),
  ]);
  const split = await time(3, async () => {
    const [usage, stored] = await Promise.all([
      repo.perAppUser(scope, dayRange),
      repo.storedByteDays(scope, dayRange),
    ]);
    const units = new Map<string, UsageUnit>();
    for (const u of usage) units.set(`${u.app_id}/${u.user_id}`, { ...u, byte_days: 0 });
    for (const s of stored) {
      const u = units.get(`${s.app_id}/${s.user_id}`);
      if (u) u.byte_days = s.byte_days;
    }
    const costs = computeCosts(
      {
        currency: 'EUR',
        per_gb_ingested: '0.5',
        per_gb_month_stored: '0.03',
        per_million_records: '2.5',
        base_fee: '99',
        app_overrides: {},
      },
      [...units.values()],
      span.days,
    );
    const csv = endUsersCsv(
      [...costs.end_users].map(([user_id, cost_minor]) => ({
        user_id,
        records: 0,
        bytes: 0,
        cost_minor,
      })),
      'EUR',
      2,
    );
    return { units: units.size, csvBytes: csv.length };
  });
  results.push([`report cost split + CSV over ${split.last.units} (app, end user) pairs`, split]);
  const loadAfter = os.loadavg();
  for (const [name, r] of results) {
    console.log(
      `${name.padEnd(62)} p50 ${r.p50.toFixed(1).padStart(8)} ms   p95 ${r.p95.toFixed(1).padStart(8)} ms`,
    );
  }
  console.log(
    `runs per case: ${RUNS} (split: 3); load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`,
  );
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
