// When ingest refuses a request with 503 + Retry-After: the pipeline's queue is full or its Redis
// out of memory (the queue monitor's last reading), or the group commit holds too many rows that
// are not durable yet.
import type { Config } from '../../config.ts';
import type { GroupCommitter } from '../pipeline/group-commit.ts';
import type { QueueMonitor } from '../pipeline/queue-monitor.ts';
import { OverloadedError } from './ingest-errors.ts';

/** The refusal a request gets while the pipeline cannot take more, or undefined. */
export function overloadPolicy(
  config: Config,
  monitor: QueueMonitor,
  committer: GroupCommitter,
): () => OverloadedError | undefined {
  // Rows not yet durable are bounded too: beyond this many, Redis is not keeping up.
  const maxPendingRows =
    config.ingest.groupCommitMaxRows * (config.ingest.groupCommitMaxInFlightJobs + 2);
  return () => {
    const retryAfter = config.ingest.overloadRetryAfterS;
    const reading = monitor.latest();
    if (reading && reading.depth >= config.ingest.queueMaxDepth) {
      return new OverloadedError('queue_full', retryAfter, 'the ingest queue is full; retry later');
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
      return new OverloadedError('queue_full', retryAfter, 'ingest is not keeping up; retry later');
    }
    return undefined;
  };
}
