// Alert evaluation on the scheduler role. One BullMQ queue, two job schedulers: `dispatch` (every
// ALERTS_DISPATCH_INTERVAL_MS) queues one `evaluate` job per due rule and period, with the job id
// `eval-<rule>-<period>` so several scheduler instances queue it once; `platform-check` runs the
// built-in health checks. Evaluation jobs are locked while they run: if an instance dies
// mid-evaluation (kill -9), another instance's worker finds the job stalled after
// ALERTS_EVAL_LOCK_MS and runs it again, and the period guard in alert-evaluator.ts keeps its
// effects single. Every instance, whatever its roles, sends a heartbeat for `instance_silent`.
import { Queue, Worker, type Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { BLOCKING_REDIS_OPTIONS, dedicatedConnections } from '../../infra/redis.ts';
import { hasRole } from '../../config.ts';
import { aggregateDeps } from '../analytics/aggregate.service.ts';
import { bullPrefix } from '../pipeline/ingest-queue.ts';
import { alertMetrics } from './alert-metrics.ts';
import { evaluateRule, periodOf, type EvaluatorDeps } from './alert-evaluator.ts';
import { createAlertsRepository } from './alerts.repository.ts';
import { checkPlatform, startHeartbeat, type PlatformDeps } from './platform-alerts.ts';

export const ALERTS_QUEUE_NAME = 'alerts';
const DISPATCH = 'dispatch';
const EVALUATE = 'evaluate';
const PLATFORM_CHECK = 'platform-check';

interface EvaluateJob {
  ruleId: string;
  periodMs: number;
}

export interface AlertsPluginOptions {
  /** Epoch milliseconds; tests inject one. */
  clock?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    alerts: { evaluator: EvaluatorDeps; platform: PlatformDeps; clock: () => number };
  }
}

async function alertsPlugin(app: FastifyInstance, options: AlertsPluginOptions): Promise<void> {
  const { config } = app;
  const clock = options.clock ?? Date.now;
  const metrics = alertMetrics(app.metrics.registry);
  const connections = dedicatedConnections(app.redis);
  const dedicated = (blocking = false): Redis =>
    connections.open(blocking ? BLOCKING_REDIS_OPTIONS : {});
  const evaluator: EvaluatorDeps = {
    config,
    db: app.db,
    aggregate: {
      ...aggregateDeps(app.clickhouse, config),
      limits: { ...config.search, queryTimeoutMs: config.alerts.evalQueryTimeoutMs },
    },
    notifier: app.notifications.notifier,
    metrics,
  };
  const platform: PlatformDeps = {
    config,
    redis: app.redis,
    db: app.db,
    clickhouse: app.clickhouse,
    ingestQueue: app.pipeline.queue,
    deliveryQueue: app.notifications.notifier.queue,
    notifier: app.notifications.notifier,
    clock,
  };
  app.decorate('alerts', { evaluator, platform, clock });
  const heartbeat = startHeartbeat(config, app.redis, clock);
  app.addHook('onClose', () => heartbeat.stop());
  if (!hasRole(config, 'scheduler')) return;

  const prefix = bullPrefix(config);
  const queue = new Queue(ALERTS_QUEUE_NAME, { connection: dedicated(), prefix });
  queue.on('error', (error) => app.log.warn({ err: error }, 'alerts queue error'));
  const keep = { removeOnComplete: { count: 5_000 }, removeOnFail: { count: 1_000 } };
  await queue.upsertJobScheduler(
    DISPATCH,
    { every: config.alerts.dispatchIntervalMs },
    { name: DISPATCH, opts: { removeOnComplete: 10, removeOnFail: 100 } },
  );
  await queue.upsertJobScheduler(
    PLATFORM_CHECK,
    { every: config.platformAlerts.intervalMs },
    { name: PLATFORM_CHECK, opts: { removeOnComplete: 10, removeOnFail: 100 } },
  );
  const repo = createAlertsRepository(app.db);

  const dispatch = async (): Promise<{ queued: number }> => {
    const now = clock();
    const due = await repo.dueRules(now);
    await queue.addBulk(
      due.map((rule) => {
        const periodMs = periodOf(now, rule.every_ms);
        return {
          name: EVALUATE,
          data: { ruleId: rule.id, periodMs } satisfies EvaluateJob,
          opts: { ...keep, jobId: `eval-${rule.id}-${periodMs}` },
        };
      }),
    );
    return { queued: due.length };
  };

  const evaluate = async (job: Job<EvaluateJob>) => {
    const now = clock();
    metrics.evaluationLagSeconds.observe(Math.max(0, now - job.data.periodMs) / 1000);
    const stop = metrics.evaluationSeconds.startTimer();
    try {
      const result = await evaluateRule(evaluator, job.data.ruleId, {
        periodMs: job.data.periodMs,
        nowMs: now,
      });
      metrics.evaluations.inc({ outcome: result.outcome });
      return result;
    } catch (error) {
      metrics.evaluations.inc({ outcome: 'failed' });
      // The rule says why in the API; the next period tries again.
      await app.db
        .updateTable('alert_rules')
        .set({ last_error: (error as Error).message.slice(0, 500), last_eval_at: new Date(now) })
        .where('id', '=', job.data.ruleId)
        .execute()
        .catch(() => undefined);
      throw error;
    } finally {
      stop();
    }
  };

  const worker = new Worker(
    ALERTS_QUEUE_NAME,
    async (job: Job) => {
      if (job.name === DISPATCH) return dispatch();
      if (job.name === EVALUATE) return evaluate(job as Job<EvaluateJob>);
      if (job.name === PLATFORM_CHECK) {
        const results = await checkPlatform(platform);
        for (const r of results) {
          metrics.platformChecks.inc({ check: r.check, state: r.firing ? 'firing' : 'ok' });
        }
        return { firing: results.filter((r) => r.firing).map((r) => r.check) };
      }
      return { skipped: 'unknown job' };
    },
    {
      connection: dedicated(true),
      prefix,
      concurrency: config.alerts.evalConcurrency,
      lockDuration: config.alerts.evalLockMs,
      stalledInterval: config.alerts.evalLockMs,
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, error) => {
    if (job?.name !== DISPATCH) {
      app.log.warn({ err: error.message, job: job?.name, data: job?.data }, 'alert job failed');
    }
  });
  worker.on('error', (error) => app.log.warn({ err: error }, 'alerts worker error'));
  app.addHook('onClose', async () => {
    await worker.close();
    await queue.close();
    await connections.closeAll();
  });
}

export const alerts = fp(alertsPlugin, {
  name: 'mylog-alerts',
  dependencies: ['mylog-notifications', 'pipeline'],
});
