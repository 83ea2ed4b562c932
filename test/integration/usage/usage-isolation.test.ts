// Every usage, pricing and report route is tenant-scoped: org B's people (every role) get 404 on
// org A, A's members and viewers get 403 (admins only), only platform admins set prices; bad input
// is a 400 with a code. Also the usage API itself: grouping, paging, and the quota meter.
import t from 'tap';
import { createUsageRepository } from '../../../src/modules/usage/usage.repository.ts';
import { dayOf } from '../../../src/modules/usage/usage-days.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant, makeToken, makeUser } from '../auth/auth-fixtures.ts';
import { insertRows, makeRow, nowNs, NS_PER_MS } from '../search/search-fixtures.ts';
import { insertSyntheticMonth, previousMonthOfNow } from './usage-fixtures.ts';

t.test('usage, pricing and reports answer only their own org', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'uiso-a');
  const b = await makeTenant(db, config, 'uiso-b');
  const month = previousMonthOfNow();
  await insertSyntheticMonth(clickhouse, {
    orgId: a.org.id,
    appIds: [a.app.id],
    month,
    endUsers: 20,
    rows: 500,
    seed: 5,
  });
  const created = await call(app, a.tokens.admin, 'POST', `/v1/orgs/${a.org.slug}/reports`, {
    month,
  });
  t.equal(created.statusCode, 201, created.body.slice(0, 300));

  const routes: ['GET' | 'POST', string, object?][] = [
    ['GET', `/v1/orgs/${a.org.id}/usage?group_by=app`],
    ['GET', `/v1/orgs/${a.org.id}/usage?group_by=user_id`],
    ['GET', `/v1/orgs/${a.org.id}/usage/quotas`],
    ['GET', `/v1/orgs/${a.org.id}/pricing`],
    ['GET', `/v1/orgs/${a.org.id}/spend`],
    ['GET', `/v1/orgs/${a.org.id}/reports`],
    ['POST', `/v1/orgs/${a.org.id}/reports`, { month }],
    ['GET', `/v1/orgs/${a.org.id}/reports/${month}`],
    ['GET', `/v1/orgs/${a.org.id}/reports/${month}.pdf`],
    ['GET', `/v1/orgs/${a.org.id}/reports/${month}.csv`],
  ];
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    for (const [method, url, body] of routes) {
      const res = await call(app, b.tokens[role], method, url, body);
      t.equal(res.statusCode, 404, `org B ${role}: ${method} ${url}`);
      t.notOk(res.body.includes('user-'), 'leaks nothing');
    }
  }
  for (const role of ['member', 'viewer'] as const) {
    for (const [method, url, body] of routes) {
      const res = await call(app, a.tokens[role], method, url, body);
      t.equal(res.statusCode, 403, `org A ${role}: ${method} ${url}`);
    }
  }
  const pricing = {
    currency: 'EUR',
    per_gb_ingested: '1',
    per_gb_month_stored: '0',
    per_million_records: '0',
    base_fee: '0',
  };
  const byOwner = await app.inject({
    method: 'PUT',
    url: `/v1/orgs/${a.org.id}/pricing`,
    headers: { authorization: `Bearer ${a.tokens.owner}` },
    payload: pricing,
  });
  t.equal(byOwner.statusCode, 404, 'an org owner cannot set prices (platform admins only)');

  const platform = await makeToken(
    db,
    config,
    await makeUser(db, 'pa@uiso.test', { platformAdmin: true }),
  );
  const put = (payload: object) =>
    app.inject({
      method: 'PUT',
      url: `/v1/orgs/${a.org.id}/pricing`,
      headers: { authorization: `Bearer ${platform}` },
      payload,
    });
  t.equal((await put(pricing)).statusCode, 200);
  const foreignOverride = await put({
    ...pricing,
    app_overrides: { [b.app.id]: { per_gb_ingested: '2' } },
  });
  t.equal(foreignOverride.statusCode, 400);
  t.equal(
    foreignOverride.json().error.code,
    'unknown_app',
    "another org's app cannot be priced here",
  );
  const badCurrency = await put({ ...pricing, currency: 'XYZ' });
  t.equal(badCurrency.json().error?.code, 'invalid_currency', badCurrency.body);
  t.equal((await put({ ...pricing, per_gb_ingested: '-1' })).statusCode, 400);
  t.equal((await put({ ...pricing, per_gb_ingested: '0.1234567' })).statusCode, 400);
  const read = await call(app, a.tokens.admin, 'GET', `/v1/orgs/${a.org.slug}/pricing`);
  t.equal(read.json().pricing.per_gb_ingested, '1');
  t.equal(read.json().pricing.minor_digits, 2);
  const bPricing = await call(app, b.tokens.owner, 'GET', `/v1/orgs/${b.org.slug}/pricing`);
  t.equal(bPricing.json().pricing.updated_at, null, "B's pricing is untouched (free)");

  for (const url of [
    `/v1/orgs/${a.org.id}/usage?group_by=nope`,
    `/v1/orgs/${a.org.id}/usage?cursor=zzz`,
    `/v1/orgs/${a.org.id}/usage?from=yesterday`,
    `/v1/orgs/${a.org.id}/usage?limit=0`,
    `/v1/orgs/${a.org.id}/reports/2026-13.pdf`,
  ]) {
    const res = await call(app, a.tokens.admin, 'GET', url);
    t.equal(res.statusCode, 400, url);
    t.type(res.json().error.code, 'string');
  }
  const missing = await call(
    app,
    a.tokens.admin,
    'GET',
    `/v1/orgs/${a.org.id}/reports/2001-01.pdf`,
  );
  t.equal(missing.statusCode, 404);
});

