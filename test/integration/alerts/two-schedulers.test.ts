// Two (then three) MyLog processes share Redis, Postgres and ClickHouse (chdb over its HTTP
// bridge), all running the scheduler role, with real ingest and a real webhook receiver. A rule
// fires within `every + 5 s` of the first matching logs and resolves when they stop, notified
// once per transition; then a third instance that hangs inside its evaluation transaction is
// kill -9'ed there, and the others finish that period: still exactly one notification per
// transition.
import t from 'tap';
import { sql } from 'kysely';
import { startChdbHttpBridge } from '../../../src/infra/clickhouse/chdb-http-bridge.ts';
import { migrateClickHouse } from '../../../src/infra/clickhouse/migrations.ts';
import { loadConfig } from '../../../src/config.ts';
import { createDb, migratePostgres } from '../../../src/infra/postgres.ts';
import { testEnv } from '../../helpers/app.ts';
import { createChdbTestStore } from '../../helpers/services.ts';
import { bearer, makeTenant } from '../auth/auth-fixtures.ts';
import { freePort, startMyLogProcess } from '../ingest/mylog-process.ts';
import { startHttpReceiver, waitUntil } from '../notifications/receivers.ts';
import { verifySignature } from '../../../src/modules/notifications/webhook-signature.ts';
import { FAST_DELIVERY } from './alerts-fixtures.ts';

const EVERY_MS = 10_000;
// The third instance takes an evaluation only when BullMQ hands it one (about a third of them),
// and starts in ~5 s on a quiet box but over a minute under CI's load: its wait below is long.
t.setTimeout(600_000);

t.test('alerts across scheduler instances, one killed mid-evaluation', async (t) => {
  const clickhouse = createChdbTestStore(t);
  await migrateClickHouse(clickhouse);
  const bridgePort = await freePort();
  const bridge = await startChdbHttpBridge({
    session: clickhouse.bridgeSession(),
    port: bridgePort,
  });
  t.teardown(() => bridge.close());
  const base = await testEnv(t, {
    CLICKHOUSE_URL: `http://127.0.0.1:${bridgePort}`,
    CLICKHOUSE_DATABASE: clickhouse.database,
    ALERTS_DISPATCH_INTERVAL_MS: '500',
    ALERTS_EVAL_LOCK_MS: '2000',
    ALERTS_INGEST_LAG_MS: '1000',
    PLATFORM_ALERTS_INTERVAL_MS: '60000',
    SHUTDOWN_DEADLINE_MS: '5000',
    LOG_LEVEL: 'warn',
    ...FAST_DELIVERY,
  });
  const config = loadConfig(base);
  const db = createDb(base.DATABASE_URL as string, 2);
  t.teardown(() => db.destroy());
  await migratePostgres(db);
  const tenant = await makeTenant(db, config, 'acme');
  const hook = await startHttpReceiver();
  t.teardown(() => hook.close());
  const secret = 'acme-webhook-secret-0123456789';

  const a = await startMyLogProcess({ ...base, PORT: String(await freePort()) });
  const b = await startMyLogProcess({ ...base, PORT: String(await freePort()) });
  t.teardown(async () => {
    await a.kill();
    await b.kill();
  });
  const api = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${b.url}${path}`, {
      method,
      headers: { ...bearer(tenant.tokens.admin), 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read field by field in assertions
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const channel = await api('POST', '/v1/notification-channels', {
    org: 'acme',
    name: 'hook',
    type: 'webhook',
    config: { url: hook.url, secret },
  });
  t.equal(channel.status, 201);
  const rule = async (name: string, service: string) => {
    const res = await api('POST', '/v1/alerts', {
      org: 'acme',
      name,
      q: `service:${service} level:error`,
      condition: { op: '>', threshold: 2 },
      window: '20s',
      every: '10s',
      no_data: 'ok',
      channels: [channel.json.channel.id],
    });
    t.equal(res.status, 201, JSON.stringify(res.json));
    return res.json.alert.id as string;
  };
  const postLogs = async (service: string, n: number) => {
    const res = await fetch(`${a.url}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        Array.from({ length: n }, (_, i) => ({ level: 'error', service, message: `boom ${i}` })),
      ),
    });
    t.equal(res.status, 202);
  };
  const received = (ruleId: string) =>
    hook.received.filter((r) => JSON.parse(r.body).rule.id === ruleId);

  t.test('fires within every + 5 s, resolves, one notification per transition', async (t) => {
    const id = await rule('checkout errors', 'checkout');
    await new Promise((r) => setTimeout(r, 1_000));
    const posted = Date.now();
    await postLogs('checkout', 5);
    t.ok(await waitUntil(() => received(id).length >= 1, EVERY_MS + 10_000), 'fired');
    const firedAfter = (received(id)[0]?.atMs ?? Infinity) - posted;
    t.ok(firedAfter <= EVERY_MS + 5_000, `fired ${firedAfter} ms after the first matching logs`);
    t.ok(await waitUntil(() => received(id).length >= 2, 40_000), 'resolved');
    await new Promise((r) => setTimeout(r, 3_000));
    const states = received(id).map((r) => JSON.parse(r.body).state);
    t.same(states, ['firing', 'resolved'], 'exactly one per transition across two schedulers');
    for (const r of received(id)) {
      t.ok(
        verifySignature(
          r.headers['x-mylog-signature'] as string,
          secret,
          r.body,
          Math.floor(Date.now() / 1000),
        ),
      );
    }
  });

  t.test('an instance kill -9ed inside an evaluation: another finishes it, once', async (t) => {
    // C hangs inside every evaluation transaction it takes (fault injection), holding the claim.
    const c = await startMyLogProcess(
      {
        ...base,
        PORT: String(await freePort()),
        MYLOG_ROLES: 'scheduler',
        ALERTS_EVAL_COMMIT_DELAY_MS: '60000',
      },
      { waitForHttp: false },
    );
    t.teardown(() => c.kill());
    const id = await rule('payment errors', 'payments');
    await postLogs('payments', 5);
    const stuck = async () => {
      const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'idle in transaction'
        AND now() - state_change > interval '300 milliseconds'`.execute(db);
      return (rows.rows[0]?.n ?? 0) > 0;
    };
    t.ok(await waitUntil(stuck, 240_000, 100), 'C is inside an evaluation transaction');
    await c.kill('SIGKILL');
    t.ok(await waitUntil(() => received(id).length >= 1, 30_000), 'fired after the kill');
    t.ok(await waitUntil(() => received(id).length >= 2, 45_000), 'resolved');
    await new Promise((r) => setTimeout(r, 3_000));
    t.same(
      received(id).map((r) => JSON.parse(r.body).state),
      ['firing', 'resolved'],
    );
    const events = await db
      .selectFrom('alert_events')
      .select(['to_state'])
      .where('rule_id', '=', id)
      .orderBy('id')
      .execute();
    t.same(
      events.map((e) => e.to_state),
      ['firing', 'ok'],
      'history has each transition once',
    );
    const periods = await db
      .selectFrom('alert_rules')
      .select('last_period_ms')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    t.ok(Number(periods.last_period_ms) > 0, 'periods kept being evaluated after the kill');
  });
});
