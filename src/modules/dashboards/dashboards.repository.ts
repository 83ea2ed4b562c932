// Dashboards in Postgres. Reads take the caller's org ids and user id: a row is visible when it is
// in one of those orgs and either shared with the org or owned by the caller.
import type { Selectable } from 'kysely';
import type { DashboardsTable, DashboardVisibility } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { Viewer } from '../search/saved-searches.repository.ts';

export type DashboardRow = Selectable<DashboardsTable>;

export interface DashboardFields {
  name: string;
  description: string;
  visibility: DashboardVisibility;
  /** { variables, panels } */
  spec: unknown;
}

const NO_ORG = '00000000-0000-0000-0000-000000000000';

export function createDashboardsRepository(db: Db) {
  const visible = (viewer: Viewer) =>
    db
      .selectFrom('dashboards')
      .selectAll()
      .where('org_id', 'in', viewer.orgIds.length > 0 ? [...viewer.orgIds] : [NO_ORG])
      .where((eb) =>
        eb.or([eb('visibility', '=', 'org'), eb('owner_user_id', '=', viewer.userId)]),
      );

  return {
    async list(viewer: Viewer): Promise<DashboardRow[]> {
      if (viewer.orgIds.length === 0) return [];
      return visible(viewer).orderBy('name').orderBy('id').execute();
    },

    async findVisible(viewer: Viewer, id: string): Promise<DashboardRow | undefined> {
      if (viewer.orgIds.length === 0) return undefined;
      return visible(viewer).where('id', '=', id).executeTakeFirst();
    },

    /** For the CLI, which acts for the operator: one org's dashboard by id. */
    async findInOrg(orgId: string, id: string): Promise<DashboardRow | undefined> {
      return db
        .selectFrom('dashboards')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async insert(
      orgId: string,
      ownerUserId: string | null,
      fields: DashboardFields,
    ): Promise<DashboardRow> {
      return db
        .insertInto('dashboards')
        .values({
          org_id: orgId,
          owner_user_id: ownerUserId,
          name: fields.name,
          description: fields.description,
          visibility: fields.visibility,
          spec: JSON.stringify(fields.spec),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Applies the change only if the row is still at `version`; undefined when it moved on. */
    async update(
      orgId: string,
      id: string,
      version: number,
      fields: DashboardFields,
    ): Promise<DashboardRow | undefined> {
      return db
        .updateTable('dashboards')
        .set((eb) => ({
          name: fields.name,
          description: fields.description,
          visibility: fields.visibility,
          spec: JSON.stringify(fields.spec),
          version: eb('version', '+', 1),
          updated_at: new Date(),
        }))
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
    },

    async delete(orgId: string, id: string): Promise<void> {
      await db.deleteFrom('dashboards').where('org_id', '=', orgId).where('id', '=', id).execute();
    },
  };
}
