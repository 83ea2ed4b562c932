// Orgs are the tenants themselves: listing and creating them is platform-level, not tenant-scoped.
import type { Selectable } from 'kysely';
import type { OrgsTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import { UUID_PATTERN } from '../../infra/slug.ts';

export type Org = Selectable<OrgsTable>;

export function createOrgsRepository(db: Db) {
  return {
    async create(input: { slug: string; name: string }): Promise<Org> {
      return db.insertInto('orgs').values(input).returningAll().executeTakeFirstOrThrow();
    },
    async list(): Promise<Org[]> {
      return db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').execute();
    },
    async update(id: string, changes: { name?: string; disabled_at?: Date | null }): Promise<Org> {
      return db
        .updateTable('orgs')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async listByIds(ids: readonly string[]): Promise<Org[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('orgs')
        .selectAll()
        .where('id', 'in', ids)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },
    /** Accepts the id or the slug, as every CLI command and URL does. */
    async findByRef(ref: string): Promise<Org | undefined> {
      const query = db.selectFrom('orgs').selectAll();
      return UUID_PATTERN.test(ref)
        ? query.where('id', '=', ref).executeTakeFirst()
        : query.where('slug', '=', ref).executeTakeFirst();
    },
  };
}

export type OrgsRepository = ReturnType<typeof createOrgsRepository>;
