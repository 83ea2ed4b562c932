/**
 * Redis memory per queued record: what sizing Redis for N minutes of ClickHouse outage needs
 * (docs/operations.md §10). An ingest-only MyLog (no worker, so nothing leaves the queue) on a
 * redis-server of its own takes BENCH_RECORDS typical access-log records (bench/lib/format-bodies.ts)
 * in NDJSON batches of BENCH_BATCH; the script prints used_memory before and after, per record.
 *
 * Run: node --import tsx bench/redis-queue-memory.bench.ts   (loopback only, ~20 s)
 */
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedRedis } from '../src/infra/embedded/embedded-redis.ts';
import { createRedis } from '../src/infra/redis.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { makeTempDir } from '../test/helpers/services.ts';
import { createTenant } from '../test/integration/ingest/ingest-fixtures.ts';
import { formatRequest } from './lib/format-bodies.ts';
import { loadAverages } from './lib/load-average.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
try {
  const redisServer = await startEmbeddedRedis({
    dir: path.join(makeTempDir('queue-memory'), 'redis'),
    adopt: true,
  });
  t.teardown(() => redisServer.stop());
  const { app, db } = await buildTestApp(t, {
    env: {
      REDIS_URL: redisServer.url,
      MYLOG_ROLES: 'ingest,api',
      INGEST_QUEUE_MAX_DEPTH: '1000000',
    },
  });
  const tenant = await createTenant(db);
  const probe = createRedis(redisServer.url);
  t.teardown(() => probe.quit());
  const usedMemory = async () =>
    Number(/used_memory:(\d+)/.exec(await probe.info('memory'))?.[1] ?? 0);
  const before = await usedMemory();
  let bodyBytes = 0;
  for (let sent = 0; sent < RECORDS; sent += BATCH) {
    const request = formatRequest('ndjson', BATCH, sent / BATCH);
    bodyBytes += request.body.length;
    const res = await app.inject({
      method: 'POST',
      url: request.path,
      headers: { authorization: `Bearer ${tenant.key}`, 'content-type': request.contentType },
      payload: request.body,
    });
    if (res.statusCode !== 202) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
  }
  const after = await usedMemory();
  const perRecord = (after - before) / RECORDS;
  console.log(
    `${RECORDS} records queued in batches of ${BATCH} (${(bodyBytes / RECORDS).toFixed(0)} B of ` +
      `NDJSON each): Redis used_memory ${before} → ${after} B, ${perRecord.toFixed(1)} B per queued ` +
      `record (${((perRecord * 1e6) / 2 ** 30).toFixed(2)} GiB per million)`,
  );
} finally {
  console.log(`load average: ${loadAverages()} on ${os.cpus().length} CPUs`);
  for (const fn of teardowns.reverse()) await Promise.resolve(fn()).catch(() => undefined);
}
process.exit(0);
