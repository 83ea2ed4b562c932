// The ingest context (MYLOG_ROLES=ingest): key auth and its cache, rate limits, idempotency,
// redaction, tail publishing, the ingest service and routes, and the overload policy. It sits on
// the pipeline (registered after it): accepted rows go to the pipeline's group commit, and the
// overload policy reads the pipeline's queue monitor. Data and imports flow one way:
// tail → search → ingest → pipeline.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasRole } from '../../config.ts';
import { dedicatedConnections, failFastRedisOptions, whenRedisReady } from '../../infra/redis.ts';
import { IngestKeyUsage } from '../ingest-keys/ingest-key-usage.ts';
import { createIngestKeysRepository } from '../ingest-keys/ingest-keys.repository.ts';
import { subscribeToIngestKeyRevocations } from '../ingest-keys/ingest-key-events.ts';
import { createIngestStats } from '../ingest-stats/ingest-stats.ts';
import { createIngestRedaction } from '../redaction/ingest-redaction.ts';
import type { RedactionRulesCache } from '../redaction/redaction-rules-cache.ts';
import { createIdempotencyKeys } from './idempotency.ts';
import { IngestKeyCache } from './ingest-key-cache.ts';
import { ingestRoutes } from './ingest.routes.ts';
import { createIngestService } from './ingest.service.ts';
import { overloadPolicy } from './overload-policy.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createTailPublisher } from './tail-publisher.ts';

export interface IngestContext {
  keyCache: IngestKeyCache;
  /** An app's redaction rules as ingest applies them; changes clear it. */
  redactionRules: RedactionRulesCache;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Present on the ingest role only. */
    ingest?: IngestContext;
  }
}

async function ingestPlugin(app: FastifyInstance): Promise<void> {
  const { config, pipeline } = app;
  const committer = pipeline.committer;
  if (!hasRole(config, 'ingest') || committer === undefined) return;
  const connections = dedicatedConnections(app.redis);
  const dedicated = connections.open;
  const keysRepository = createIngestKeysRepository(app.db);
  const keyCache = new IngestKeyCache(
    (hash) => keysRepository.resolveByHash(hash),
    config.ingest.keyCacheTtlMs,
  );
  const unsubscribe = await subscribeToIngestKeyRevocations(dedicated(), config, (message) =>
    keyCache.delete(message.key_hash),
  );
  const keyUsage = new IngestKeyUsage({
    intervalMs: config.ingest.keyLastUsedIntervalMs,
    write: (key, at, unlessUsedSince) =>
      keysRepository.touchLastUsed({ orgId: key.orgId }, key.keyId, at, unlessUsedSince),
    onError: (error, key) =>
      app.log.warn({ err: error, keyId: key.keyId }, 'could not record ingest key last use'),
  });
  const stats = createIngestStats({
    clickhouse: app.clickhouse,
    flushIntervalMs: config.analytics.ingestStatsFlushIntervalMs,
    onError: (error) => app.log.warn({ err: error }, 'could not write ingest stats'),
  });
  // The ingest requests' connection fails fast: a Redis outage is a 503, never a hang.
  const requestRedis = dedicated(failFastRedisOptions(config.ingest.redisCommandTimeoutMs));
  const redaction = createIngestRedaction(app.db, config, app.metrics);
  app.decorate('ingest', { keyCache, redactionRules: redaction.rules });
  const tail = createTailPublisher(requestRedis, config);
  const service = createIngestService({
    redaction,
    config,
    stats,
    committer,
    rateLimiter: createRateLimiter(requestRedis, config),
    tail,
    idempotency: createIdempotencyKeys(requestRedis, config),
    redisReady: () => whenRedisReady(requestRedis, config.ingest.redisWaitMs),
    metrics: pipeline.metrics,
  });
  await app.register(ingestRoutes, {
    service,
    keys: keyCache,
    keyUsage,
    metrics: pipeline.metrics,
    overloaded: overloadPolicy(config, pipeline.monitor, committer),
  });

  app.addHook('onClose', async () => {
    // Requests still waiting on a batch are answered first (the pipeline's close does it again,
    // a no-op then): whichever plugin closes first, no request loses its stats or tail publish.
    await committer.close();
    await tail.settled();
    // Last-use writes already started finish before the database pool closes.
    await keyUsage.flush();
    await stats.close();
    await unsubscribe().catch(() => undefined);
    await connections.closeAll();
  });
}

export default fp(ingestPlugin, { name: 'ingest', dependencies: ['pipeline'] });
export { ingestPlugin };
