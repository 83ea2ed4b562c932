// Two MyLog processes sharing Redis, Postgres and ClickHouse (chdb served over HTTP by this test):
// a row POSTed to A reaches a socket on B, filtered; B's subscriber lease outlives B only until it
// expires; a socket closed by B's shutdown resumes on A with no gap and no duplicate; a socket on
// an instance stalled past its lease is told to resume, and gets what ingest left unpublished.
import t from 'tap';
import {
  startChdbHttpBridge,
  type ChdbHttpBridge,
} from '../../../src/infra/clickhouse/chdb-http-bridge.ts';
import { migrateClickHouse } from '../../../src/infra/clickhouse/migrations.ts';
import { loadConfig } from '../../../src/config.ts';
import { createDb, migratePostgres } from '../../../src/infra/postgres.ts';
import { createRedis } from '../../../src/infra/redis.ts';
import { tailSubscribersKey } from '../../../src/modules/ingest/tail-publisher.ts';
import { LEASE_LAPSED_WARNING } from '../../../src/modules/tail/tail-leases.ts';
import { testEnv } from '../../helpers/app.ts';
import { createChdbTestStore } from '../../helpers/services.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { freePort, startMyLogProcess } from '../ingest/mylog-process.ts';
import { postLogs, sleep, TailClient, userWithToken, type Row } from './tail-fixtures.ts';

const LEASE_TTL_MS = 5_000;