t.test('usage by app, end user and day, paged, and the quota meter', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'upage');
  const month = previousMonthOfNow();
  await insertSyntheticMonth(clickhouse, {
    orgId: a.org.id,
    appIds: [a.app.id],
    month,
    endUsers: 300,
    rows: 3_000,
    seed: 9,
  });
  const range = `from=${month}-01T00:00:00Z&to=now`;
  const all = new Map<string, number>();
  let cursor: string | null = null;
  let pages = 0;
  let last = Infinity;
  do {
    const res = await call(
      app,
      a.tokens.admin,
      'GET',
      `/v1/orgs/${a.org.slug}/usage?${range}&group_by=user_id&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
    );
    t.equal(res.statusCode, 200, res.body.slice(0, 200));
    const page = res.json();
    for (const row of page.rows) {
      t.notOk(all.has(row.user_id), 'no end user twice');
      t.ok(row.records <= last, 'ordered by records');
      last = row.records;
      all.set(row.user_id, row.records);
      t.equal(row.rejected, null, 'refused records have no end user');
    }
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor && pages < 100);
  const [direct] = await clickhouse.query<{ users: string; records: string }>(
    'SELECT uniqExact(user_id) AS users, count() AS records FROM logs WHERE org_id = {org:UUID}',
    { org: a.org.id },
  );
  t.equal(all.size, Number(direct?.users), 'every end user once across pages');
  t.equal(
    [...all.values()].reduce((x, y) => x + y, 0),
    Number(direct?.records),
  );

  const byDay = (
    await call(
      app,
      a.tokens.admin,
      'GET',
      `/v1/orgs/${a.org.slug}/usage?${range}&group_by=day&limit=100`,
    )
  ).json();
  t.same(
    byDay.rows.map((r: { day: string }) => r.day),
    [...byDay.rows.map((r: { day: string }) => r.day)].sort(),
    'days in order',
  );
  t.equal(
    byDay.rows.reduce((n: number, r: { records: number }) => n + r.records, 0),
    3_000,
  );
  const byApp = (
    await call(app, a.tokens.admin, 'GET', `/v1/orgs/${a.org.slug}/usage?${range}`)
  ).json();
  t.same(
    byApp.rows.map((r: { app_id: string; records: number }) => [r.app_id, r.records]),
    [[a.app.id, 3_000]],
  );

  // Today's quota meter counts what was stored today.
  await app.inject({
    method: 'PATCH',
    url: `/v1/orgs/${a.org.slug}/apps/${a.app.id}`,
    headers: { authorization: `Bearer ${a.tokens.admin}` },
    payload: { daily_quota_records: 10 },
  });
  await insertRows(
    clickhouse,
    Array.from({ length: 9 }, () =>
      makeRow({ orgId: a.org.id, appId: a.app.id }, { tsNs: nowNs() - 1000n * NS_PER_MS }),
    ),
  );
  const quotas = (
    await call(app, a.tokens.admin, 'GET', `/v1/orgs/${a.org.slug}/usage/quotas`)
  ).json();
  t.equal(quotas.day, dayOf(Date.now()));
  t.same(
    quotas.apps.map((q: Record<string, unknown>) => [
      q.app_id,
      q.records_today,
      q.daily_quota_records,
      q.percent,
    ]),
    [[a.app.id, 9, 10, 90]],
  );

  // Storage snapshot: today's stored bytes appear on the usage rows.
  await createUsageRepository(clickhouse).snapshotStorage(
    dayOf(Date.now()),
    Math.floor(Date.now() / 1000),
  );
  const stored = (
    await call(app, a.tokens.admin, 'GET', `/v1/orgs/${a.org.slug}/usage?${range}`)
  ).json();
  t.ok(stored.rows[0].stored_bytes > 0, `stored ${stored.rows[0].stored_bytes} bytes`);
});
