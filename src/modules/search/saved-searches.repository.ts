// Saved searches in Postgres. Reads take the caller's org ids and user id: a row is visible when it
// is in one of those orgs and either shared with the org or owned by the caller.
import type { Selectable } from 'kysely';
import type { SavedSearchesTable, SavedSearchVisibility } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type SavedSearchRow = Selectable<SavedSearchesTable>;

export interface Viewer {
  orgIds: readonly string[];
  userId: string;
}

export interface SavedSearchFields {
  name: string;
  query: string;
  timeFrom: string | null;
  timeTo: string | null;
  appIds: string[];
  visibility: SavedSearchVisibility;
}

export function createSavedSearchesRepository(db: Db) {
  const visible = (viewer: Viewer) =>
    db
      .selectFrom('saved_searches')
      .selectAll()
      .where(
        'org_id',
        'in',
        viewer.orgIds.length > 0 ? [...viewer.orgIds] : ['00000000-0000-0000-0000-000000000000'],
      )
      .where((eb) =>
        eb.or([eb('visibility', '=', 'org'), eb('owner_user_id', '=', viewer.userId)]),
      );

  return {
    async list(viewer: Viewer): Promise<SavedSearchRow[]> {
      if (viewer.orgIds.length === 0) return [];
      return visible(viewer).orderBy('name').orderBy('id').execute();
    },

    async findVisible(viewer: Viewer, id: string): Promise<SavedSearchRow | undefined> {
      if (viewer.orgIds.length === 0) return undefined;
      return visible(viewer).where('id', '=', id).executeTakeFirst();
    },

    async insert(
      orgId: string,
      ownerUserId: string,
      fields: SavedSearchFields,
    ): Promise<SavedSearchRow> {
      return db
        .insertInto('saved_searches')
        .values({
          org_id: orgId,
          owner_user_id: ownerUserId,
          name: fields.name,
          query: fields.query,
          time_from: fields.timeFrom,
          time_to: fields.timeTo,
          app_ids: fields.appIds,
          visibility: fields.visibility,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(
      orgId: string,
      id: string,
      fields: Partial<SavedSearchFields>,
    ): Promise<SavedSearchRow> {
      return db
        .updateTable('saved_searches')
        .set({
          ...(fields.name !== undefined ? { name: fields.name } : {}),
          ...(fields.query !== undefined ? { query: fields.query } : {}),
          ...(fields.timeFrom !== undefined ? { time_from: fields.timeFrom } : {}),
          ...(fields.timeTo !== undefined ? { time_to: fields.timeTo } : {}),
          ...(fields.appIds !== undefined ? { app_ids: fields.appIds } : {}),
          ...(fields.visibility !== undefined ? { visibility: fields.visibility } : {}),
          updated_at: new Date(),
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async delete(orgId: string, id: string): Promise<void> {
      await db
        .deleteFrom('saved_searches')
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },
  };
}
