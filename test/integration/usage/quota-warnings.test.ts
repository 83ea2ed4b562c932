// The quota soft limit: once an app has stored USAGE_QUOTA_WARN_PERCENT of its daily quota, its
// org's owners and admins are notified (in-app here), once per app and day however often the
// check runs; below the threshold nothing is sent.
import t from 'tap';
import { checkQuotas } from '../../../src/modules/usage/usage.tasks.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { insertRows, makeRow, nowNs, NS_PER_MS } from '../search/search-fixtures.ts';

t.test('a soft-limit warning goes out once, before the hard limit', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t, {
    env: { USAGE_QUOTA_WARN_PERCENT: '80' },
  });
  const a = await makeTenant(db, config, 'quota-a');
  await db
    .updateTable('apps')
    .set({ daily_quota_records: 10 })
    .where('id', '=', a.app.id)
    .execute();
  const store = (n: number) =>
    insertRows(
      clickhouse,
      Array.from({ length: n }, () =>
        makeRow({ orgId: a.org.id, appId: a.app.id }, { tsNs: nowNs() - 1000n * NS_PER_MS }),
      ),
    );
  const inApp = () =>
    db
      .selectFrom('notifications')
      .select(['user_id', 'title', 'event_id'])
      .where('org_id', '=', a.org.id)
      .execute();

  await store(7);
  t.equal(await checkQuotas(app, Date.now()).catch(() => -1), 0, '70 %: no warning');
  t.same(await inApp(), []);

  await store(1);
  const warned = await checkQuotas(app, Date.now()).catch((e: unknown) => String(e));
  t.equal(warned, 1, '80 %: one warning');
  const rows = await inApp();
  const admins = [a.users.owner.id, a.users.admin.id].sort();
  t.same(rows.map((r) => r.user_id).sort(), admins, 'to the owner and the admin, in-app');
  t.match(rows[0]?.title, /has used 80 % of today's record quota/);
  t.equal(await checkQuotas(app, Date.now()).catch(() => -1), 0, 'not twice the same day');
  t.equal((await inApp()).length, 2);
});
