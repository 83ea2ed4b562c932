// The delivery outbox: one row per (event, channel). Rows are written in the transaction of the
// change that causes them (an alert state change), so a crash either keeps both or neither; the
// unique (event_id, channel) index makes writing them twice a no-op. The queue then carries only
// the row id, and the row says whether it was already delivered.
import { sql, type Selectable } from 'kysely';
import type { NotificationDeliveriesTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import type { NotificationMessage } from './notification-message.ts';

export type DeliveryRow = Selectable<NotificationDeliveriesTable>;

export function createDeliveriesRepository(db: Db) {
  return {
    /** Ids of the rows this call created (none for an event already recorded). */
    async record(
      orgId: string | null,
      channelIds: readonly (string | null)[],
      message: NotificationMessage,
    ): Promise<string[]> {
      if (channelIds.length === 0) return [];
      const rows = await db
        .insertInto('notification_deliveries')
        .values(
          channelIds.map((channelId) => ({
            org_id: orgId,
            channel_id: channelId,
            event_id: message.event_id,
            message: JSON.stringify(message),
          })),
        )
        .onConflict((oc) =>
          oc
            .expression(
              sql`event_id, coalesce(channel_id, '00000000-0000-0000-0000-000000000000'::uuid)`,
            )
            .doNothing(),
        )
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    /** Unscoped by design: the delivery worker holds only the id the outbox gave it. */
    async get(id: string): Promise<DeliveryRow | undefined> {
      return db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async markDelivered(id: string, attempts: number): Promise<void> {
      await db
        .updateTable('notification_deliveries')
        .set({ status: 'delivered', attempts, delivered_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    async markFailed(id: string, attempts: number, error: string, dead: boolean): Promise<void> {
      await db
        .updateTable('notification_deliveries')
        .set({
          attempts,
          last_error: error.slice(0, 1000),
          updated_at: new Date(),
          ...(dead ? { status: 'dead' as const } : {}),
        })
        .where('id', '=', id)
        .where('status', '!=', 'delivered')
        .execute();
    },

    /** Pending rows older than `olderThan`: recorded but perhaps never queued (crash). */
    async stalePending(olderThan: Date, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('notification_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('created_at', '<', olderThan)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    async list(
      scope: OrgScope,
      filter: { status?: DeliveryRow['status']; limit: number },
    ): Promise<DeliveryRow[]> {
      let query = db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('org_id', '=', scope.orgId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return query.orderBy('created_at', 'desc').limit(filter.limit).execute();
    },

    /** By id among `orgIds` (undefined: any org, for platform admins). */
    async findInOrgs(
      orgIds: readonly string[] | undefined,
      id: string,
    ): Promise<DeliveryRow | undefined> {
      if (orgIds !== undefined && orgIds.length === 0) return undefined;
      let query = db.selectFrom('notification_deliveries').selectAll().where('id', '=', id);
      if (orgIds !== undefined) query = query.where('org_id', 'in', [...orgIds]);
      return query.executeTakeFirst();
    },

    async find(scope: OrgScope, id: string): Promise<DeliveryRow | undefined> {
      return db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** A dead letter goes back to pending with fresh attempts. */
    async revive(scope: OrgScope, id: string): Promise<boolean> {
      const result = await db
        .updateTable('notification_deliveries')
        .set({ status: 'pending', attempts: 0, updated_at: new Date() })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async countDead(): Promise<number> {
      const row = await db
        .selectFrom('notification_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'dead')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
