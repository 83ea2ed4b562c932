// Platform alerts on real services: with ClickHouse unreachable (a real client pointed at a port
// nobody listens on) the check fires and platform admins get it in the bell, once; it resolves
// when ClickHouse answers again. An instance that stopped sending heartbeats fires too. Nothing
// here needs ClickHouse to deliver.
import t from 'tap';
import { createHttpStore } from '../../../src/infra/clickhouse/http-store.ts';
import { findFreePort } from '../../../src/infra/embedded/process-state.ts';
import { checkPlatform, heartbeatKey } from '../../../src/modules/alerts/platform-alerts.ts';
import { call, makeToken, makeUser } from '../auth/auth-fixtures.ts';
import { waitUntil } from '../notifications/receivers.ts';
import { alertsTestApp } from './alerts-fixtures.ts';

t.test('platform alerts', async (t) => {
  const ctx = await alertsTestApp(t, {
    PLATFORM_ALERT_INSTANCE_SILENT_MS: '5000',
    PLATFORM_HEARTBEAT_INTERVAL_MS: '500',
  });
  const { app } = ctx;
  const admin = await makeUser(ctx.db, 'root@platform.test', { platformAdmin: true });
  const token = await makeToken(ctx.db, ctx.config, admin);
  const tenantUser = await makeUser(ctx.db, 'someone@tenant.test');
  const tenantToken = await makeToken(ctx.db, ctx.config, tenantUser);
  const deadClickHouse = createHttpStore({
    url: `http://127.0.0.1:${await findFreePort()}`,
    database: 'mylog',
  });
  t.teardown(() => deadClickHouse.close());
  const titles = async (tok: string) =>
    (
      (await call(app, tok, 'GET', '/v1/notifications')).json().notifications as { title: string }[]
    ).map((n) => n.title);

  t.test('ClickHouse unreachable fires to platform admins, once, and resolves', async (t) => {
    const down = { ...app.alerts.platform, clickhouse: deadClickHouse };
    const results = await checkPlatform(down);
    t.match(
      results.find((r) => r.check === 'clickhouse_unreachable'),
      { firing: true },
    );
    t.match(
      results.find((r) => r.check === 'postgres_unreachable'),
      { firing: false },
    );
    await checkPlatform(down);
    t.ok(
      await waitUntil(async () =>
        (await titles(token)).includes('[FIRING] MyLog: clickhouse unreachable'),
      ),
      'in the platform admin’s bell',
    );
    await new Promise((r) => setTimeout(r, 500));
    t.equal(
      (await titles(token)).filter((x) => x === '[FIRING] MyLog: clickhouse unreachable').length,
      1,
      'two checks while down: one notification',
    );
    t.same(await titles(tenantToken), [], 'tenants are not told');
    await checkPlatform(app.alerts.platform);
    t.ok(
      await waitUntil(async () =>
        (await titles(token)).includes('[RESOLVED] MyLog: clickhouse unreachable'),
      ),
    );
  });

  t.test('an instance that stopped reporting fires', async (t) => {
    const now = Date.now();
    await ctx.redis.zadd(heartbeatKey(ctx.config), now - 60_000, 'ip-10-0-0-9-4242-abcdef');
    const results = await checkPlatform(app.alerts.platform);
    const silent = results.find((r) => r.check === 'instance_silent');
    t.match(
      silent,
      { firing: true, value: 1 },
      'only the silent one: this live instance keeps reporting',
    );
    t.match(silent?.detail, /ip-10-0-0-9-4242-abcdef/);
    t.ok(
      await waitUntil(async () =>
        (await titles(token)).includes('[FIRING] MyLog: instance silent'),
      ),
    );
  });
});
