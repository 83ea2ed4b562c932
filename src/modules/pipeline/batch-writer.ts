// Makes one group-commit batch durable in Redis: the payload bytes, then the job that points at
// them, then (per INGEST_DURABILITY) the wait that makes a 202 mean what it says.
import type { Queue } from 'bullmq';
import { Command, type Redis } from 'ioredis';
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

/**
 * Bytes a sealed batch may have free before and after its body, in the same allocation
 * (`SealedBatch.framed`): the SET command's header and its final CRLF are written there, so the
 * batch goes to Redis without being copied into a command first.
 */
export const PAYLOAD_HEADROOM = 160;
export const PAYLOAD_TAILROOM = 2;

export interface SealedBatch {
  body: Buffer;
  /** `body` with PAYLOAD_HEADROOM bytes before it and PAYLOAD_TAILROOM after it, free to write. */
  framed?: Buffer;
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
        if (markers.length === 0) await connection.sendCommand(setPayloadCommand(key, batch));
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

/** SET key payload; sent from the batch's own buffer when it has room for the command around it. */
function setPayloadCommand(key: string, batch: SealedBatch): Command {
  const { body, framed } = batch;
  const header = `*3\r\n$3\r\nSET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$${body.length}\r\n`;
  const headerBytes = Buffer.byteLength(header);
  if (framed === undefined || headerBytes > PAYLOAD_HEADROOM)
    return new Command('set', [key, body]);
  const start = PAYLOAD_HEADROOM - headerBytes;
  framed.write(header, start);
  framed.write('\r\n', PAYLOAD_HEADROOM + body.length);
  return new PreframedCommand(
    'set',
    [key, body],
    framed.subarray(start, PAYLOAD_HEADROOM + body.length + PAYLOAD_TAILROOM),
  );
}

/** A command whose bytes on the wire are already written (RESP), sent as they are. */
class PreframedCommand extends Command {
  constructor(
    name: string,
    args: (string | Buffer)[],
    private readonly wire: Buffer,
  ) {
    super(name, args);
  }

  override toWritable(): Buffer {
    return this.wire;
  }
}
