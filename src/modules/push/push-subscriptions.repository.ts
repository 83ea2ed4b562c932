// Web Push subscriptions, always scoped to their user: a user sees and removes only their own.
import type { Selectable } from 'kysely';
import type { PushSubscriptionsTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type PushSubscriptionRow = Selectable<PushSubscriptionsTable>;

export interface UserScope {
  userId: string;
}

export interface NewPushSubscription {
  sessionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  userAgent: string | null;
}

export function createPushSubscriptionsRepository(db: Db) {
  return {
    /**
     * One row per endpoint: a browser that subscribes again (new keys, another user signed in on
     * it, a new session) takes the row over; then the user's oldest beyond `maxPerUser` go.
     */
    async upsert(
      scope: UserScope,
      input: NewPushSubscription,
      maxPerUser: number,
    ): Promise<PushSubscriptionRow> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('push_subscriptions')
          .values({
            user_id: scope.userId,
            session_id: input.sessionId,
            endpoint: input.endpoint,
            p256dh: input.p256dh,
            auth: input.auth,
            user_agent: input.userAgent,
          })
          .onConflict((oc) =>
            oc.column('endpoint').doUpdateSet({
              user_id: scope.userId,
              session_id: input.sessionId,
              p256dh: input.p256dh,
              auth: input.auth,
              user_agent: input.userAgent,
              created_at: new Date(),
              last_success_at: null,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        const keep = trx
          .selectFrom('push_subscriptions')
          .select('id')
          .where('user_id', '=', scope.userId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(maxPerUser);
        await trx
          .deleteFrom('push_subscriptions')
          .where('user_id', '=', scope.userId)
          .where('id', 'not in', keep)
          .execute();
        return row;
      });
    },

    async list(scope: UserScope): Promise<PushSubscriptionRow[]> {
      return db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('user_id', '=', scope.userId)
        .orderBy('created_at', 'desc')
        .execute();
    },

    /** false when the id is not one of the user's (another user's id reads as missing). */
    async delete(scope: UserScope, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('push_subscriptions')
        .where('user_id', '=', scope.userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** The devices of the users a notification is for (the sender's only cross-user read). */
    async listForUsers(userIds: readonly string[]): Promise<PushSubscriptionRow[]> {
      if (userIds.length === 0) return [];
      return db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('user_id', 'in', [...userIds])
        .execute();
    },

    /** The push service said the subscription is gone (404/410): forget it. */
    async deleteGone(id: string): Promise<void> {
      await db.deleteFrom('push_subscriptions').where('id', '=', id).execute();
    },

    async markSuccess(id: string): Promise<void> {
      await db
        .updateTable('push_subscriptions')
        .set({ last_success_at: new Date() })
        .where('id', '=', id)
        .execute();
    },
  };
}
