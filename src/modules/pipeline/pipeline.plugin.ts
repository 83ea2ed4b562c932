// Wires the pipeline into the app according to MYLOG_ROLES: the ingest role gets the group commit
// that writes durable batches to the queue (the ingest plugin, src/modules/ingest/ingest.plugin.ts,
// builds the ingest context on top of it), the worker role the insert workers. Shutdown (onClose)
// runs in order: flush the group-commit buffer → close workers → close the queue → release this
// plugin's Redis connections.
import { EventEmitter } from 'node:events';
import { Queue, type Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasRole } from '../../config.ts';
import { dedicatedConnections, failFastRedisOptions } from '../../infra/redis.ts';
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
  /** Ingest role: the group commit ingest hands its rows to. */
  committer: GroupCommitter | undefined;
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
  const connections = dedicatedConnections(app.redis);
  const dedicated = connections.open;
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
  let sweeper: NodeJS.Timeout | undefined;

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
    pipeline.committer = committer;
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
    await pipeline.workers?.close();
    await queue.close();
    await connections.closeAll();
  });
}

export default fp(pipelinePlugin, { name: 'pipeline' });
export { pipelinePlugin };
