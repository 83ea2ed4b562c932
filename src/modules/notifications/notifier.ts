// The module's entry point for everyone who sends notifications (alerts, platform alerts, monthly
// reports): record deliveries in the outbox (inside the caller's transaction when it has one),
// queue them after commit, or send one message right away (channel tests).
import type { Queue } from 'bullmq';
import type { Db } from '../../infra/postgres.ts';
import { createDeliveriesRepository } from './deliveries.repository.ts';
import { deliver, type DeliveryDeps, type DeliveryTarget } from './deliver.ts';
import {
  DELIVERY_JOB_NAME,
  deliveryJobOptions,
  platformJobId,
  type DeliveryJobData,
} from './delivery-queue.ts';
import type { NotificationMessage } from './notification-message.ts';

export interface Notifier {
  readonly queue: Queue<DeliveryJobData>;
  /** Outbox rows for each channel, in `db` (pass the transaction of the change being notified). */
  record(
    db: Db,
    orgId: string,
    channelIds: readonly string[],
    message: NotificationMessage,
  ): Promise<string[]>;
  /** Queues recorded deliveries; a delivery already queued is not queued twice (job id = row id). */
  enqueue(deliveryIds: readonly string[]): Promise<void>;
  /** record + enqueue, for callers without a transaction of their own. */
  notify(orgId: string, channelIds: readonly string[], message: NotificationMessage): Promise<void>;
  /** Platform alerts: in-app to platform admins and PLATFORM_ALERTS_EMAIL_TO, via Redis only. */
  notifyPlatform(message: NotificationMessage): Promise<void>;
  /** One attempt, now, outside the queue (channel "send test"). */
  deliverNow(target: DeliveryTarget, message: NotificationMessage): Promise<void>;
  /** Queues outbox rows left pending (a crash between commit and enqueue); returns how many. */
  sweepOutbox(): Promise<number>;
}

export function createNotifier(deps: DeliveryDeps, queue: Queue<DeliveryJobData>): Notifier {
  const { config } = deps;
  const options = deliveryJobOptions(config);
  const enqueue = async (ids: readonly string[]): Promise<void> => {
    if (ids.length === 0) return;
    await queue.addBulk(
      ids.map((id) => ({
        name: DELIVERY_JOB_NAME,
        data: { v: 1 as const, deliveryId: id },
        opts: { ...options, jobId: id },
      })),
    );
  };
  return {
    queue,
    record: (db, orgId, channelIds, message) =>
      createDeliveriesRepository(db).record(orgId, channelIds, message),
    enqueue,
    async notify(orgId, channelIds, message) {
      await enqueue(await createDeliveriesRepository(deps.db).record(orgId, channelIds, message));
    },
    async notifyPlatform(message) {
      const kinds: ('in_app' | 'email')[] =
        config.platformAlerts.emailTo.length > 0 ? ['in_app', 'email'] : ['in_app'];
      await queue.addBulk(
        kinds.map((kind) => ({
          name: DELIVERY_JOB_NAME,
          data: { v: 1 as const, platform: kind, message },
          opts: { ...options, jobId: platformJobId(kind, message.event_id) },
        })),
      );
    },
    deliverNow: (target, message) => deliver(deps, target, message),
    async sweepOutbox() {
      const olderThan = new Date(deps.nowMs() - config.notifications.outboxSweepAfterMs);
      const ids = await createDeliveriesRepository(deps.db).stalePending(olderThan, 1_000);
      // Rows still being retried have a job under the same id: adding it again is a no-op.
      await enqueue(ids);
      return ids.length;
    },
  };
}
