// Sends one message through one channel, once; throws when the receiver did not take it (the
// delivery job retries). Everything a channel type needs to know about its transport is here.
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import type { ChannelRow } from './channels.repository.ts';
import type { Mailer } from './mailer.ts';
import {
  emailContent,
  slackBody,
  webhookBody,
  type NotificationMessage,
} from './notification-message.ts';
import { createNotificationsRepository, type NotificationRow } from './notifications.repository.ts';
import { assertPublicUrl } from './outbound-url.ts';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.ts';

export interface DeliveryDeps {
  config: Config;
  db: Db;
  /** undefined when no SMTP server is configured (email then fails, and is dead-lettered). */
  mailer(): Mailer | undefined;
  /** Pushes new in-app notifications to the users' open browsers (all instances). */
  publish(rows: readonly NotificationRow[]): Promise<void>;
  /** Web Push of new in-app notifications to the users' subscribed devices (when configured). */
  push?(rows: readonly NotificationRow[]): Promise<void>;
  nowMs(): number;
}

/** A channel, or the platform admins' bells (platform alerts: no org, no channel row). */
export type DeliveryTarget = Pick<ChannelRow, 'type' | 'config' | 'org_id'> | 'platform_admins';

/** A non-2xx answer or a transport failure: the attempt failed and will be retried. */
export class DeliveryError extends Error {}

export async function deliver(
  deps: DeliveryDeps,
  target: DeliveryTarget,
  message: NotificationMessage,
): Promise<void> {
  if (target === 'platform_admins') return deliverToPlatformAdmins(deps, message);
  const config = target.config as Record<string, unknown>;
  switch (target.type) {
    case 'webhook': {
      const body = webhookBody(message);
      const t = Math.floor(deps.nowMs() / 1000);
      const secret = typeof config.secret === 'string' ? config.secret : '';
      return post(deps, String(config.url), body, {
        [SIGNATURE_HEADER]: signatureHeader(secret, body, t),
        'x-mylog-event-id': message.event_id,
      });
    }
    case 'slack':
      return post(deps, String(config.url), slackBody(message), {});
    case 'email':
      return sendEmail(deps, config.to as string[], message);
    case 'in_app': {
      const wanted = Array.isArray(config.user_ids) ? (config.user_ids as string[]) : [];
      const members = await createMembershipsRepository(deps.db).list({ orgId: target.org_id });
      // Only current members: someone removed from the org stops getting its notifications.
      const userIds = members
        .map((m) => m.user_id)
        .filter((id) => wanted.length === 0 || wanted.includes(id));
      return notifyInApp(deps, { orgId: target.org_id }, userIds, message);
    }
  }
}

async function post(
  deps: DeliveryDeps,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<void> {
  if (!deps.config.notifications.allowPrivateAddresses) await assertPublicUrl(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'MyLog-Notifications/1',
        ...headers,
      },
      body,
      // A redirect could lead to an address the check above never saw.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.config.notifications.deliveryTimeoutMs),
    });
  } catch (error) {
    throw new DeliveryError(`POST ${new URL(url).host} failed: ${(error as Error).message}`);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new DeliveryError(`POST ${new URL(url).host} answered ${response.status}`);
  }
}

async function sendEmail(
  deps: DeliveryDeps,
  to: readonly string[],
  message: NotificationMessage,
): Promise<void> {
  const mailer = deps.mailer();
  if (!mailer) throw new DeliveryError('email is not configured on this server (SMTP_URL)');
  const { subject, text } = emailContent(message);
  try {
    await mailer.send({ to, subject, text, eventId: message.event_id });
  } catch (error) {
    throw new DeliveryError(`SMTP: ${(error as Error).message}`);
  }
}

async function notifyInApp(
  deps: DeliveryDeps,
  scope: OrgScope | null,
  userIds: readonly string[],
  message: NotificationMessage,
): Promise<void> {
  const repo = createNotificationsRepository(deps.db);
  const rows = await repo.insertForUsers(userIds, {
    orgId: scope?.orgId ?? null,
    eventId: message.event_id,
    kind: message.org_id === null ? 'platform' : 'alert',
    title: message.title,
    body: message.text,
    link: message.link,
    state: message.state,
  });
  await repo.trim(
    rows.map((r) => r.user_id),
    deps.config.notifications.inAppMaxPerUser,
  );
  await deps.publish(rows);
  await deps.push?.(rows);
}

async function deliverToPlatformAdmins(
  deps: DeliveryDeps,
  message: NotificationMessage,
): Promise<void> {
  const admins = await deps.db
    .selectFrom('users')
    .select('id')
    .where('platform_admin', '=', true)
    .where('disabled_at', 'is', null)
    .execute();
  await notifyInApp(
    deps,
    null,
    admins.map((a) => a.id),
    message,
  );
}
