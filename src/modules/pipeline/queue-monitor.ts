// Polls the queue depth, the dead-letter size and Redis memory on an interval, so the per-request
// overload check reads numbers from memory instead of asking Redis every time.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PipelineMetrics } from './pipeline-metrics.ts';

export interface QueueReading {
  depth: number;
  deadLetters: number;
  /** used_memory / maxmemory in percent; undefined when Redis has no maxmemory. */
  redisMemoryPercent: number | undefined;
  atMs: number;
}

export interface QueueMonitor {
  latest(): QueueReading | undefined;
  refresh(): Promise<QueueReading>;
  close(): void;
}

export async function readQueue(queue: Queue, redis: Redis): Promise<QueueReading> {
  const [counts, info] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
    redis.info('memory'),
  ]);
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  const max = Number(/maxmemory:(\d+)/.exec(info)?.[1] ?? 0);
  return {
    depth:
      (counts.waiting ?? 0) +
      (counts.active ?? 0) +
      (counts.delayed ?? 0) +
      (counts.prioritized ?? 0),
    deadLetters: counts.failed ?? 0,
    redisMemoryPercent: max > 0 ? (used / max) * 100 : undefined,
    atMs: Date.now(),
  };
}

export function startQueueMonitor(deps: {
  queue: Queue;
  redis: Redis;
  metrics: PipelineMetrics;
  intervalMs: number;
}): QueueMonitor {
  let last: QueueReading | undefined;
  const refresh = async (): Promise<QueueReading> => {
    last = await readQueue(deps.queue, deps.redis);
    deps.metrics.queueDepth.set(last.depth);
    deps.metrics.deadLetterSize.set(last.deadLetters);
    return last;
  };
  // A failed reading keeps the previous one: Redis trouble shows up in the write path itself.
  const timer = setInterval(() => void refresh().catch(() => undefined), deps.intervalMs);
  timer.unref();
  void refresh().catch(() => undefined);
  return { latest: () => last, refresh, close: () => clearInterval(timer) };
}
