// Notification channels in Postgres, always scoped by org.
import type { Selectable } from 'kysely';
import type { NotificationChannelsTable, NotificationChannelType } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';

export type ChannelRow = Selectable<NotificationChannelsTable>;

export function createChannelsRepository(db: Db) {
  return {
    async list(scope: OrgScope): Promise<ChannelRow[]> {
      return db
        .selectFrom('notification_channels')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .orderBy('name')
        .orderBy('id')
        .execute();
    },

    async find(scope: OrgScope, id: string): Promise<ChannelRow | undefined> {
      return db
        .selectFrom('notification_channels')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** By id among `orgIds` (undefined: any org, for platform admins). */
    async findInOrgs(
      orgIds: readonly string[] | undefined,
      id: string,
    ): Promise<ChannelRow | undefined> {
      if (orgIds !== undefined && orgIds.length === 0) return undefined;
      let query = db.selectFrom('notification_channels').selectAll().where('id', '=', id);
      if (orgIds !== undefined) query = query.where('org_id', 'in', [...orgIds]);
      return query.executeTakeFirst();
    },

    /** The channels of `ids` that belong to the org (unknown or foreign ids are left out). */
    async findMany(scope: OrgScope, ids: readonly string[]): Promise<ChannelRow[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('notification_channels')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', 'in', [...ids])
        .execute();
    },

    async insert(
      scope: OrgScope,
      fields: { name: string; type: NotificationChannelType; config: object; createdBy: string },
    ): Promise<ChannelRow> {
      return db
        .insertInto('notification_channels')
        .values({
          org_id: scope.orgId,
          name: fields.name,
          type: fields.type,
          config: JSON.stringify(fields.config),
          created_by: fields.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(
      scope: OrgScope,
      id: string,
      fields: { name?: string; config?: object },
    ): Promise<ChannelRow> {
      return db
        .updateTable('notification_channels')
        .set({
          ...(fields.name !== undefined ? { name: fields.name } : {}),
          ...(fields.config !== undefined ? { config: JSON.stringify(fields.config) } : {}),
          updated_at: new Date(),
        })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async delete(scope: OrgScope, id: string): Promise<void> {
      await db
        .deleteFrom('notification_channels')
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .execute();
    },
  };
}
