// Wires the ingest pipeline into the app according to MYLOG_ROLES: the ingest role gets the
// ingest context (routes, group commit, limits, tail publish), the worker role the insert
// workers. Shutdown (onClose) runs in order: flush the group-commit buffer → close workers →
// close the queue → release this plugin's Redis connections.
import { EventEmitter } from 'node:events';
import { Queue, type Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis, RedisOptions } from 'ioredis';
import { hasRole } from '../../config.ts';
import { failFastRedisOptions, whenRedisReady } from '../../infra/redis.ts';
import { IngestKeyUsage } from '../ingest-keys/ingest-key-usage.ts';
import { createIngestKeysRepository } from '../ingest-keys/ingest-keys.repository.ts';
import { subscribeToIngestKeyRevocations } from '../ingest-keys/ingest-key-events.ts';
import { IngestKeyCache } from '../ingest/ingest-key-cache.ts';
import { OverloadedError } from '../ingest/ingest-errors.ts';
import { createIdempotencyKeys } from '../ingest/idempotency.ts';
import { createIngestService } from '../ingest/ingest.service.ts';
import { createIngestRedaction } from '../redaction/ingest-redaction.ts';
import type { RedactionRulesCache } from '../redaction/redaction-rules-cache.ts';
import { createIngestStats, type IngestStats } from '../ingest-stats/ingest-stats.ts';
import { ingestRoutes } from '../ingest/ingest.routes.ts';
import { createRateLimiter } from '../ingest/rate-limiter.ts';
import { createTailPublisher } from '../ingest/tail-publisher.ts';
import { createBatchWriter } from './batch-writer.ts';
import { GroupCommitter } from './group-commit.ts';
import { LocalPayloads } from './local-payloads.ts';
import { bullPrefix, INGEST_QUEUE_NAME, type IngestJobData } from './ingest-queue.ts';
import { sweepOrphanPayloads } from './payload-sweeper.ts';
import { pipelineMetrics, type PipelineMetrics } from './pipeline-metrics.ts';
import { startQueueMonitor, type QueueMonitor } from './queue-monitor.ts';
import { startWorkers, type WorkerManager } from './worker-manager.ts';

export interface PipelineEvents {
  stored: [job: Job<IngestJobData>, storedAtMs: number];
}

export interface Pipeline {
  metrics: PipelineMetrics;
  queue: Queue<IngestJobData>;
  committer: GroupCommitter | undefined;
  keyCache: IngestKeyCache | undefined;
  /** An app's redaction rules as ingest applies them (ingest role); changes clear it. */
  redactionRules: RedactionRulesCache | undefined;
  monitor: QueueMonitor;
  workers: WorkerManager | undefined;
  /** `stored` after each job's insert (benchmarks measure ingest → stored lag with it). */
  events: EventEmitter<PipelineEvents>;
}

declare module 'fastify' {
  interface FastifyInstance {
    pipeline: Pipeline;
  }
}

const SWEEP_INTERVAL_MS = 5 * 60_000;

