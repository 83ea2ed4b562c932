// One job → its rows in ClickHouse exactly once. The insert itself is the merger's: it inserts
// the jobs this worker holds at once as one block, under a deduplication token claimed in Redis,
// so a retried or re-run job (worker killed mid-insert, lost acknowledgement) never duplicates.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { isIngestJobData, type IngestJobData } from './ingest-queue.ts';
import {
  ClaimNotReplicatedError,
  type InsertMerger,
  type MergedInsertResult,
} from './insert-merger.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';

export { insertSettings } from './insert-merger.ts';

export type InsertJobResult = MergedInsertResult;

export interface InsertJobDeps {
  clickhouse: ClickHouseStore;
  merger: InsertMerger;
  metrics: PipelineMetrics;
  unavailableRetryMs: number;
  /** The worker running this processor, for pausing it while ClickHouse is unreachable. */
  worker(): Worker | undefined;
  onStored?(job: Job<IngestJobData>, storedAtMs: number): void;
}

export function createInsertJobProcessor(deps: InsertJobDeps) {
  return async (job: Job<IngestJobData>): Promise<InsertJobResult> => {
    if (!isIngestJobData(job.data) || job.id === undefined) {
      throw new UnrecoverableError('not an ingest job payload');
    }
    const data = job.data;
    deps.metrics.queueWaitSeconds.observe(Math.max(0, Date.now() - data.enqueuedAtMs) / 1000);
    let result: InsertJobResult;
    try {
      result = await deps.merger.submit(job);
    } catch (error) {
      if (error instanceof ClaimNotReplicatedError || !(await reachable(deps.clickhouse))) {
        // ClickHouse is down (or the Redis replica is), not refusing this job: keep every job
        // waiting without spending its attempts, and probe again later. The job returns to the
        // wait list as it is.
        deps.metrics.insertFailuresTotal.inc({ kind: 'unavailable' });
        await deps.worker()?.rateLimit(deps.unavailableRetryMs);
        throw Worker.RateLimitError();
      }
      deps.metrics.insertFailuresTotal.inc({ kind: 'rejected' });
      throw error;
    }
    if (result.alreadyStored) return result;
    const storedAtMs = Date.now();
    deps.metrics.insertRowsTotal.inc(data.rows);
    deps.metrics.lagSeconds.observe((storedAtMs - data.firstReceivedAtMs) / 1000);
    deps.onStored?.(job, storedAtMs);
    return result;
  };
}

async function reachable(store: ClickHouseStore): Promise<boolean> {
  try {
    return await store.ping();
  } catch {
    return false;
  }
}
