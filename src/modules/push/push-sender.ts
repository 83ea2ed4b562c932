// Sends a stored in-app notification as a Web Push message to every browser its user subscribed.
// web-push builds the request (VAPID token, RFC 8291 aes128gcm encryption of the payload); the
// request itself goes through fetch like the webhook channel's, so it has the same timeout, no
// redirects and the same private-address guard: the endpoint is a URL a browser handed us.
// Best effort by design: the in-app row is already stored (and re-delivering it would not create
// it again), so a push service that fails is logged, not retried; 404/410 drop the subscription.
import webPush from 'web-push';
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import { assertPublicUrl } from '../notifications/outbound-url.ts';
import type { NotificationRow } from '../notifications/notifications.repository.ts';
import {
  createPushSubscriptionsRepository,
  type PushSubscriptionRow,
} from './push-subscriptions.repository.ts';
import type { VapidKeys } from './vapid-keys.ts';

/** What the service worker shows (public/sw.js reads these fields). */
export interface PushPayload {
  id: string;
  title: string;
  body: string;
  link: string | null;
  state: string | null;
  tag: string;
}

export interface PushSender {
  readonly publicKey: string;
  /** Pushes each row to its user's devices; never throws for a device that fails. */
  send(rows: readonly NotificationRow[]): Promise<PushReport>;
}

export interface PushReport {
  sent: number;
  failed: number;
  removed: number;
}

export interface PushSenderDeps {
  config: Config;
  db: Db;
  keys: VapidKeys;
  onError?(error: Error, endpointHost: string): void;
}

export function createPushSender(deps: PushSenderDeps): PushSender {
  const { config, keys } = deps;
  const repo = createPushSubscriptionsRepository(deps.db);
  const vapidDetails = {
    subject: config.push.vapidSubject,
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
  };

  const sendOne = async (
    subscription: PushSubscriptionRow,
    payload: PushPayload,
  ): Promise<'sent' | 'failed' | 'removed'> => {
    const host = new URL(subscription.endpoint).host;
    try {
      if (!config.notifications.allowPrivateAddresses) await assertPublicUrl(subscription.endpoint);
      const request = webPush.generateRequestDetails(
        {
          endpoint: subscription.endpoint,
          keys: { p256dh: subscription.p256dh, auth: subscription.auth },
        },
        JSON.stringify(payload),
        {
          vapidDetails,
          TTL: config.push.ttlSeconds,
          contentEncoding: 'aes128gcm',
          urgency: payload.state === 'firing' ? 'high' : 'normal',
        },
      );
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body ? new Uint8Array(request.body) : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(config.push.sendTimeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 404 || response.status === 410) {
        await repo.deleteGone(subscription.id);
        return 'removed';
      }
      if (response.status < 200 || response.status > 299) {
        throw new Error(`push service answered ${response.status}`);
      }
      await repo.markSuccess(subscription.id);
      return 'sent';
    } catch (error) {
      deps.onError?.(error as Error, host);
      return 'failed';
    }
  };

  return {
    publicKey: keys.publicKey,
    async send(rows) {
      const report: PushReport = { sent: 0, failed: 0, removed: 0 };
      const byUser = new Map(rows.map((row) => [row.user_id, row]));
      const subscriptions = await repo.listForUsers([...byUser.keys()]);
      const jobs = subscriptions.map((subscription) => {
        const row = byUser.get(subscription.user_id) as NotificationRow;
        return () => sendOne(subscription, payloadOf(row));
      });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < jobs.length) {
          const job = jobs[next++] as () => Promise<'sent' | 'failed' | 'removed'>;
          report[await job()] += 1;
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(config.push.sendConcurrency, jobs.length) }, worker),
      );
      return report;
    },
  };
}

function payloadOf(row: NotificationRow): PushPayload {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    link: row.link,
    state: row.state,
    // The bell's in-tab Notification uses the same tag: with both on, the device shows one.
    tag: row.id,
  };
}
