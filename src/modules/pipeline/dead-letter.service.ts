// The dead-letter queue is BullMQ's failed set: jobs whose last insert attempt failed, kept with
// their payloads until someone replays them (mylog dlq replay) once the cause is fixed.
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isIngestJobData, type IngestJobData } from './ingest-queue.ts';

export interface DeadLetter {
  id: string;
  rows: number | null;
  bytes: number | null;
  attempts_made: number;
  failed_reason: string;
  enqueued_at: string;
  failed_at: string | null;
  payload_present: boolean;
}

export async function listDeadLetters(
  queue: Queue<IngestJobData>,
  redis: Redis,
  limit = 100,
): Promise<{ total: number; jobs: DeadLetter[] }> {
  const [total, jobs] = await Promise.all([
    queue.getFailedCount(),
    queue.getFailed(0, Math.max(0, limit - 1)),
  ]);
  const letters = await Promise.all(
    jobs.map(async (job): Promise<DeadLetter> => {
      const data = isIngestJobData(job.data) ? job.data : undefined;
      return {
        id: String(job.id),
        rows: data?.rows ?? null,
        bytes: data?.bytes ?? null,
        attempts_made: job.attemptsMade,
        failed_reason: job.failedReason,
        enqueued_at: new Date(job.timestamp).toISOString(),
        failed_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        payload_present: data ? (await redis.exists(data.payloadKey)) === 1 : false,
      };
    }),
  );
  return { total, jobs: letters };
}

/** Moves dead letters back to the wait list with fresh attempts. Same job id → same dedup token. */
export async function replayDeadLetters(
  queue: Queue<IngestJobData>,
  which: { all: true } | { id: string },
): Promise<{ replayed: string[]; missing: string[] }> {
  const replayed: string[] = [];
  const missing: string[] = [];
  const retry = async (job: Job<IngestJobData>): Promise<void> => {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    replayed.push(String(job.id));
  };
  if ('id' in which) {
    const job = (await queue.getJob(which.id)) as Job<IngestJobData> | undefined;
    if (!job || !(await job.isFailed())) missing.push(which.id);
    else await retry(job);
    return { replayed, missing };
  }
  for (;;) {
    const batch = (await queue.getFailed(0, 99)) as Job<IngestJobData>[];
    if (batch.length === 0) break;
    for (const job of batch) await retry(job);
  }
  return { replayed, missing };
}
