// The scheduler role (MYLOG_ROLES=scheduler): BullMQ job schedulers put one job per period in
// Redis, whichever instance gets there first, and one worker per instance runs them. So with
// several scheduler instances each task still runs once per period, and a task that fails is
// retried by the next period rather than piling up.
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { hasRole } from '../../config.ts';
import { scheduledTasks, type ScheduledTask } from './scheduled-tasks.ts';

export const SCHEDULER_QUEUE_NAME = 'scheduled-tasks';

async function schedulerPlugin(
  app: FastifyInstance,
  options: { tasks?: ScheduledTask[] },
): Promise<void> {
  if (!hasRole(app.config, 'scheduler')) return;
  const tasks = options.tasks ?? scheduledTasks;
  const byName = new Map(tasks.map((task) => [task.name, task]));
  const runs = new Counter({
    name: 'mylog_scheduled_task_runs_total',
    help: 'Scheduled task runs by task and outcome',
    labelNames: ['task', 'outcome'] as const,
    registers: [app.metrics.registry],
  });
  const connection = app.redis.duplicate();
  connection.on('error', () => undefined);
  const prefix = app.config.redisKeyPrefix;
  const queue = new Queue(SCHEDULER_QUEUE_NAME, { connection, prefix });
  queue.on('error', (error) => app.log.warn({ err: error }, 'scheduler queue error'));
  for (const task of tasks) {
    await queue.upsertJobScheduler(
      task.name,
      { every: task.everyMsFrom?.(app.config) ?? task.everyMs },
      { name: task.name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
  const workerConnection = app.redis.duplicate({ maxRetriesPerRequest: null });
  workerConnection.on('error', () => undefined);
  const worker = new Worker(
    SCHEDULER_QUEUE_NAME,
    async (job) => {
      const task = byName.get(job.name);
      // A schedule left by an older release whose task is gone: nothing to run.
      if (!task) return { skipped: 'unknown task' };
      try {
        const result = await task.run(app);
        runs.inc({ task: task.name, outcome: 'ok' });
        return result ?? {};
      } catch (error) {
        runs.inc({ task: task.name, outcome: 'failed' });
        app.log.error({ err: error, task: task.name }, 'scheduled task failed');
        throw error;
      }
    },
    { connection: workerConnection, prefix, concurrency: 1 },
  );
  worker.on('error', (error) => app.log.warn({ err: error }, 'scheduler worker error'));
  app.addHook('onClose', async () => {
    await worker.close();
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
  });
}

export const scheduler = fp(schedulerPlugin, { name: 'mylog-scheduler' });
