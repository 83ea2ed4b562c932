// mylog dlq list | mylog dlq replay [--all | <job id>]: inspect and re-drive ingest jobs whose last
// insert attempt failed. Replayed jobs keep their id, hence their deduplication token.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from '../../infra/redis.ts';
import {
  listDeadLetters,
  replayDeadLetters,
  type DeadLetter,
} from '../../modules/pipeline/dead-letter.service.ts';
import {
  bullPrefix,
  INGEST_QUEUE_NAME,
  type IngestJobData,
} from '../../modules/pipeline/ingest-queue.ts';
import { CommandError, table, type Command, type CommandContext } from '../command.ts';

async function withQueue<T>(
  ctx: CommandContext,
  fn: (queue: Queue<IngestJobData>, redis: Redis) => Promise<T>,
): Promise<T> {
  const redis = createRedis(ctx.services.redisUrl);
  const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, {
    connection: redis,
    prefix: bullPrefix(ctx.config),
  });
  try {
    return await fn(queue, redis);
  } finally {
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

export const dlqListCommand: Command = {
  summary: 'List ingest jobs that failed their last insert attempt (the dead-letter queue)',
  options: { limit: { type: 'string', description: 'most jobs to show (default 100)' } },
  needs: { redis: true },
  async run(ctx, { values }) {
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new CommandError('invalid_option', '--limit must be a positive whole number');
    return withQueue(ctx, (queue, redis) => listDeadLetters(queue, redis, limit));
  },
  format(result) {
    const r = result as { total: number; jobs: DeadLetter[] };
    return `${r.total} dead-lettered job(s)\n${table(r.jobs as unknown as Record<string, unknown>[], ['id', 'rows', 'bytes', 'attempts_made', 'failed_at', 'failed_reason'])}`;
  },
};

export const dlqReplayCommand: Command = {
  summary: 'Queue dead-lettered ingest jobs again (one by id, or --all)',
  positionals: ['job-id'],
  options: { all: { type: 'boolean', description: 'replay every dead-lettered job' } },
  needs: { redis: true },
  async run(ctx, { values, positionals }) {
    const id = positionals[0];
    if (values.all === true && id !== undefined)
      throw new CommandError('invalid_arguments', 'give a job id or --all, not both');
    if (values.all !== true && id === undefined)
      throw new CommandError('invalid_arguments', 'give a job id (see: mylog dlq list) or --all');
    const result = await withQueue(ctx, (queue) =>
      replayDeadLetters(queue, values.all === true ? { all: true } : { id: id as string }),
    );
    if (result.missing.length > 0)
      throw new CommandError('job_not_found', `no dead-lettered job ${result.missing.join(', ')}`);
    return result;
  },
  format(result) {
    const r = result as { replayed: string[] };
    return `replayed ${r.replayed.length} job(s)${r.replayed.length ? `: ${r.replayed.slice(0, 20).join(', ')}${r.replayed.length > 20 ? ', …' : ''}` : ''}`;
  },
};
