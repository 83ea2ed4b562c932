import { sql, type Kysely } from 'kysely';

// Per-user display preferences for the web app: language and time zone. Null means "follow the
// browser", so a user who never chose keeps getting what their browser asks for.
// Written against Kysely<any> so migrations never depend on app code that changes later.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_preferences')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('locale', 'text')
    .addColumn('time_zone', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_preferences').execute();
}
