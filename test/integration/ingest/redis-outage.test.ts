// Ingest through a Redis outage (hardening issue 21, finding 3), against a redis-server of this
// file's own that the test stops and starts again (same port, same append-only file):
// - while Redis is down, ingest answers 503 with Retry-After after a short bounded wait
//   (INGEST_REDIS_WAIT_MS) instead of holding the request until Redis is back;
// - a batch sent again with the same Idempotency-Key is stored once, across a restart;
// - a key whose batch never reached the queue, or is still in flight, behaves as it should.
import crypto from 'node:crypto';
import path from 'node:path';
import t from 'tap';
import { startEmbeddedRedis } from '../../../src/infra/embedded/embedded-redis.ts';
import { isPortFree } from '../../../src/infra/embedded/process-state.ts';
import type { EmbeddedService } from '../../../src/infra/embedded/embedded-service.ts';
import { createRedis } from '../../../src/infra/redis.ts';
import { idempotencyRedisKey } from '../../../src/modules/ingest/idempotency.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTempDir } from '../../helpers/services.ts';
import { bearer, countRows, createTenant, waitForRows } from './ingest-fixtures.ts';

const WAIT_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('ingest through a Redis outage', async (t) => {
  const dir = path.join(makeTempDir('redis-outage'), 'redis');
  let redis: EmbeddedService = await startEmbeddedRedis({ dir, adopt: true });
  t.teardown(() => redis.stop());
  const port = Number(new URL(redis.url).port);
  /** Stopped for good: nothing answers on its port any more (a forked AOF child could, briefly). */
  const stopRedis = async () => {
    await redis.stop();
    while (!(await isPortFree(port))) await sleep(50);
  };
  const startRedis = async () => {
    const url = redis.url;
    redis = await startEmbeddedRedis({ dir, adopt: true });
    t.equal(redis.url, url, 'Redis is back on the same port');
  };

  const { app, db, clickhouse, config } = await buildTestApp(t, {
    env: {
      REDIS_URL: redis.url,
      INGEST_REDIS_WAIT_MS: String(WAIT_MS),
      INGEST_REDIS_COMMAND_TIMEOUT_MS: '1000',
      INGEST_GROUP_COMMIT_WINDOW_MS: '5',
    },
  });
  const probe = createRedis(redis.url);
  t.teardown(() => probe.quit().catch(() => probe.disconnect()));

  const batch = (label: string, n = 5) =>
    JSON.stringify(Array.from({ length: n }, (_, i) => ({ message: `${label} ${i}` })));
  const post = (key: string, body: string, idempotencyKey?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: {
        ...bearer(key),
        'content-type': 'application/json',
        ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
      },
      payload: body,
    });
  /** As a client honouring Retry-After does: sent again while the answer is 503, because ioredis
   *  may take a moment to reconnect after Redis is back. */
  const postAfterOutage = async (key: string, body: string, idempotencyKey?: string) => {
    let res = await post(key, body, idempotencyKey);
    for (let i = 0; i < 20 && res.statusCode === 503; i++) {
      await sleep(500);
      res = await post(key, body, idempotencyKey);
    }
    return res;
  };
  /** The answer, or 'hung' if none came within `ms`. */
  const within = async (ms: number, request: ReturnType<typeof post>) =>
    Promise.race([request, sleep(ms).then(() => 'hung' as const)]);

  t.test(
    'Redis down → 503 with Retry-After after the bounded wait, then accepted again',
    async (t) => {
      // With a rate limit the request meets Redis before the batch write too.
      for (const limits of [{}, { rateLimitRecordsPerS: 10_000 }]) {
        const tenant = await createTenant(db, limits);
        await stopRedis();
        const started = Date.now();
        const pending = post(tenant.key, batch('outage'));
        const res = await within(WAIT_MS + 4_000, pending);
        const elapsed = Date.now() - started;
        await startRedis();
        if (res === 'hung') {
          t.fail(`no answer within ${WAIT_MS + 4_000} ms while Redis was down`);
          t.comment(`late answer: ${(await pending).body}`);
          continue;
        }
        t.equal(res.statusCode, 503, JSON.stringify(res.json()));
        t.equal(res.json().error.code, 'overloaded');
        t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After');
        t.ok(elapsed >= WAIT_MS - 50, `waited for Redis first (${elapsed} ms)`);
        const again = await postAfterOutage(tenant.key, batch('after'));
        t.equal(again.statusCode, 202, `accepted once Redis is back: ${again.body}`);
        t.equal(await waitForRows(clickhouse, tenant.appId, 5), 5);
      }
    },
  );

  t.test(
    'the same batch sent twice with one Idempotency-Key across a restart is stored once',
    async (t) => {
      const tenant = await createTenant(db);
      const body = batch('once', 7);
      const key = crypto.randomUUID();
      const first = await post(tenant.key, body, key);
      t.equal(first.statusCode, 202);
      t.equal(await waitForRows(clickhouse, tenant.appId, 7), 7, 'stored');
      await stopRedis();
      await startRedis();
      const second = await postAfterOutage(tenant.key, body, key);
      t.equal(second.statusCode, 202, 'the retry is answered as the first was');
      t.same(second.json(), first.json());
      const other = await post(tenant.key, batch('different', 2), key);
      t.equal(other.statusCode, 422, 'the key with another body is refused');
      t.equal(other.json().error.code, 'idempotency_key_reused');
      await sleep(1_000);
      await app.pipeline.committer?.flush();
      t.equal(await waitForRows(clickhouse, tenant.appId, 8, 2_000), 7, 'stored once');
    },
  );

  t.test('sent during the outage (503), then twice after it: stored once', async (t) => {
    const tenant = await createTenant(db);
    const body = batch('retried', 4);
    const key = crypto.randomUUID();
    await stopRedis();
    const during = await within(WAIT_MS + 4_000, post(tenant.key, body, key));
    await startRedis();
    t.not(during, 'hung', 'answered during the outage');
    if (during !== 'hung') t.equal(during.statusCode, 503);
    t.equal((await postAfterOutage(tenant.key, body, key)).statusCode, 202);
    t.equal((await post(tenant.key, body, key)).statusCode, 202);
    t.equal(await waitForRows(clickhouse, tenant.appId, 4), 4);
    await sleep(1_000);
    t.equal(await countRows(clickhouse, tenant.appId), 4, 'stored once');
  });

  t.test(
    'a key bound to a batch that never reached the queue does not block the retry',
    async (t) => {
      const tenant = await createTenant(db);
      const body = batch('orphan', 3);
      const key = crypto.randomUUID();
      const redisKey = idempotencyRedisKey(config, tenant.appId, key);
      // What a batch write leaves when Redis dies between the payload and the job: a marker bound
      // to a job id that does not exist.
      const first = await post(tenant.key, body, key);
      t.equal(first.statusCode, 202);
      t.equal(await waitForRows(clickhouse, tenant.appId, 3), 3);
      const marker = JSON.parse((await probe.get(redisKey)) ?? '{}') as { job?: string };
      t.ok(marker.job, 'the marker names its job');
      await probe.set(redisKey, JSON.stringify({ ...marker, job: 'j0-never-added' }), 'PX', 60_000);
      const retry = await post(tenant.key, body, key);
      t.equal(retry.statusCode, 202);
      t.equal(await waitForRows(clickhouse, tenant.appId, 6), 6, 'stored again: it was not queued');
    },
  );

  t.test('a key whose first request is still in flight → 409 with Retry-After', async (t) => {
    const tenant = await createTenant(db);
    const key = crypto.randomUUID();
    const body = batch('inflight', 2);
    const first = post(tenant.key, body, key);
    const second = post(tenant.key, body, key);
    const answers = [await first, await second].map((r) => r.statusCode).sort();
    t.same(answers, [202, 409], 'one accepted, the concurrent one told to come back');
    const res = [await first, await second].find((r) => r.statusCode === 409);
    t.equal(res?.json().error.code, 'idempotency_key_in_use');
    t.ok(Number(res?.headers['retry-after']) >= 1);
    t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2);
  });

  t.test('an Idempotency-Key that is not 1-255 visible ASCII characters → 400', async (t) => {
    const tenant = await createTenant(db);
    for (const bad of ['', 'x'.repeat(256), 'a b', 'ключ']) {
      const res = await post(tenant.key, batch('bad'), bad);
      t.equal(res.statusCode, 400, JSON.stringify(bad));
      t.equal(res.json().error.code, 'invalid_idempotency_key');
    }
  });
});
