// In-app notifications: one row per (user, event), so delivering an event twice shows it once.
import type { Selectable } from 'kysely';
import type { NotificationsTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type NotificationRow = Selectable<NotificationsTable>;

export interface NewNotification {
  orgId: string | null;
  eventId: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  state: string | null;
}

export function createNotificationsRepository(db: Db) {
  return {
    /** The rows created (users who already had this event get nothing new). */
    async insertForUsers(
      userIds: readonly string[],
      n: NewNotification,
    ): Promise<NotificationRow[]> {
      if (userIds.length === 0) return [];
      return db
        .insertInto('notifications')
        .values(
          userIds.map((userId) => ({
            user_id: userId,
            org_id: n.orgId,
            event_id: n.eventId,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            state: n.state,
          })),
        )
        .onConflict((oc) => oc.columns(['user_id', 'event_id']).doNothing())
        .returningAll()
        .execute();
    },

    async listForUser(
      userId: string,
      options: { limit: number; beforeCreatedAt?: Date; unreadOnly?: boolean },
    ): Promise<NotificationRow[]> {
      let query = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
      if (options.beforeCreatedAt) query = query.where('created_at', '<', options.beforeCreatedAt);
      if (options.unreadOnly) query = query.where('read_at', 'is', null);
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .execute();
    },

    async unreadCount(userId: string): Promise<number> {
      const row = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Marks the user's own notifications read: `ids`, or all of them. */
    async markRead(userId: string, ids: readonly string[] | 'all'): Promise<number> {
      let query = db
        .updateTable('notifications')
        .set({ read_at: new Date() })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null);
      if (ids !== 'all') {
        if (ids.length === 0) return 0;
        query = query.where('id', 'in', [...ids]);
      }
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Keeps each user's newest `keep` rows. */
    async trim(userIds: readonly string[], keep: number): Promise<void> {
      for (const userId of userIds) {
        const cutoff = await db
          .selectFrom('notifications')
          .select('created_at')
          .where('user_id', '=', userId)
          .orderBy('created_at', 'desc')
          .offset(keep)
          .limit(1)
          .executeTakeFirst();
        if (cutoff) {
          await db
            .deleteFrom('notifications')
            .where('user_id', '=', userId)
            .where('created_at', '<=', cutoff.created_at)
            .execute();
        }
      }
    },
  };
}