t.test('tail across two instances', async (t) => {
  const clickhouse = createChdbTestStore(t);
  await migrateClickHouse(clickhouse);
  const bridgePort = await freePort();
  const bridge: ChdbHttpBridge = await startChdbHttpBridge({
    session: clickhouse.bridgeSession(),
    port: bridgePort,
  });
  t.teardown(() => bridge.close());
  const base = await testEnv(t, {
    CLICKHOUSE_URL: `http://127.0.0.1:${bridgePort}`,
    CLICKHOUSE_DATABASE: clickhouse.database,
    INGEST_GROUP_COMMIT_WINDOW_MS: '10',
    INGEST_TAIL_SUBSCRIBER_CACHE_MS: '200',
    // Short, so that a crashed or stalled instance's lease runs out within the test; not shorter,
    // because a lease that runs out closes its sockets (1012), and a server process on a loaded
    // CI host can stall for a second or two.
    TAIL_LEASE_TTL_MS: String(LEASE_TTL_MS),
    SHUTDOWN_DEADLINE_MS: '5000',
  });
  const config = loadConfig(base);
  const db = createDb(base.DATABASE_URL as string, 2);
  t.teardown(() => db.destroy());
  await migratePostgres(db);
  const redis = createRedis(base.REDIS_URL as string);
  t.teardown(() => redis.quit());
  const tenant = await createTenant(db);
  const { token } = await userWithToken(db, config, tenant.orgId);

  // Each stopped at teardown as soon as it runs: a failed start of B must not leave A running.
  const a = await startMyLogProcess({ ...base, PORT: String(await freePort()) });
  t.teardown(() => a.kill());
  const b = await startMyLogProcess({
    ...base,
    PORT: String(await freePort()),
    MYLOG_ROLES: 'api',
  });
  t.teardown(() => b.kill());
  const leases = () => redis.zcount(tailSubscribersKey(config, tenant.appId), Date.now(), '+inf');

  t.test('a row POSTed to A reaches a socket on B, filtered', async (t) => {
    const client = await TailClient.open(b.url, { token });
    t.teardown(() => client.close());
    t.match(await client.subscribe({ apps: [tenant.appId], q: 'level:error -service:noise' }), {
      type: 'subscribed',
    });
    t.equal(await leases(), 1, 'B holds a lease for the app');
    await sleep(400);
    const posted = Date.now();
    await postLogs(a.url, tenant.key, [
      { level: 'error', service: 'api', message: 'wanted' },
      { level: 'error', service: 'noise', message: 'unwanted service' },
      { level: 'info', service: 'api', message: 'unwanted level' },
    ]);
    const rows = await client.waitRows(1);
    t.same(
      rows.map((r) => r.message),
      ['wanted'],
    );
    t.ok(Date.now() - posted < 2_000, `delivered in ${Date.now() - posted} ms`);
    await sleep(300);
    t.equal(client.rows().length, 1, 'nothing else');
  });

  t.test(
    'B shuts down: its sockets get 1012 and resume on A without gap or duplicate',
    async (t) => {
      const first = await TailClient.open(b.url, { token });
      await first.subscribe({ apps: [tenant.appId], q: 'kind:seq' });
      await sleep(400);
      let sending = true;
      t.teardown(() => {
        sending = false;
      });
      let seq = 0;
      const sender = (async () => {
        while (sending) {
          const batch = Array.from({ length: 4 }, () => ({
            kind: 'seq',
            seq: seq++,
            message: 'm',
          }));
          await postLogs(a.url, tenant.key, batch);
          await sleep(20);
        }
      })();
      await first.waitRows(40);
      await b.kill('SIGTERM');
      t.match(await first.closed, { code: 1012 });
      const before = first.rows();
      const lastId = (before.at(-1) as Row).id;

      const second = await TailClient.open(a.url, { token });
      t.teardown(() => second.close());
      await second.subscribe({ apps: [tenant.appId], q: 'kind:seq', last_id: lastId });
      t.match(await second.next((m) => m.type === 'backfill'), { complete: true });
      await sleep(800);
      sending = false;
      await sender;
      const after = await second.waitRows(seq - before.length, 20_000);
      const ids = after.map((r) => r.id);
      t.equal(new Set(ids).size, ids.length, 'no duplicate');
      const seqs = [...before, ...after].map((r) => Number(r.attributes.seq)).sort((x, y) => x - y);
      t.same(
        seqs,
        Array.from({ length: seq }, (_, i) => i),
        `all ${seq} rows exactly once`,
      );
    },
  );

  t.test("a stalled instance's lease runs out: its sockets resume and miss nothing", async (t) => {
    const c = await startMyLogProcess({
      ...base,
      PORT: String(await freePort()),
      MYLOG_ROLES: 'api',
    });
    t.teardown(() => c.kill());
    const first = await TailClient.open(c.url, { token });
    t.teardown(() => first.close());
    await first.subscribe({ apps: [tenant.appId], q: 'kind:stall' });
    await sleep(400);
    await postLogs(a.url, tenant.key, [{ kind: 'stall', message: 'before' }]);
    await first.waitRows(1);
    // Stopped past its lease's life, as an event loop stalled by a loaded host is.
    c.child.kill('SIGSTOP');
    const deadline = Date.now() + LEASE_TTL_MS + 15_000;
    while ((await leases()) > 0 && Date.now() < deadline) await sleep(200);
    t.equal(await leases(), 0, 'no live lease during the stall');
    await sleep(400); // past ingest's subscriber cache: A now leaves the app unpublished
    await postLogs(a.url, tenant.key, [{ kind: 'stall', message: 'during' }]);
    c.child.kill('SIGCONT');
    const closed = await Promise.race([first.closed, sleep(15_000).then(() => undefined)]);
    t.match(closed, { code: 1012, reason: /lapsed/ }, 'told to reconnect');
    if (!closed) return;
    // The log line reaches this process's pipe on its own schedule, not before the close frame.
    for (let i = 0; i < 50 && !c.output().includes(LEASE_LAPSED_WARNING); i++) await sleep(100);
    t.match(c.output(), LEASE_LAPSED_WARNING, 'and logged a warning');
    const held = first.rows();
    t.same(
      held.map((r) => r.message),
      ['before'],
      'the row posted during the stall never reached it live',
    );
    const second = await TailClient.open(a.url, { token });
    t.teardown(() => second.close());
    await second.subscribe({
      apps: [tenant.appId],
      q: 'kind:stall',
      last_id: (held.at(-1) as Row).id,
    });
    t.same(
      (await second.waitRows(1)).map((r) => r.message),
      ['during'],
      'the resume delivered it',
    );
  });

  t.test("a crashed instance's lease expires", async (t) => {
    const b2 = await startMyLogProcess({
      ...base,
      PORT: String(await freePort()),
      MYLOG_ROLES: 'api',
    });
    const client = await TailClient.open(b2.url, { token });
    await client.subscribe({ apps: [tenant.appId], q: '' });
    t.ok((await leases()) >= 1, 'leased while watched');
    await b2.kill('SIGKILL');
    await client.closed;
    await sleep(LEASE_TTL_MS + 500);
    t.equal(await leases(), 0, 'no live lease once the TTL passed');
  });
});
