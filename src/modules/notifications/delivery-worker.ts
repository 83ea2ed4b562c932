// Runs delivery jobs: reads the outbox row, skips it when it was already delivered (a re-queued
// job after a crash), sends it, and records the outcome on the row. After the last attempt the
// row is marked dead: visible in the API and the admin console, and retried from there.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { cappedExponentialBackoffMs } from '../pipeline/ingest-queue.ts';
import { createChannelsRepository } from './channels.repository.ts';
import { createDeliveriesRepository } from './deliveries.repository.ts';
import { deliver, type DeliveryDeps } from './deliver.ts';
import {
  BACKOFF_TYPE,
  DELIVERY_QUEUE_NAME,
  isDeliveryJobData,
  type DeliveryJobData,
} from './delivery-queue.ts';
import type { NotificationMessage } from './notification-message.ts';
import type { NotificationMetrics } from './notification-metrics.ts';

export interface DeliveryWorkerLog {
  warn(obj: object, message: string): void;
  error(obj: object, message: string): void;
}

export function startDeliveryWorker(
  deps: DeliveryDeps & {
    connection: Redis;
    prefix: string;
    metrics: NotificationMetrics;
    log: DeliveryWorkerLog;
  },
): Worker<DeliveryJobData> {
  const { config } = deps;
  const deliveries = createDeliveriesRepository(deps.db);
  const processor = async (job: Job<DeliveryJobData>): Promise<{ skipped?: string }> => {
    if (!isDeliveryJobData(job.data)) throw new UnrecoverableError('invalid delivery job');
    const data = job.data;
    const attempt = job.attemptsMade + 1;
    if ('platform' in data) {
      await deliverPlatform(deps, data.platform, data.message);
      deps.metrics.deliveries.inc({ type: `platform_${data.platform}`, outcome: 'delivered' });
      return {};
    }
    const row = await deliveries.get(data.deliveryId);
    if (!row) return { skipped: 'delivery gone (channel or org deleted)' };
    if (row.status === 'delivered') return { skipped: 'already delivered' };
    const message = row.message as unknown as NotificationMessage;
    const channel =
      row.channel_id && row.org_id
        ? await createChannelsRepository(deps.db).find({ orgId: row.org_id }, row.channel_id)
        : undefined;
    if (!channel) return { skipped: 'channel deleted' };
    const started = performance.now();
    try {
      await deliver(deps, channel, message);
    } catch (error) {
      const final = attempt >= (job.opts.attempts ?? 1);
      await deliveries.markFailed(row.id, attempt, (error as Error).message, final);
      deps.metrics.deliveries.inc({ type: channel.type, outcome: final ? 'dead' : 'failed' });
      throw error;
    }
    deps.metrics.deliverySeconds.observe(
      { type: channel.type },
      (performance.now() - started) / 1000,
    );
    await deliveries.markDelivered(row.id, attempt);
    deps.metrics.deliveries.inc({ type: channel.type, outcome: 'delivered' });
    return {};
  };
  const worker = new Worker<DeliveryJobData>(DELIVERY_QUEUE_NAME, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: config.notifications.deliveryConcurrency,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === BACKOFF_TYPE
          ? cappedExponentialBackoffMs(
              attemptsMade,
              config.notifications.deliveryBackoffMs,
              config.notifications.deliveryMaxBackoffMs,
            )
          : config.notifications.deliveryBackoffMs,
    },
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const entry = { jobId: job.id, attemptsMade: job.attemptsMade, err: error.message };
    if (final)
      deps.log.error(entry, 'notification delivery failed its last attempt: dead-lettered');
    else deps.log.warn(entry, 'notification delivery failed; will retry');
  });
  worker.on('error', (error) => deps.log.warn({ err: error }, 'notification worker error'));
  return worker;
}

async function deliverPlatform(
  deps: DeliveryDeps,
  kind: 'in_app' | 'email',
  message: NotificationMessage,
): Promise<void> {
  if (kind === 'in_app') return deliver(deps, 'platform_admins', message);
  const to = deps.config.platformAlerts.emailTo;
  if (to.length === 0) return;
  await deliver(deps, { type: 'email', config: { to }, org_id: '' }, message);
}
