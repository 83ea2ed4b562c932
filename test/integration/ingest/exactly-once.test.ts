// Exactly-once under real faults. MyLog runs as child processes (an ingest instance and a
// worker-only instance) against real Redis and a real ClickHouse engine (chdb, served over
// ClickHouse's HTTP protocol by this process). Senders stamp (sender, seq) on every record.
// Faults: ClickHouse refusing inserts (a CHECK constraint), ClickHouse unreachable (its HTTP
// endpoint closed), the worker SIGKILLed in the middle of inserts, and the whole of MyLog
// SIGKILLed and restarted. Afterwards: every acknowledged record is stored exactly once, and no
// record is stored twice (unacknowledged ones may be stored once or not at all).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { Queue } from 'bullmq';
import {
  startChdbHttpBridge,
  type ChdbHttpBridge,
} from '../../../src/infra/clickhouse/chdb-http-bridge.ts';
import { migrateClickHouse } from '../../../src/infra/clickhouse/migrations.ts';
import { createDb, migratePostgres } from '../../../src/infra/postgres.ts';
import { createRedis } from '../../../src/infra/redis.ts';
import { testEnv } from '../../helpers/app.ts';
import { createChdbTestStore } from '../../helpers/services.ts';
import { createTenant } from './ingest-fixtures.ts';
import { freePort, startMyLogProcess, type MyLogProcess } from './mylog-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test(
  'every acknowledged record lands exactly once through ClickHouse and process faults',
  async (t) => {
    const clickhouse = createChdbTestStore(t);
    await migrateClickHouse(clickhouse);
    const bridgePort = await freePort();
    const session = clickhouse.bridgeSession();
    let bridge: ChdbHttpBridge | undefined = await startChdbHttpBridge({
      session,
      port: bridgePort,
    });
    t.teardown(() => bridge?.close());

    const base = await testEnv(t, {
      LOG_LEVEL: 'warn',
      CLICKHOUSE_URL: `http://127.0.0.1:${bridgePort}`,
      CLICKHOUSE_DATABASE: clickhouse.database,
      INGEST_GROUP_COMMIT_WINDOW_MS: '30',
      WORKER_LOCK_DURATION_MS: '1500',
      WORKER_BACKOFF_MS: '100',
      WORKER_MAX_BACKOFF_MS: '500',
      WORKER_UNAVAILABLE_RETRY_MS: '200',
      WORKER_MAX_ATTEMPTS: '1000',
      SHUTDOWN_DEADLINE_MS: '5000',
    });
    const db = createDb(base.DATABASE_URL as string, 2);
    t.teardown(() => db.destroy());
    await migratePostgres(db);
    const tenant = await createTenant(db);
    const redis = createRedis(base.REDIS_URL as string);
    t.teardown(() => redis.quit());
    const queue = new Queue('ingest', { connection: redis, prefix: base.REDIS_KEY_PREFIX });
    t.teardown(() => queue.close());

    const ingestEnv = { ...base, PORT: String(await freePort()), MYLOG_ROLES: 'api,ingest' };
    const workerEnv = { ...base, PORT: String(await freePort()), MYLOG_ROLES: 'worker' };
    let ingest: MyLogProcess = await startMyLogProcess(ingestEnv);
    let worker: MyLogProcess = await startMyLogProcess(workerEnv);
    t.teardown(async () => {
      await ingest.kill();
      await worker.kill();
    });
    // Given CLICKHOUSE_URL, a process never loads the embedded engine (~160 MB of RSS).
    for (const p of [ingest, worker]) {
      const maps = readFileSync(`/proc/${p.child.pid}/maps`, 'utf8');
      t.notOk(maps.includes('libchdb'), `pid ${p.child.pid} has not mapped chdb's library`);
    }

    // Senders: batches of 20 records with fresh seqs; never resend a seq (a resend of an
    // unacknowledged batch may legitimately duplicate, which is the sender's choice, not ours).
    const acked = new Set<string>();
    let sending = true;
    let refused = 0;
    const sender = async (id: number): Promise<void> => {
      let seq = 0;
      while (sending) {
        const records = Array.from({ length: 20 }, () => ({
          message: `s${id} #${seq}`,
          sender: String(id),
          seq: String(seq++),
        }));
        const res = await fetch(`${ingest.url}/v1/logs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(records),
        }).catch(() => undefined);
        if (res?.status === 202) for (const r of records) acked.add(`${r.sender}/${r.seq}`);
        else {
          refused += 1;
          await sleep(50);
        }
        await res?.arrayBuffer().catch(() => undefined);
      }
    };
    const senders = [1, 2, 3, 4].map(sender);

    await sleep(1_500);
    t.ok(acked.size > 0, 'records are being acknowledged');

    // 1. ClickHouse refuses every insert for a while: jobs retry with backoff and wait.
    await clickhouse.command('ALTER TABLE logs ADD CONSTRAINT fault_injection CHECK 0');
    await sleep(2_500);
    await clickhouse.command('ALTER TABLE logs DROP CONSTRAINT fault_injection');

    // 2. ClickHouse unreachable: the worker pauses without spending attempts.
    await bridge.close();
    bridge = undefined;
    await sleep(2_500);
    bridge = await startChdbHttpBridge({ session, port: bridgePort });

    // 3. The worker is SIGKILLed while an insert is running, three times.
    for (let i = 0; i < 3; i++) {
      const deadline = Date.now() + 10_000;
      while ((await queue.getActiveCount()) === 0 && Date.now() < deadline) await sleep(5);
      await worker.kill('SIGKILL');
      worker = await startMyLogProcess(workerEnv);
      await sleep(500);
    }

    // 4. The whole of MyLog is SIGKILLed (ingest and worker) and started again.
    await Promise.all([ingest.kill('SIGKILL'), worker.kill('SIGKILL')]);
    [ingest, worker] = await Promise.all([
      startMyLogProcess(ingestEnv),
      startMyLogProcess(workerEnv),
    ]);
    await sleep(1_500);

    sending = false;
    await Promise.all(senders);
    t.ok(refused > 0, 'some requests failed while MyLog was down (their records are not claimed)');

    // Drain: everything acknowledged reaches ClickHouse once the faults are over.
    const deadline = Date.now() + 60_000;
    let pending = -1;
    while (Date.now() < deadline) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      pending = Object.values(counts).reduce((a, b) => a + b, 0);
      if (pending === 0) break;
      await sleep(200);
    }
    t.equal(pending, 0, 'the queue drained');
    t.equal(await queue.getFailedCount(), 0, 'nothing was dead-lettered');

    const stored = await clickhouse.query<{ k: string; c: string }>(
      `SELECT concat(attributes['sender'], '/', attributes['seq']) AS k, count() AS c
     FROM logs WHERE app_id = {app:UUID} GROUP BY k`,
      { app: tenant.appId },
    );
    const duplicates = stored.filter((r) => Number(r.c) > 1);
    const storedKeys = new Set(stored.map((r) => r.k));
    const missing = [...acked].filter((k) => !storedKeys.has(k));
    t.same(duplicates.slice(0, 10), [], 'no record is stored twice');
    t.same(missing.slice(0, 10), [], `all ${acked.size} acknowledged records are stored`);
    t.ok(stored.length >= acked.size, 'stored ⊇ acknowledged');

    const [rollup] = await clickhouse.query<{ c: string }>(
      'SELECT sum(count) AS c FROM logs_rollup_1m WHERE app_id = {app:UUID}',
      { app: tenant.appId },
    );
    t.equal(Number(rollup?.c), stored.length, 'the rollup counts each stored record once');
  },
);
