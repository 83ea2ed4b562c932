import { sql, type Kysely } from 'kysely';

// Dashboards: a named spec (variables and panels, as JSON) per org, owned by the user who made it
// and visible to them alone (private) or to the whole org, like saved searches. `version` counts
// changes: an update names the version it read and a stale one is refused (optimistic locking).
// The built-in dashboards (Overview, Ingest health) are code, not rows.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dashboards')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('private'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('dashboards_visibility', sql`visibility IN ('private', 'org')`)
    .addCheckConstraint('dashboards_name', sql`length(name) BETWEEN 1 AND 200`)
    .execute();
  await db.schema
    .createIndex('dashboards_org')
    .on('dashboards')
    .columns(['org_id', 'visibility'])
    .execute();
  await db.schema
    .createIndex('dashboards_owner')
    .on('dashboards')
    .column('owner_user_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboards').execute();
}