async function pipelinePlugin(app: FastifyInstance): Promise<void> {
  const { config } = app;
  const metrics = pipelineMetrics(app.metrics.registry);
  const ingestRole = hasRole(config, 'ingest');
  const workerRole = hasRole(config, 'worker');
  const connections: Redis[] = [];
  const dedicated = (options?: RedisOptions): Redis => {
    const connection = app.redis.duplicate(options);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };
  // The producer's connection is its own: WAIT (replica durability) blocks it and counts only
  // its writes, and big payload writes should not queue behind auth or rate-limit calls. It and
  // the ingest requests' other connection fail fast: a Redis outage is a 503, never a hang.
  const failFast = failFastRedisOptions(config.ingest.redisCommandTimeoutMs);
  const producer = ingestRole ? dedicated(failFast) : app.redis;
  const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, {
    connection: producer,
    prefix: bullPrefix(config),
  });
  queue.on('error', (error) => app.log.warn({ err: error }, 'ingest queue error'));
  const monitor = startQueueMonitor({
    queue,
    redis: app.redis,
    metrics,
    intervalMs: config.ingest.overloadPollIntervalMs,
  });
  const events = new EventEmitter<PipelineEvents>();
  const pipeline: Pipeline = {
    metrics,
    queue,
    committer: undefined,
    keyCache: undefined,
    redactionRules: undefined,
    monitor,
    workers: undefined,
    events,
  };
  app.decorate('pipeline', pipeline);
  // Both roles in one process: batches go from the group commit to the worker in memory too.
  const localPayloads =
    ingestRole && workerRole && config.ingest.localPayloadMaxBytes > 0
      ? new LocalPayloads(config.ingest.localPayloadMaxBytes)
      : undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let keyUsage: IngestKeyUsage | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let stats: IngestStats | undefined;

  if (ingestRole) {
    const writer = createBatchWriter({ config, connection: producer, queue, localPayloads });
    const committer = new GroupCommitter({
      windowMs: config.ingest.groupCommitWindowMs,
      maxRows: config.ingest.groupCommitMaxRows,
      maxBytes: config.ingest.groupCommitMaxBytes,
      maxInFlight: config.ingest.groupCommitMaxInFlightJobs,
      write: (batch) => writer.write(batch),
      onSealed: (batch) => {
        metrics.groupCommitBatchRows.observe(batch.rows);
        metrics.groupCommitBatchBytes.observe(batch.body.length);
      },
      onWritten: (_batch, seconds) => metrics.groupCommitWriteSeconds.observe(seconds),
    });
    const keysRepository = createIngestKeysRepository(app.db);
    const keyCache = new IngestKeyCache(
      (hash) => keysRepository.resolveByHash(hash),
      config.ingest.keyCacheTtlMs,
    );
    unsubscribe = await subscribeToIngestKeyRevocations(dedicated(), config, (message) =>
      keyCache.delete(message.key_hash),
    );
    keyUsage = new IngestKeyUsage({
      intervalMs: config.ingest.keyLastUsedIntervalMs,
      write: (key, at, unlessUsedSince) =>
        keysRepository.touchLastUsed({ orgId: key.orgId }, key.keyId, at, unlessUsedSince),
      onError: (error, key) =>
        app.log.warn({ err: error, keyId: key.keyId }, 'could not record ingest key last use'),
    });
    pipeline.committer = committer;
    pipeline.keyCache = keyCache;
    stats = createIngestStats({
      clickhouse: app.clickhouse,
      flushIntervalMs: config.analytics.ingestStatsFlushIntervalMs,
      onError: (error) => app.log.warn({ err: error }, 'could not write ingest stats'),
    });
    const requestRedis = dedicated(failFast);
    const redaction = createIngestRedaction(app.db, config, app.metrics);
    pipeline.redactionRules = redaction.rules;
    const service = createIngestService({
      redaction,
      config,
      stats,
      committer,
      rateLimiter: createRateLimiter(requestRedis, config),
      tail: createTailPublisher(requestRedis, config),
      idempotency: createIdempotencyKeys(requestRedis, config),
      redisReady: () => whenRedisReady(requestRedis, config.ingest.redisWaitMs),
      metrics,
    });
    // Rows not yet durable are bounded too: beyond this many, Redis is not keeping up.
    const maxPendingRows =
      config.ingest.groupCommitMaxRows * (config.ingest.groupCommitMaxInFlightJobs + 2);
    const overloaded = (): OverloadedError | undefined => {
      const retryAfter = config.ingest.overloadRetryAfterS;
      const reading = monitor.latest();
      if (reading && reading.depth >= config.ingest.queueMaxDepth) {
        return new OverloadedError(
          'queue_full',
          retryAfter,
          'the ingest queue is full; retry later',
        );
      }
      if (
        reading?.redisMemoryPercent !== undefined &&
        reading.redisMemoryPercent >= config.ingest.redisMemoryMaxPercent
      ) {
        return new OverloadedError(
          'redis_memory',
          retryAfter,
          'the ingest queue is out of memory; retry later',
        );
      }
      if (committer.pendingRows >= maxPendingRows) {
        return new OverloadedError(
          'queue_full',
          retryAfter,
          'ingest is not keeping up; retry later',
        );
      }
      return undefined;
    };
    await app.register(ingestRoutes, { service, keys: keyCache, keyUsage, metrics, overloaded });
  }

  if (workerRole) {
    pipeline.workers = startWorkers({
      config,
      redis: app.redis,
      clickhouse: app.clickhouse,
      metrics,
      localPayloads,
      log: app.log,
      onStored: (job, storedAtMs) => events.emit('stored', job, storedAtMs),
    });
    sweeper = setInterval(() => {
      void sweepOrphanPayloads(config, app.redis).catch(() => undefined);
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
  }

  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    monitor.close();
    // Requests still waiting on a batch are answered before the workers and connections go.
    await pipeline.committer?.close();
    // Last-use writes already started finish before the database pool closes.
    await keyUsage?.flush();
    await stats?.close();
    await pipeline.workers?.close();
    await unsubscribe?.().catch(() => undefined);
    await queue.close();
    await Promise.allSettled(connections.map((c) => c.quit().catch(() => c.disconnect())));
  });
}

export default fp(pipelinePlugin, { name: 'pipeline' });
export { pipelinePlugin };
