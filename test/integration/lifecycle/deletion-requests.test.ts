// Deletion on request, on real ClickHouse (chdb): a query over one app and a range, an end user
// over every app of an org, progress through the API, the audit entry, the usage record, the
// lightweight DELETE itself, restarts (state in Postgres), legal hold, limits and tenant isolation.
import t from 'tap';
import { createAppWithKey } from '../../../src/modules/apps/apps.service.ts';
import { runDeletions } from '../../../src/modules/deletions/deletions.service.ts';
import { dayOf } from '../../../src/modules/usage/usage-days.ts';
import { createUsageRepository } from '../../../src/modules/usage/usage.repository.ts';
import { ROW_BYTES_SQL } from '../usage/usage-fixtures.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant, makeToken, makeUser } from '../auth/auth-fixtures.ts';
import { countRows, eventually, httpStoreOf, insertUserRows } from './lifecycle-fixtures.ts';

t.test('deletion requests', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t, {
    // The test drives the runner with its own clock; no background scheduler.
    env: { MYLOG_ROLES: 'api,ingest,worker', DELETIONS_MAX_OPEN_PER_ORG: '3' },
  });
  const a = await makeTenant(db, config, 'del-a');
  const b = await makeTenant(db, config, 'del-b');
  const { app: shop } = await createAppWithKey(db, { orgId: a.org.id }, { name: 'shop' });
  const web = { orgId: a.org.id, appId: a.app.id };
  const shopOwner = { orgId: a.org.id, appId: shop.id };
  const bWeb = { orgId: b.org.id, appId: b.app.id };
  await insertUserRows(clickhouse, web, { n: 6, userId: 'u42', daysAgo: 1 });
  await insertUserRows(clickhouse, web, { n: 4, userId: 'u42', daysAgo: 20 });
  await insertUserRows(clickhouse, web, { n: 5, userId: 'u7', daysAgo: 1 });
  await insertUserRows(clickhouse, shopOwner, { n: 3, userId: 'u42', daysAgo: 2 });
  await insertUserRows(clickhouse, bWeb, { n: 4, userId: 'u42', daysAgo: 1 });
  const rowsOf = (owner: { appId: string }, userId: string) =>
    countRows(clickhouse, 'app_id = {a:UUID} AND user_id = {u:String}', {
      a: owner.appId,
      u: userId,
    });
  const admin = a.tokens.admin;
  const run = () => runDeletions({ db, clickhouse, config: config.deletions }, Date.now());

  await t.test('a query over one app and range deletes exactly its rows', async (t) => {
    const res = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/deletions`, {
      q: 'user_id:u42',
      from: 'now-7d',
      to: 'now',
    });
    t.equal(res.statusCode, 202, res.body);
    const created = res.json();
    t.match(created, { status: 'queued', kind: 'query', q: 'user_id:u42', progress: null });
    t.ok(created.id);

    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'deletion.request')
      .where('target_id', '=', a.app.id)
      .execute();
    t.equal(audit.length, 1, 'audited');
    t.equal(audit[0]?.actor_label, 'admin@del-a.test (token)');

    const first = await run();
    t.equal(first.started, 1);
    t.ok(
      await eventually(async () => (await rowsOf(web, 'u42')) === 4),
      'the 6 rows of the last week are gone, the 4 older ones stay',
    );
    await run();
    const done = (
      await call(app, admin, 'GET', `/v1/apps/${a.app.id}/deletions/${created.id}`)
    ).json();
    t.match(done, { status: 'done', rows_matched: 6, rows_remaining: 0, progress: 1 });
    t.ok(done.bytes_matched > 0);
    t.equal(await rowsOf(web, 'u7'), 5, 'another end user keeps every row');
    t.equal(await rowsOf(shopOwner, 'u42'), 3, 'another app keeps its rows');

    const deleted = await clickhouse.query<{ app: string; n: string; b: string }>(
      `SELECT toString(app_id) AS app, toString(sum(deleted_records)) AS n,
              toString(sum(deleted_bytes)) AS b
       FROM usage_deletions_daily WHERE org_id = {o:UUID} AND day = {d:Date} GROUP BY app_id`,
      { o: a.org.id, d: dayOf(Date.now()) },
    );
    t.same(
      deleted.map((d) => [d.app, Number(d.n), Number(d.b)]),
      [[a.app.id, 6, done.bytes_matched]],
      'usage records what was erased, on the day the rows were received',
    );

    // Stored bytes are shared out by the bytes each app still keeps: the erased ones no longer count.
    const today = dayOf(Date.now());
    await createUsageRepository(clickhouse).snapshotStorage(today, Math.floor(Date.now() / 1000));
    const stored = await clickhouse.query<{ app: string; s: string }>(
      `SELECT toString(app_id) AS app, toString(sum(stored_bytes)) AS s
       FROM usage_storage_daily FINAL WHERE day = {d:Date} GROUP BY app_id`,
      { d: today },
    );
    const live = await clickhouse.query<{ app: string; b: string }>(
      `SELECT toString(app_id) AS app, toString(sum(${ROW_BYTES_SQL})) AS b FROM logs GROUP BY app_id`,
    );
    const share = (rows: { app: string; v: number }[], app: string) =>
      (rows.find((r) => r.app === app)?.v ?? 0) / rows.reduce((n, r) => n + r.v, 0);
    const storedShares = stored.map((r) => ({ app: r.app, v: Number(r.s) }));
    const liveShares = live.map((r) => ({ app: r.app, v: Number(r.b) }));
    t.ok(
      Math.abs(share(storedShares, a.app.id) - share(liveShares, a.app.id)) < 0.01,
      `stored share ${share(storedShares, a.app.id)} = kept share ${share(liveShares, a.app.id)}`,
    );

    const again = await run();
    t.same(again, { started: 0, reissued: 0, done: 0, failed: 0 }, 'nothing left to do');
  });

  await t.test('an end user across every app of the org, all time', async (t) => {
    const res = await call(app, admin, 'POST', `/v1/orgs/${a.org.slug}/deletions`, {
      user_id: 'u42',
    });
    t.equal(res.statusCode, 202, res.body);
    const id = res.json().id as string;
    t.equal(res.json().app_id, null);
    await run();
    t.ok(
      await eventually(
        async () => (await rowsOf(web, 'u42')) + (await rowsOf(shopOwner, 'u42')) === 0,
      ),
      'gone from both apps',
    );
    t.equal(await rowsOf(bWeb, 'u42'), 4, 'the same user id in another org is untouched');
    await run();
    const view = (await call(app, admin, 'GET', `/v1/orgs/${a.org.id}/deletions/${id}`)).json();
    t.match(view, { status: 'done', rows_matched: 7, progress: 1 });
    const list = (await call(app, admin, 'GET', `/v1/orgs/${a.org.id}/deletions?limit=1`)).json();
    t.equal(list.deletions.length, 1);
    t.equal(list.deletions[0].id, id, 'newest first');
    t.type(list.next_cursor, 'string');
    const next = (
      await call(
        app,
        admin,
        'GET',
        `/v1/orgs/${a.org.id}/deletions?limit=1&cursor=${list.next_cursor}`,
      )
    ).json();
    t.equal(next.deletions.length, 1);
    t.equal(next.next_cursor, null);
    const appList = (await call(app, admin, 'GET', `/v1/apps/${shop.id}/deletions`)).json();
    t.same(appList.deletions, [], "an org-wide request is listed with the org, not the app's");
  });

  await t.test('a request survives a restart and is issued again after its lease', async (t) => {
    await insertUserRows(clickhouse, web, { n: 3, userId: 'u9', daysAgo: 1 });
    const res = await call(app, admin, 'POST', `/v1/orgs/${a.org.id}/deletions`, { user_id: 'u9' });
    const id = res.json().id as string;
    // A runner that claimed it and died before issuing anything.
    await db
      .updateTable('deletion_requests')
      .set({
        status: 'running',
        claimed_at: new Date(Date.now() - config.deletions.leaseMs - 1),
        as_of: new Date(),
        attempts: 1,
      })
      .where('id', '=', id)
      .execute();
    const summary = await run();
    t.equal(summary.reissued, 1, 'issued again by the next run');
    t.ok(await eventually(async () => (await rowsOf(web, 'u9')) === 0));
    await run();
    const view = (await call(app, admin, 'GET', `/v1/orgs/${a.org.id}/deletions/${id}`)).json();
    t.match(view, { status: 'done', rows_matched: 3, attempts: 2 });
  });

  await t.test('the same through the HTTP client (production path)', async (t) => {
    const http = await httpStoreOf(t, clickhouse);
    await insertUserRows(clickhouse, web, { n: 4, userId: 'u-http', daysAgo: 3 });
    const res = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/deletions`, {
      q: 'user_id:u-http level:info',
      from: 'now-5d',
      to: 'now',
    });
    const id = res.json().id as string;
    const viaHttp = () =>
      runDeletions({ db, clickhouse: http, config: config.deletions }, Date.now());
    t.equal((await viaHttp()).started, 1);
    t.ok(await eventually(async () => (await rowsOf(web, 'u-http')) === 0));
    await viaHttp();
    const view = (await call(app, admin, 'GET', `/v1/apps/${a.app.id}/deletions/${id}`)).json();
    t.match(view, { status: 'done', rows_matched: 4, progress: 1 });
  });

  await t.test('bad input is a 400 with a code; limits are a 409', async (t) => {
    const post = (body: object) => call(app, admin, 'POST', `/v1/apps/${a.app.id}/deletions`, body);
    const cases: [object, string][] = [
      [{ q: 'user_id:(', from: 'now-1d', to: 'now' }, 'invalid_query'],
      [{ q: '   ', from: 'now-1d', to: 'now' }, 'invalid_query'],
      [{ q: 'user_id:u1', from: 'yesterday', to: 'now' }, 'invalid_time'],
      [{ q: 'user_id:u1', from: 'now', to: 'now-1d' }, 'invalid_time'],
      [{ q: 'user_id:u1', from: 'now-1d' }, 'invalid_request'],
    ];
    for (const [body, code] of cases) {
      const res = await post(body);
      t.equal(res.statusCode, 400, JSON.stringify(body));
      t.equal(res.json().error.code, code, JSON.stringify(body));
    }
    const userRes = await call(app, admin, 'POST', `/v1/orgs/${a.org.id}/deletions`, {
      user_id: 'x'.repeat(300),
    });
    t.equal(userRes.statusCode, 400);
    t.equal(
      (await call(app, admin, 'GET', `/v1/orgs/${a.org.id}/deletions?cursor=zz`)).statusCode,
      400,
    );

    for (let i = 0; i < 3; i++) {
      t.equal((await post({ q: `user_id:n${i}`, from: 'now-1d', to: 'now' })).statusCode, 202);
    }
    const over = await post({ q: 'user_id:n9', from: 'now-1d', to: 'now' });
    t.equal(over.statusCode, 409);
    t.equal(over.json().error.code, 'too_many_deletions');
    await run();
    await run();
    t.equal(
      (await post({ q: 'user_id:n9', from: 'now-1d', to: 'now' })).statusCode,
      202,
      'free again once done',
    );
    await run();
    await run();
  });

  await t.test('a legal hold refuses deletion requests', async (t) => {
    const platform = await makeToken(
      db,
      config,
      await makeUser(db, 'pa@del.test', { platformAdmin: true }),
    );
    const placed = await app.inject({
      method: 'PUT',
      url: `/v1/orgs/${a.org.id}/legal-hold`,
      headers: { authorization: `Bearer ${platform}` },
      payload: { reason: 'case 2026-17' },
    });
    t.equal(placed.statusCode, 201, placed.body);
    const refused = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/deletions`, {
      q: 'user_id:u7',
      from: 'now-7d',
      to: 'now',
    });
    t.equal(refused.statusCode, 409);
    t.equal(refused.json().error.code, 'legal_hold');
    const byUser = await call(app, admin, 'POST', `/v1/orgs/${a.org.id}/deletions`, {
      user_id: 'u7',
    });
    t.equal(byUser.statusCode, 409);
    t.equal(await rowsOf(web, 'u7'), 5);
    const released = await app.inject({
      method: 'DELETE',
      url: `/v1/orgs/${a.org.id}/legal-hold`,
      headers: { authorization: `Bearer ${platform}` },
    });
    t.equal(released.statusCode, 200);
  });

  await t.test('org B and non-admins of A get nothing', async (t) => {
    const [job] = (await call(app, admin, 'GET', `/v1/orgs/${a.org.id}/deletions`)).json()
      .deletions;
    const routes: ['GET' | 'POST', string, object?][] = [
      ['GET', `/v1/apps/${a.app.id}/deletions`],
      ['GET', `/v1/apps/${a.app.id}/deletions/${job.id}`],
      ['POST', `/v1/apps/${a.app.id}/deletions`, { q: 'user_id:u7', from: 'now-1d', to: 'now' }],
      ['GET', `/v1/orgs/${a.org.id}/deletions`],
      ['GET', `/v1/orgs/${a.org.id}/deletions/${job.id}`],
      ['POST', `/v1/orgs/${a.org.id}/deletions`, { user_id: 'u7' }],
    ];
    for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
      for (const [method, url, body] of routes) {
        const res = await call(app, b.tokens[role], method, url, body);
        t.equal(res.statusCode, 404, `org B ${role}: ${method} ${url}`);
      }
    }
    for (const role of ['member', 'viewer'] as const) {
      for (const [method, url, body] of routes) {
        const res = await call(app, a.tokens[role], method, url, body);
        t.equal(res.statusCode, 403, `org A ${role}: ${method} ${url}`);
      }
    }
    const viaB = await call(app, b.tokens.admin, 'GET', `/v1/apps/${b.app.id}/deletions/${job.id}`);
    t.equal(viaB.statusCode, 404, "A's job id under B's own app");
    t.equal(await rowsOf(web, 'u7'), 5, 'nothing deleted');
  });
});
