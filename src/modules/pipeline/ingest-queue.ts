// The one queue of the ingest pipeline: its name, job payload, default options and key names.
//
// A job carries metadata only. Its rows (serialised bytes) sit in their own Redis string, written
// as bytes and read back as bytes: going through BullMQ's JSON job data would cost a
// stringify/parse of tens of MB/s on the hot path (measured ~200 MB/s for the pair on this box).
import { randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Config } from '../../config.ts';
import type { RawInsertTarget } from '../../infra/clickhouse/store.ts';
import { LOGS_INSERT_FORMAT, LOGS_INSERT_TARGET } from '../logs-table/logs-table.ts';

export const INGEST_QUEUE_NAME = 'ingest';
export const INGEST_JOB_NAME = 'insert-logs';

export interface IngestJobData {
  v: 1;
  /** Redis key of the payload: rows as serialiseRows() writes them. */
  payloadKey: string;
  /** The payload's format; absent on jobs queued by versions that wrote JSONEachRow objects. */
  format?: typeof LOGS_INSERT_FORMAT;
  rows: number;
  bytes: number;
  /** When the oldest request of the batch was received: the start of its ingest → stored lag. */
  firstReceivedAtMs: number;
  enqueuedAtMs: number;
}

/** BullMQ's key prefix: every queue key lives under the deployment's (or test file's) prefix. */
export function bullPrefix(config: Pick<Config, 'redisKeyPrefix'>): string {
  return config.redisKeyPrefix;
}

export function payloadKey(config: Pick<Config, 'redisKeyPrefix'>, jobId: string): string {
  return `${config.redisKeyPrefix}:ingest-payload:${jobId}`;
}

/** The Redis hash BullMQ keeps a job in (it exists from the add until the job is removed). */
export function ingestJobKey(config: Pick<Config, 'redisKeyPrefix'>, jobId: string): string {
  return `${bullPrefix(config)}:${INGEST_QUEUE_NAME}:${jobId}`;
}

/** Pattern for the sweeper that removes payloads whose job was never created. */
export function payloadKeyPattern(config: Pick<Config, 'redisKeyPrefix'>): string {
  return `${config.redisKeyPrefix}:ingest-payload:*`;
}

/**
 * Job ids are the ClickHouse insert_deduplication_token, so they must never repeat. They start
 * with the creation time so that a payload's age can be read from its key.
 */
export function newJobId(nowMs = Date.now()): string {
  return `j${nowMs.toString(36)}-${randomBytes(9).toString('base64url')}`;
}

export function jobIdCreatedAtMs(jobId: string): number | undefined {
  const match = /^j([0-9a-z]+)-/.exec(jobId);
  return match?.[1] === undefined ? undefined : parseInt(match[1], 36);
}

export function ingestJobOptions(config: Config): JobsOptions {
  return {
    attempts: config.worker.maxAttempts,
    backoff: { type: 'capped-exponential', delay: config.worker.backoffMs },
    // Completed jobs are in ClickHouse; keeping them would only hold Redis memory.
    removeOnComplete: true,
    // Failed jobs are the dead-letter queue: kept until replayed (mylog dlq replay).
    removeOnFail: false,
  };
}

/** Exponential with a ceiling and ±20 % jitter, so a fleet of retries does not arrive in step. */
export function cappedExponentialBackoffMs(
  attemptsMade: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.max(1, Math.round(exp * (0.8 + 0.4 * random())));
}

/** How a payload of this format is inserted. */
export function insertTargetOf(format: IngestJobData['format']): RawInsertTarget {
  return format === LOGS_INSERT_FORMAT ? LOGS_INSERT_TARGET : { format: 'JSONEachRow' };
}

export function isIngestJobData(value: unknown): value is IngestJobData {
  const v = value as Partial<IngestJobData> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.v === 1 &&
    typeof v.payloadKey === 'string' &&
    (v.format === undefined || v.format === LOGS_INSERT_FORMAT) &&
    typeof v.rows === 'number' &&
    typeof v.bytes === 'number' &&
    typeof v.firstReceivedAtMs === 'number' &&
    typeof v.enqueuedAtMs === 'number'
  );
}
