// Starts the pipeline's workers, attaches metrics and failure logging in one place, and closes
// them in order on shutdown (active inserts finish first; nothing acknowledged is dropped).
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import {
  bullPrefix,
  cappedExponentialBackoffMs,
  INGEST_QUEUE_NAME,
  type IngestJobData,
} from './ingest-queue.ts';
import { createInsertJobProcessor, type InsertJobResult } from './insert-job.processor.ts';
import { InsertMerger } from './insert-merger.ts';
import type { LocalPayloads } from './local-payloads.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';

export interface WorkerLogger {
  warn(obj: object, message: string): void;
  error(obj: object, message: string): void;
}

export interface WorkerManager {
  readonly workers: readonly Worker[];
  close(): Promise<void>;
}

export function startWorkers(deps: {
  config: Config;
  redis: Redis;
  clickhouse: ClickHouseStore;
  metrics: PipelineMetrics;
  localPayloads?: LocalPayloads;
  log: WorkerLogger;
  onStored?(job: Job<IngestJobData>, storedAtMs: number): void;
}): WorkerManager {
  const { config, metrics, log } = deps;
  const ref: { worker?: Worker<IngestJobData, InsertJobResult> } = {};
  // With replica durability the merger WAITs after claiming a group, which blocks the connection
  // it runs on: it gets its own.
  const replicaWait = config.ingest.durability === 'replica';
  const mergerRedis = replicaWait ? deps.redis.duplicate() : deps.redis;
  if (replicaWait) mergerRedis.on('error', () => undefined);
  const merger = new InsertMerger({
    redis: mergerRedis,
    replicaWaitTimeoutMs: replicaWait ? config.ingest.replicaWaitTimeoutMs : undefined,
    clickhouse: deps.clickhouse,
    localPayloads: deps.localPayloads,
    keyPrefix: config.redisKeyPrefix,
    targetRows: config.worker.mergeTargetRows,
    maxWaitMs: config.worker.mergeMaxWaitMs,
    onInsert: (rows, seconds) => {
      metrics.insertSeconds.observe(seconds);
      metrics.insertBlockRows.observe(rows);
    },
  });
  const processor = createInsertJobProcessor({
    clickhouse: deps.clickhouse,
    merger,
    metrics,
    unavailableRetryMs: config.worker.unavailableRetryMs,
    worker: () => ref.worker,
    onStored: deps.onStored,
  });
  const worker = new Worker<IngestJobData, InsertJobResult>(INGEST_QUEUE_NAME, processor, {
    // BullMQ duplicates this connection for its blocking reads.
    connection: deps.redis,
    prefix: bullPrefix(config),
    concurrency: config.worker.concurrency,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.lockDurationMs,
    // A job whose worker keeps dying (SIGKILL, OOM) is retried a few times, then dead-lettered.
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (attemptsMade: number) =>
        cappedExponentialBackoffMs(
          attemptsMade,
          config.worker.backoffMs,
          config.worker.maxBackoffMs,
        ),
    },
  });
  ref.worker = worker;
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const entry = { jobId: job.id, attemptsMade: job.attemptsMade, err: error };
    if (final)
      log.error(entry, 'ingest job failed its last attempt: dead-lettered (mylog dlq list)');
    else log.warn(entry, 'ingest job insert failed; will retry');
  });
  worker.on('error', (error) => log.error({ err: error }, 'ingest worker error'));
  const workers = [worker];
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      if (mergerRedis !== deps.redis) mergerRedis.disconnect();
    },
  };
}
