// One row per user who chose a language or time zone; no row means both follow the browser.
import type { Db } from '../../infra/postgres.ts';

export interface Preferences {
  locale: string | null;
  time_zone: string | null;
}

export const NO_PREFERENCES: Preferences = { locale: null, time_zone: null };

export function createPreferencesRepository(db: Db) {
  return {
    async get(userId: string): Promise<Preferences> {
      const row = await db
        .selectFrom('user_preferences')
        .select(['locale', 'time_zone'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ?? NO_PREFERENCES;
    },
    /** Only the fields present in `change` are written; the others keep their value. */
    async update(userId: string, change: Partial<Preferences>): Promise<Preferences> {
      const row = await db
        .insertInto('user_preferences')
        .values({ user_id: userId, ...NO_PREFERENCES, ...change })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...change, updated_at: new Date() }))
        .returning(['locale', 'time_zone'])
        .executeTakeFirstOrThrow();
      return row;
    },
  };
}
