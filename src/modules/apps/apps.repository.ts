import type { Selectable } from 'kysely';
import type { AppsTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import { UUID_PATTERN } from '../../infra/slug.ts';

export type App = Selectable<AppsTable>;

/** Tenant data: every method takes the org it works in first. */
export interface OrgScope {
  orgId: string;
}

export interface NewApp {
  slug: string;
  name: string;
  retention_days?: number;
  rate_limit_records_per_s?: number | null;
  rate_limit_bytes_per_s?: number | null;
  daily_quota_records?: number | null;
}

export function createAppsRepository(db: Db) {
  const live = (scope: OrgScope) =>
    db
      .selectFrom('apps')
      .selectAll()
      .where('org_id', '=', scope.orgId)
      .where('deleted_at', 'is', null);
  return {
    async create(scope: OrgScope, input: NewApp): Promise<App> {
      return db
        .insertInto('apps')
        .values({ ...input, org_id: scope.orgId })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async list(scope: OrgScope): Promise<App[]> {
      return live(scope).orderBy('created_at').orderBy('id').execute();
    },
    async update(
      scope: OrgScope,
      appId: string,
      changes: Partial<Omit<NewApp, 'slug'>>,
    ): Promise<App> {
      return db
        .updateTable('apps')
        .set(changes)
        .where('org_id', '=', scope.orgId)
        .where('id', '=', appId)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** Soft delete: the slug becomes free again and its keys stop resolving at once. */
    async softDelete(scope: OrgScope, appId: string): Promise<App> {
      return db
        .updateTable('apps')
        .set({ deleted_at: new Date() })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', appId)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async findByRef(scope: OrgScope, ref: string): Promise<App | undefined> {
      return UUID_PATTERN.test(ref)
        ? live(scope).where('id', '=', ref).executeTakeFirst()
        : live(scope).where('slug', '=', ref).executeTakeFirst();
    },
  };
}

export type AppsRepository = ReturnType<typeof createAppsRepository>;
