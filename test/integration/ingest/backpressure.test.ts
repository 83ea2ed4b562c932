// Over an app's rate or quota → 429 with Retry-After; over the queue ceiling → 503 with
// Retry-After; what was accepted still lands.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, createTenant, waitForRows } from './ingest-fixtures.ts';

const records = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ message: `m${i}` })));

t.test('backpressure', async (t) => {
  const { app, db, clickhouse } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '10',
      INGEST_RATE_LIMIT_BURST_MS: '1000',
      // Jobs being inserted count as depth: a ceiling this low reads slow inserts on a busy machine
      // as overload, so the worker holds few jobs at once here (WORKER_CONCURRENCY).
      WORKER_CONCURRENCY: '4',
      INGEST_QUEUE_MAX_DEPTH: '6',
      INGEST_OVERLOAD_POLL_INTERVAL_MS: '20',
    },
  });
  const post = (key: string, n: number) =>
    app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: records(n),
    });

  t.test('rate limit → 429 with Retry-After', async (t) => {
    const tenant = await createTenant(db, { rateLimitRecordsPerS: 100 });
    let accepted = 0;
    let limited;
    for (let i = 0; i < 10 && !limited; i++) {
      const res = await post(tenant.key, 40);
      if (res.statusCode === 202) accepted += 40;
      else limited = res;
    }
    t.ok(limited, 'a burst over 100 records/s is refused');
    t.equal(limited?.statusCode, 429);
    t.equal(limited?.json().error.code, 'rate_limited');
    t.ok(Number(limited?.headers['retry-after']) >= 1, 'Retry-After');
    t.ok(accepted >= 80 && accepted <= 120, `about one burst accepted (${accepted})`);
    await new Promise((r) => setTimeout(r, 1_100));
    t.equal((await post(tenant.key, 40)).statusCode, 202, 'tokens refill');
    accepted += 40;
    t.equal(await waitForRows(clickhouse, tenant.appId, accepted), accepted, 'accepted data lands');
  });

  t.test('daily quota → 429 until the next UTC day', async (t) => {
    const tenant = await createTenant(db, { dailyQuotaRecords: 50 });
    t.equal((await post(tenant.key, 30)).statusCode, 202);
    const over = await post(tenant.key, 30);
    t.equal(over.statusCode, 429);
    t.equal(over.json().error.code, 'quota_exceeded');
    t.ok(Number(over.headers['retry-after']) > 0);
    t.equal((await post(tenant.key, 20)).statusCode, 202, 'the rest of the quota is usable');
    t.equal(await waitForRows(clickhouse, tenant.appId, 50), 50);
  });

  t.test('queue ceiling → 503 with Retry-After, then recovery', async (t) => {
    const tenant = await createTenant(db);
    await app.pipeline.workers?.close();
    const accepted: number[] = [];
    let overloaded;
    for (let i = 0; i < 30 && !overloaded; i++) {
      const res = await post(tenant.key, 10);
      if (res.statusCode === 202) accepted.push(10);
      else overloaded = res;
      await new Promise((r) => setTimeout(r, 40));
    }
    t.equal(overloaded?.statusCode, 503);
    t.equal(overloaded?.json().error.code, 'overloaded');
    t.ok(Number(overloaded?.headers['retry-after']) >= 1);
    t.ok(accepted.length >= 3, 'up to the ceiling was accepted');
    // Start a worker again: the accepted jobs drain, and ingest accepts again.
    const { startWorkers } = await import('../../../src/modules/pipeline/worker-manager.ts');
    const workers = startWorkers({
      config: app.config,
      redis: app.redis,
      clickhouse,
      metrics: app.pipeline.metrics,
      log: { warn() {}, error() {} },
    });
    t.teardown(() => workers.close());
    const total = accepted.reduce((a, b) => a + b, 0);
    t.equal(await waitForRows(clickhouse, tenant.appId, total), total, 'accepted data lands');
    await app.pipeline.monitor.refresh();
    t.equal((await post(tenant.key, 10)).statusCode, 202, 'accepting again');
    const metrics = await app.metrics.registry.metrics();
    t.match(metrics, /mylog_ingest_requests_refused_total\{reason="queue_full"\} [1-9]/);
  });
});
