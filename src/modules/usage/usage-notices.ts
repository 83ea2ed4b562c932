// How usage and reports reach people: through the notifications module. Owners and admins get an
// email (and an in-app notice), and every webhook channel of the org gets the message through the
// delivery outbox (retried; one delivery per event and channel).
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { createChannelsRepository } from '../notifications/channels.repository.ts';
import type { NotificationMessage } from '../notifications/notification-message.ts';
import type { Notifier } from '../notifications/notifier.ts';

export interface OrgAdmins {
  userIds: string[];
  emails: string[];
}

export async function orgAdmins(db: Db, scope: OrgScope): Promise<OrgAdmins> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email'])
    .where('memberships.org_id', '=', scope.orgId)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .where('users.disabled_at', 'is', null)
    .orderBy('users.email')
    .execute();
  return { userIds: rows.map((r) => r.id), emails: rows.map((r) => r.email) };
}

/**
 * Sends `message` to the org's owners and admins (email, in-app) and its webhook channels. Email
 * failures are reported (thrown) after the other routes were tried.
 */
export async function noticeToAdmins(
  deps: { db: Db; notifier: Notifier },
  scope: OrgScope,
  message: NotificationMessage,
  routes: { inApp: boolean },
): Promise<void> {
  const admins = await orgAdmins(deps.db, scope);
  const webhooks = (await createChannelsRepository(deps.db).list(scope)).filter(
    (c) => c.type === 'webhook',
  );
  if (webhooks.length > 0) {
    await deps.notifier.notify(
      scope.orgId,
      webhooks.map((c) => c.id),
      message,
    );
  }
  if (routes.inApp && admins.userIds.length > 0) {
    await deps.notifier.deliverNow(
      { type: 'in_app', config: { user_ids: admins.userIds }, org_id: scope.orgId },
      message,
    );
  }
  if (admins.emails.length > 0) {
    await deps.notifier.deliverNow(
      { type: 'email', config: { to: admins.emails }, org_id: scope.orgId },
      message,
    );
  }
}
