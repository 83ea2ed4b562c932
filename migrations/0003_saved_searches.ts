import { sql, type Kysely } from 'kysely';

// Saved searches: a named query (text, time range, apps) per org, owned by the user who saved it
// and visible to them alone (private) or to everyone in the org.
// Written against Kysely<any> so migrations never depend on app code that changes later.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('saved_searches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    // A departed owner's org-visible searches stay useful to the others: keep them, ownerless.
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull().defaultTo(''))
    // As typed (`now-24h` or RFC 3339): a relative range must stay relative when reopened.
    .addColumn('time_from', 'text')
    .addColumn('time_to', 'text')
    .addColumn('app_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('private'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('saved_searches_visibility', sql`visibility IN ('private', 'org')`)
    .addCheckConstraint('saved_searches_name', sql`length(name) BETWEEN 1 AND 200`)
    .execute();
  await db.schema
    .createIndex('saved_searches_org')
    .on('saved_searches')
    .columns(['org_id', 'visibility'])
    .execute();
  await db.schema
    .createIndex('saved_searches_owner')
    .on('saved_searches')
    .column('owner_user_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_searches').execute();
}
