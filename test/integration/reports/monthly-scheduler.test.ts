// Two scheduler instances share Postgres, Redis and ClickHouse; an injected clock walks across
// 00:05 UTC on the 1st of this month. Before it, no report; after it, exactly one report per org
// for the month before, each delivered exactly once, however often the task runs.
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { loadConfig } from '../../../src/config.ts';
import { migrateClickHouse } from '../../../src/infra/clickhouse/migrations.ts';
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { createMetrics } from '../../../src/infra/metrics.ts';
import { createDb, migratePostgres, type Db } from '../../../src/infra/postgres.ts';
import { createRedis } from '../../../src/infra/redis.ts';
import { monthlyReportsTask } from '../../../src/modules/reports/monthly-reports.task.ts';
import type { ReportDelivery } from '../../../src/modules/reports/reports.service.ts';
import { scheduler } from '../../../src/modules/scheduler/scheduler.plugin.ts';
import { monthOf, monthSpan, previousMonth } from '../../../src/modules/usage/usage-days.ts';
import { testEnv } from '../../helpers/app.ts';
import { createTestClickHouse } from '../../helpers/services.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { insertSyntheticMonth } from '../usage/usage-fixtures.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function instance(
  t: Test,
  env: Record<string, string>,
  deps: { db: Db; clickhouse: ClickHouseStore },
  clock: () => number,
  delivery: ReportDelivery,
) {
  const config = loadConfig(env);
  const redis = createRedis(config.redisUrl as string);
  const app = Fastify();
  app.decorate('config', config);
  app.decorate('db', deps.db);
  app.decorate('redis', redis);
  app.decorate('clickhouse', deps.clickhouse);
  app.decorate('metrics', createMetrics());
  await app.register(scheduler, {
    tasks: [monthlyReportsTask({ clock, delivery: () => delivery })],
  });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    redis.disconnect();
  });
}

t.test('two scheduler instances make one report per org when the 1st passes', async (t) => {
  const env = await testEnv(t, { LOG_LEVEL: 'silent', REPORTS_CHECK_INTERVAL_MS: '150' });
  const db = createDb(env.DATABASE_URL as string, 4);
  t.teardown(() => db.destroy());
  await migratePostgres(db);
  const clickhouse = await createTestClickHouse(t);
  await migrateClickHouse(clickhouse);

  const firstOfThisMonth = monthSpan(monthOf(Date.now())).startMs;
  const month = previousMonth(monthOf(Date.now()));
  const config = loadConfig(env);
  const orgs = await Promise.all(['sch-a', 'sch-b', 'sch-c'].map((s) => makeTenant(db, config, s)));
  // The orgs were created on the 2nd of that month: the month before it has nothing to report
  // (the task catches up on a missed month, so at 23:50 it would otherwise make that one).
  await db
    .updateTable('orgs')
    .set({ created_at: new Date(monthSpan(month).startMs + 86_400_000) })
    .execute();
  await insertSyntheticMonth(clickhouse, {
    orgId: orgs[0]?.org.id as string,
    appIds: [orgs[0]?.app.id as string],
    month,
    endUsers: 100,
    rows: 2_000,
    seed: 3,
  });

  let nowMs = firstOfThisMonth - 10 * 60_000; // 23:50 on the last day of last month
  const clock = () => nowMs;
  const delivered: string[] = [];
  const delivery: ReportDelivery = {
    async deliver(org, report) {
      delivered.push(`${org.slug}:${report.month}`);
    },
  };
  await instance(t, env, { db, clickhouse }, clock, delivery);
  await instance(t, env, { db, clickhouse }, clock, delivery);

  await sleep(1_000);
  const before = await db.selectFrom('reports').select(['org_id']).execute();
  t.same(before, [], 'nothing before 00:05 on the 1st');

  nowMs = firstOfThisMonth + 4 * 60_000; // 00:04: still not due
  await sleep(600);
  t.same(await db.selectFrom('reports').select(['org_id']).execute(), [], 'nothing at 00:04');

  nowMs = firstOfThisMonth + 6 * 60_000; // 00:06
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && delivered.length < orgs.length) await sleep(100);
  await sleep(1_000); // more runs of both instances
  const reports = await db
    .selectFrom('reports')
    .select(['org_id', 'month', 'partial', 'delivered_at'])
    .orderBy('org_id')
    .execute();
  t.equal(reports.length, orgs.length, 'one report per org');
  t.same(new Set(reports.map((r) => r.org_id)), new Set(orgs.map((o) => o.org.id)), 'every org');
  t.ok(
    reports.every((r) => r.month === month && !r.partial && r.delivered_at !== null),
    `each is the final report of ${month}, delivered`,
  );
  t.same(
    [...delivered].sort(),
    orgs.map((o) => `${o.org.slug}:${month}`).sort(),
    'each delivered exactly once',
  );
  const content = await db
    .selectFrom('reports')
    .select(['content'])
    .where('org_id', '=', orgs[0]?.org.id as string)
    .executeTakeFirstOrThrow();
  t.equal((content.content as { totals: { records: number } }).totals.records, 2_000);

  // A day later the task still runs: nothing new, nothing re-sent.
  nowMs = firstOfThisMonth + 86_400_000;
  await sleep(800);
  t.equal((await db.selectFrom('reports').select('id').execute()).length, orgs.length);
  t.equal(delivered.length, orgs.length);
});
