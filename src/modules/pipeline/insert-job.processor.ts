// One job → one INSERT of its bytes as they are, with the job id as insert_deduplication_token, so
// a retried or re-run job (worker killed mid-insert, lost acknowledgement) never duplicates rows.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClickHouseSettings, ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { insertTargetOf, isIngestJobData, LOGS_TABLE, type IngestJobData } from './ingest-queue.ts';
import type { LocalPayloads } from './local-payloads.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';

export interface InsertJobResult {
  rows: number;
  /** The payload was already gone: an earlier run inserted it and died before completing the job. */
  alreadyStored: boolean;
}

export interface InsertJobDeps {
  redis: Redis;
  clickhouse: ClickHouseStore;
  metrics: PipelineMetrics;
  /** Payloads written by this process's own ingest role, used instead of reading them back. */
  localPayloads?: LocalPayloads;
  unavailableRetryMs: number;
  /** The worker running this processor, for pausing it while ClickHouse is unreachable. */
  worker(): Worker | undefined;
  onStored?(job: Job<IngestJobData>, storedAtMs: number): void;
}

export function insertSettings(jobId: string): ClickHouseSettings {
  return {
    insert_deduplication_token: jobId,
    // Without it a deduplicated block may still reach the rollup materialized view on some
    // ClickHouse versions and be counted twice; the rollup table keeps its own dedup window.
    deduplicate_blocks_in_dependent_materialized_views: 1,
  };
}

export function createInsertJobProcessor(deps: InsertJobDeps) {
  return async (job: Job<IngestJobData>): Promise<InsertJobResult> => {
    if (!isIngestJobData(job.data) || job.id === undefined) {
      throw new UnrecoverableError('not an ingest job payload');
    }
    const data = job.data;
    deps.metrics.queueWaitSeconds.observe(Math.max(0, Date.now() - data.enqueuedAtMs) / 1000);
    const readStarted = performance.now();
    const payload =
      deps.localPayloads?.take(data.payloadKey) ?? (await deps.redis.getBuffer(data.payloadKey));
    deps.metrics.payloadReadSeconds.observe((performance.now() - readStarted) / 1000);
    // Only a successful insert deletes the payload, so a missing payload means "already stored".
    if (payload === null) return { rows: data.rows, alreadyStored: true };
    const started = performance.now();
    try {
      await deps.clickhouse.insertRaw(
        LOGS_TABLE,
        payload,
        insertSettings(job.id),
        insertTargetOf(data),
      );
    } catch (error) {
      if (!(await reachable(deps.clickhouse))) {
        // ClickHouse is down, not refusing this job: keep every job waiting without spending its
        // attempts, and probe again later. The job returns to the wait list as it is.
        deps.metrics.insertFailuresTotal.inc({ kind: 'unavailable' });
        await deps.worker()?.rateLimit(deps.unavailableRetryMs);
        throw Worker.RateLimitError();
      }
      deps.metrics.insertFailuresTotal.inc({ kind: 'rejected' });
      throw error;
    }
    const storedAtMs = Date.now();
    deps.metrics.insertSeconds.observe((performance.now() - started) / 1000);
    deps.metrics.insertRowsTotal.inc(data.rows);
    deps.metrics.lagSeconds.observe((storedAtMs - data.firstReceivedAtMs) / 1000);
    await deps.redis.del(data.payloadKey);
    deps.onStored?.(job, storedAtMs);
    return { rows: data.rows, alreadyStored: false };
  };
}

async function reachable(store: ClickHouseStore): Promise<boolean> {
  try {
    return await store.ping();
  } catch {
    return false;
  }
}
