// The notification delivery queue: its name, job payloads and options. A job carries a delivery
// row id (the row holds the message and its status), or, for platform alerts, the message itself:
// those must go out while Postgres is down too, so they do not depend on an outbox row.
import type { JobsOptions } from 'bullmq';
import type { Config } from '../../config.ts';
import type { NotificationMessage } from './notification-message.ts';

export const DELIVERY_QUEUE_NAME = 'notification-delivery';
export const DELIVERY_JOB_NAME = 'deliver';
export const BACKOFF_TYPE = 'capped-exponential';

export type DeliveryJobData =
  | { v: 1; deliveryId: string }
  | { v: 1; platform: 'in_app' | 'email'; message: NotificationMessage };

export function deliveryJobOptions(config: Config): JobsOptions {
  return {
    attempts: config.notifications.deliveryMaxAttempts,
    backoff: { type: BACKOFF_TYPE, delay: config.notifications.deliveryBackoffMs },
    removeOnComplete: { count: 1_000 },
    // The failed set is the dead-letter queue (also marked on the delivery row, which the API shows).
    removeOnFail: { count: 10_000 },
  };
}

/** BullMQ job ids may not contain ':'; event ids are ours, but stay safe. */
export function platformJobId(kind: 'in_app' | 'email', eventId: string): string {
  return `platform-${kind}-${eventId.replace(/:/g, '_')}`;
}

export function isDeliveryJobData(value: unknown): value is DeliveryJobData {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || v.v !== 1) return false;
  if (typeof v.deliveryId === 'string') return true;
  return (
    (v.platform === 'in_app' || v.platform === 'email') &&
    typeof (v.message as NotificationMessage | undefined)?.event_id === 'string'
  );
}
