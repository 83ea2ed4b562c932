// Redis failover under ingest (issue 18 §3), on real processes on loopback: a primary, a replica
// and three Sentinels; MyLog reaches Redis only through REDIS_SENTINELS with
// INGEST_DURABILITY=replica. Senders stream batches; the primary is kill -9ed mid-stream; Sentinel
// promotes the replica; the old primary comes back (as its supervisor would restart it) and
// becomes the new primary's replica; ingest resumes. Every acknowledged record must be stored
// exactly once, and the output says what senders saw meanwhile (503 + Retry-After, for how long).
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTempDir } from '../../helpers/services.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { startSentinelRedis } from './lib/sentinel-redis.ts';
import { waitUntilStored } from './lib/stored-messages.ts';
import { compareStored, describeSenders, startSenders } from './lib/steady-sender.ts';

t.setTimeout(150_000);

t.test(
  'kill -9 of the Redis primary mid-stream loses and duplicates nothing acknowledged',
  async (t) => {
    const began = Date.now();
    const redis = await startSentinelRedis(makeTempDir('sentinel'));
    t.teardown(() => redis.stop());
    await redis.waitForReplicas(1, 30_000);

    const { app, db, clickhouse, config } = await buildTestApp(t, {
      env: {
        REDIS_URL: '',
        REDIS_SENTINELS: redis.sentinelsEnv,
        INGEST_DURABILITY: 'replica',
        INGEST_REPLICA_WAIT_TIMEOUT_MS: '500',
        INGEST_REDIS_WAIT_MS: '500',
        INGEST_REDIS_COMMAND_TIMEOUT_MS: '1000',
        INGEST_OVERLOAD_RETRY_AFTER_S: '1',
        // A request cut off by the kill cannot release its Idempotency-Key: its retries get 409
        // until this runs out (30 s by default).
        INGEST_IDEMPOTENCY_PENDING_TTL_MS: '2000',
        // A job the worker held when the primary died stays active (with its lock) on the new
        // primary until the lock expires and the stalled check returns it: with the 30 s default
        // that took up to a minute, longer than the wait below, and a CI run counted those
        // records as lost. 5 s keeps the same path, faster.
        WORKER_LOCK_DURATION_MS: '5000',
      },
    });
    t.equal(config.redisUrl, redis.url, 'REDIS_SENTINELS is the Redis MyLog uses');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const tenant = await createTenant(db);

    const senders = startSenders({
      baseUrl: `http://127.0.0.1:${port}`,
      ingestKey: tenant.key,
      runId: `failover-${Date.now().toString(36)}`,
      senders: 4,
      recordsPerRequest: 20,
      intervalMs: 100,
      giveUpMs: 45_000,
    });
    t.teardown(() => senders.stop());
    await senders.acknowledgedMore(20, 20_000);
    const ackedBeforeKill = senders.report.acknowledged.length;

    const killedAt = Date.now();
    const oldPort = await redis.killPrimary();
    const newPort = await redis.waitForPromotion(oldPort, 30_000);
    const promotedMs = Date.now() - killedAt;
    await redis.restart(oldPort);
    await redis.waitForReplicas(1, 30_000);
    const replicaBackMs = Date.now() - killedAt;
    await senders.acknowledgedMore(20, 30_000);
    const report = await senders.stop();
    const ackedAfterKill = report.acknowledged.length - ackedBeforeKill;

    const stored = await waitUntilStored(clickhouse, tenant.appId, report.acknowledged, 45_000);
    const { lost, duplicated, unacknowledgedStored } = compareStored(report.acknowledged, stored);

    t.ok(ackedBeforeKill > 0 && ackedAfterKill > 0, 'the primary died mid-stream');
    t.not(newPort, oldPort, `Sentinel promoted the replica (:${oldPort} → :${newPort})`);
    t.same(report.unacknowledged, [], 'every batch was acknowledged in the end');
    t.same(lost.slice(0, 10), [], `no acknowledged record lost (${lost.length})`);
    t.same(duplicated.slice(0, 10), [], `no record stored twice (${duplicated.length})`);
    t.ok((report.answers['503'] ?? 0) > 0, 'senders were told 503 while there was no safe primary');
    t.ok(
      report.retryAfterSeen.length > 0 && report.retryAfterSeen.every((s) => s >= 1),
      'every 503 carried Retry-After',
    );
    t.comment(
      `failover: primary :${oldPort} killed; Sentinel promoted :${newPort} after ${promotedMs} ms; ` +
        `the old primary was a replica again after ${replicaBackMs} ms`,
    );
    t.comment(`senders: ${describeSenders(report)}`);
    t.comment(
      `records: ${report.acknowledged.length} acknowledged (${ackedBeforeKill} before the kill), ` +
        `${lost.length} lost, ${duplicated.length} duplicated, ` +
        `${unacknowledgedStored} stored without a 202; test took ${Date.now() - began} ms`,
    );
  },
);
