// Makes one group-commit batch durable in Redis: the payload bytes, then the job that points at
// them, then (per INGEST_DURABILITY) the wait that makes a 202 mean what it says.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { RedisUnavailableError, whenRedisReady } from '../../infra/redis.ts';
import { LOGS_INSERT_FORMAT } from '../logs-table/logs-table.ts';
import type { LocalPayloads } from './local-payloads.ts';
import {
  INGEST_JOB_NAME,
  ingestJobOptions,
  newJobId,
  payloadKey,
  type IngestJobData,
} from './ingest-queue.ts';

/** An Idempotency-Key's record, written with the batch that holds the request's rows. */
export interface IdempotencyMarker {
  key: string;
  ttlMs: number;
  valueFor(jobId: string): string;
}

export interface SealedBatch {
  body: Buffer;
  rows: number;
  firstReceivedAtMs: number;
  markers?: readonly IdempotencyMarker[];
}

/** The batch could not be made durable: nobody in it may be told 202. */
export class BatchNotDurableError extends Error {
  constructor(
    message: string,
    readonly reason: 'redis_error' | 'redis_unavailable' | 'replication_timeout',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BatchNotDurableError';
  }
}

export interface BatchWriter {
  write(batch: SealedBatch): Promise<string>;
}

/**
 * `connection` must be dedicated to this writer: WAIT blocks the connection it runs on and only
 * counts that connection's own writes.
 */
export function createBatchWriter(deps: {
  config: Config;
  connection: Redis;
  queue: Queue<IngestJobData>;
  /** This process's own worker, when it has one: it gets the payload without reading Redis. */
  localPayloads?: LocalPayloads;
}): BatchWriter {
  const { config, connection, queue, localPayloads } = deps;
  const jobOptions = ingestJobOptions(config);
  const idempotencyWindowS = Math.ceil(config.ingest.idempotencyWindowMs / 1000);
  return {
    async write(batch) {
      const jobId = newJobId();
      const key = payloadKey(config, jobId);
      const markers = batch.markers ?? [];
      try {
        await whenRedisReady(connection, config.ingest.redisWaitMs);
        // Payload first: a job never points at missing bytes. A crash between the two leaves an
        // orphan payload (never acknowledged) that the sweeper removes. Idempotency markers go in
        // the same transaction: each names the job, and counts only once that job exists.
        if (markers.length === 0) await connection.set(key, batch.body);
        else {
          const multi = connection.multi().set(key, batch.body);
          for (const m of markers) multi.set(m.key, m.valueFor(jobId), 'PX', m.ttlMs);
          const results = await multi.exec();
          const failed = results?.find(([error]) => error !== null)?.[0];
          if (results === null || failed) throw failed ?? new Error('the transaction was aborted');
        }
        // Before the job exists, so that the worker can never start it before the hand-off.
        localPayloads?.put(key, batch.body);
        await queue.add(
          INGEST_JOB_NAME,
          {
            v: 1,
            payloadKey: key,
            format: LOGS_INSERT_FORMAT,
            rows: batch.rows,
            bytes: batch.body.length,
            firstReceivedAtMs: batch.firstReceivedAtMs,
            enqueuedAtMs: Date.now(),
          },
          markers.length === 0
            ? { ...jobOptions, jobId }
            : // A retry finds its batch by the job: keep the completed job as long as the marker.
              { ...jobOptions, jobId, removeOnComplete: { age: idempotencyWindowS } },
        );
      } catch (error) {
        localPayloads?.drop(key);
        if (error instanceof RedisUnavailableError) {
          throw new BatchNotDurableError(error.message, 'redis_unavailable', { cause: error });
        }
        throw new BatchNotDurableError('could not queue the batch in Redis', 'redis_error', {
          cause: error,
        });
      }
      if (config.ingest.durability === 'replica') {
        const replicas = await connection.wait(1, config.ingest.replicaWaitTimeoutMs);
        if (replicas < 1) {
          // The job stays queued and will very likely be stored, but it is not yet safe against a
          // failover, so it is not acknowledged: the sender retries (at-least-once for this case).
          throw new BatchNotDurableError(
            `no Redis replica acknowledged the batch within ${config.ingest.replicaWaitTimeoutMs} ms`,
            'replication_timeout',
          );
        }
      }
      // fsync: Redis runs with appendfsync always, so the reply above came after the fsync.
      return jobId;
    },
  };
}
