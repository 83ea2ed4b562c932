// Retention that applies to stored rows, and legal holds, on real ClickHouse (chdb). The cleanup
// task runs with an injected clock, so "weeks later" is a clock value, not a wait.
import t from 'tap';
import { createAppWithKey } from '../../../src/modules/apps/apps.service.ts';
import { retentionCleanupTask } from '../../../src/modules/retention/retention.tasks.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant, makeToken, makeUser } from '../auth/auth-fixtures.ts';
import { insertRows, makeRow, nowNs } from '../search/search-fixtures.ts';
import {
  countRows,
  DAY_NS,
  eventually,
  httpStoreOf,
  insertUserRows,
} from './lifecycle-fixtures.ts';
import { runRetentionCleanup } from '../../../src/modules/retention/retention-cleanup.service.ts';

const DAY_MS = 86_400_000;

t.test('retention and legal holds', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t, {
    env: { MYLOG_ROLES: 'api,ingest,worker' },
  });
  const a = await makeTenant(db, config, 'ret-a');
  const b = await makeTenant(db, config, 'ret-b');
  const { app: billing } = await createAppWithKey(db, { orgId: a.org.id }, { name: 'billing' });
  const platform = await makeToken(
    db,
    config,
    await makeUser(db, 'pa@ret.test', { platformAdmin: true }),
  );
  const asPlatform = (method: 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${platform}` },
      ...(payload ? { payload } : {}),
    });
  const web = { orgId: a.org.id, appId: a.app.id };
  const bill = { orgId: a.org.id, appId: billing.id };
  const other = { orgId: b.org.id, appId: b.app.id };
  const count = (owner: { appId: string }) =>
    countRows(clickhouse, 'app_id = {a:UUID}', { a: owner.appId });
  const rollupCount = async (owner: { appId: string }) => {
    const [row] = await clickhouse.query<{ n: string }>(
      'SELECT toString(sum(count)) AS n FROM logs_rollup_1m WHERE app_id = {a:UUID}',
      { a: owner.appId },
    );
    return Number(row?.n ?? 0);
  };
  const cleanupAt = (ms: number) => retentionCleanupTask(() => ms).run(app);
  const patchRetention = (appId: string, days: number) =>
    call(app, a.tokens.admin, 'PATCH', `/v1/orgs/${a.org.id}/apps/${appId}`, {
      retention_days: days,
    });

  // 30-day apps (PATCHed below); every row was ingested with retention_days 30.
  t.equal((await patchRetention(a.app.id, 30)).statusCode, 200);
  t.equal((await patchRetention(billing.id, 30)).statusCode, 200);
  for (const daysAgo of [1, 10, 40]) {
    await insertUserRows(clickhouse, web, { n: 2, userId: 'u1', daysAgo });
    await insertUserRows(clickhouse, bill, { n: 2, userId: 'u1', daysAgo });
    await insertUserRows(clickhouse, other, { n: 2, userId: 'u1', daysAgo });
  }
  // A tenant Postgres no longer knows, 200 days back: only a whole-partition drop removes it.
  const stray = {
    orgId: '00000000-0000-4000-8000-000000000001',
    appId: '00000000-0000-4000-8000-000000000002',
  };
  await insertUserRows(clickhouse, stray, { n: 2, userId: 'u1', daysAgo: 200 });

  await t.test('the table has no TTL: the cleanup owns expiry', async (t) => {
    const [row] = await clickhouse.query<{ e: string }>(
      "SELECT engine_full AS e FROM system.tables WHERE database = currentDatabase() AND name = 'logs'",
    );
    t.notMatch(row?.e ?? '', /TTL/);
  });

  await t.test("each app's current retention, not the one its rows carried", async (t) => {
    const status = await call(app, a.tokens.viewer, 'GET', `/v1/apps/${a.app.id}/retention`);
    t.equal(status.statusCode, 200, status.body);
    t.match(status.json(), { retention_days: 30, last_cleanup: null, legal_hold: null });

    const now = Date.now();
    const first = await cleanupAt(now);
    t.match(first, { held: 0 });
    t.ok(
      await eventually(async () => (await count(web)) === 4),
      '40-day-old rows of a 30-day app go',
    );
    t.equal(await count(other), 6, 'a 180-day app keeps its 40-day-old rows');
    t.ok(await eventually(async () => (await count(stray)) === 0), 'stray old partition dropped');

    // Shorter: applies to rows stored long before the change.
    t.equal((await patchRetention(a.app.id, 7)).statusCode, 200);
    const changed = (
      await call(app, a.tokens.viewer, 'GET', `/v1/apps/${a.app.id}/retention`)
    ).json();
    t.equal(changed.retention_days, 7);
    t.ok(Date.parse(changed.takes_effect_by) > now, 'the screen can say when it takes effect');
    t.ok(
      Date.parse(changed.takes_effect_by) <= now + config.retention.cleanupIntervalMs + 60_000,
      'within one cleanup interval',
    );
    await cleanupAt(Date.now());
    t.ok(
      await eventually(async () => (await count(web)) === 2),
      '10-day-old rows of a now 7-day app go',
    );
    t.ok(
      await eventually(async () => (await rollupCount(web)) === 2),
      'their histogram counts go too',
    );
    t.equal(await count(bill), 4, 'the other app of the org keeps its 30 days');

    // Longer: rows ingested under 7 days are kept for the new 90 (the old TTL would have dropped them).
    const short = { ...web, appId: billing.id };
    await insertRows(
      clickhouse,
      [makeRow(short, { tsNs: nowNs() - 20n * DAY_NS, user_id: 'u5' })].map((r) => ({
        ...r,
        retention_days: 7,
      })),
    );
    t.equal((await patchRetention(billing.id, 90)).statusCode, 200);
    await cleanupAt(Date.now());
    t.equal(await count(bill), 5, 'a row ingested with 7 days stays under 90');
    const last = (
      await call(app, a.tokens.viewer, 'GET', `/v1/apps/${billing.id}/retention`)
    ).json();
    t.match(last.last_cleanup, { retention_days: 90, rows_deleted: 0, held: false });
  });

  await t.test('a legal hold suspends the cleanup, across days, until released', async (t) => {
    const placed = await asPlatform('PUT', `/v1/apps/${billing.id}/legal-hold`, {
      reason: 'matter 17',
    });
    t.equal(placed.statusCode, 201, placed.body);
    t.equal(
      (await asPlatform('PUT', `/v1/apps/${billing.id}/legal-hold`, { reason: 'again' }))
        .statusCode,
      409,
    );
    const orgHold = await asPlatform('PUT', `/v1/orgs/${b.org.id}/legal-hold`, { reason: 'audit' });
    t.equal(orgHold.statusCode, 201);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('action', '=', 'legal_hold.place')
      .orderBy('id')
      .execute();
    t.same(
      audit.map((e) => e.target_id),
      [billing.id, b.org.id],
      'audited',
    );

    // 200 days on, day by day every 50 days: every held row stays, the unheld app empties.
    for (const days of [50, 100, 150, 200]) {
      const result = await cleanupAt(Date.now() + days * DAY_MS);
      t.equal(result?.held, 2, `day +${days}: two apps held`);
    }
    t.ok(await eventually(async () => (await count(web)) === 0), 'the unheld app expired');
    t.equal(await count(bill), 5, 'the held app keeps everything');
    t.equal(await count(other), 6, 'the held org keeps everything');
    const status = (
      await call(app, a.tokens.viewer, 'GET', `/v1/apps/${billing.id}/retention`)
    ).json();
    t.match(status.legal_hold, { reason: 'matter 17', placed_by: 'pa@ret.test (token)' });
    t.match(status.last_cleanup, { held: true, rows_deleted: 0 });
    const list = (
      await call(app, b.tokens.viewer, 'GET', `/v1/orgs/${b.org.id}/legal-holds`)
    ).json();
    t.equal(list.legal_holds.length, 1);

    t.equal((await asPlatform('DELETE', `/v1/apps/${billing.id}/legal-hold`)).statusCode, 200);
    t.equal((await asPlatform('DELETE', `/v1/apps/${billing.id}/legal-hold`)).statusCode, 404);
    await cleanupAt(Date.now() + 200 * DAY_MS);
    t.ok(await eventually(async () => (await count(bill)) === 0), 'released: expired at once');
    t.equal(await count(other), 6, 'the org hold still holds');
  });

  await t.test('the cleanup through the HTTP client (production path)', async (t) => {
    const http = await httpStoreOf(t, clickhouse);
    t.equal((await asPlatform('DELETE', `/v1/orgs/${b.org.id}/legal-hold`)).statusCode, 200);
    const result = await runRetentionCleanup({ db, clickhouse: http }, Date.now() + 300 * DAY_MS);
    t.equal(result.held, 0);
    t.ok(result.partitionsDropped.length > 0, 'whole days dropped over HTTP');
    t.ok(await eventually(async () => (await count(other)) === 0), 'released org expired');
  });

  await t.test('only platform admins hold; other tenants see nothing', async (t) => {
    for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
      for (const url of [`/v1/apps/${a.app.id}/legal-hold`, `/v1/orgs/${a.org.id}/legal-hold`]) {
        const put = await app.inject({
          method: 'PUT',
          url,
          headers: { authorization: `Bearer ${a.tokens[role]}` },
          payload: { reason: 'x' },
        });
        t.equal(put.statusCode, 404, `A ${role} cannot place a hold: ${url}`);
        const del = await app.inject({
          method: 'DELETE',
          url: `/v1/orgs/${b.org.id}/legal-hold`,
          headers: { authorization: `Bearer ${a.tokens[role]}` },
        });
        t.equal(del.statusCode, 404, `A ${role} cannot release B's hold`);
      }
      for (const url of [`/v1/apps/${a.app.id}/retention`, `/v1/orgs/${a.org.id}/legal-holds`]) {
        t.equal((await call(app, b.tokens[role], 'GET', url)).statusCode, 404, `B ${role}: ${url}`);
      }
    }
    const bad = await asPlatform('PUT', `/v1/apps/${a.app.id}/legal-hold`, { reason: '' });
    t.equal(bad.statusCode, 400);
  });
});
