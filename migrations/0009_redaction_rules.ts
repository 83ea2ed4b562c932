import { sql, type Kysely } from 'kysely';

// Redaction rules applied at ingest: per org (app_id null: every app of the org) or per app. The
// detector and scope are JSON as the API shows them; the ingest path reads an app's rules through
// a short-lived cache, never per request.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('redaction_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('app_id', 'uuid', (c) => c.references('apps.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('detector', 'jsonb', (c) => c.notNull())
    .addColumn('scope', 'jsonb', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('keep', 'integer')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('redaction_rules_name', sql`length(name) BETWEEN 1 AND 100`)
    .addCheckConstraint(
      'redaction_rules_action',
      sql`action IN ('mask', 'partial', 'hash', 'drop_attribute', 'drop_record')`,
    )
    .execute();
  await db.schema
    .createIndex('redaction_rules_scope')
    .on('redaction_rules')
    .columns(['org_id', 'app_id', 'created_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('redaction_rules').execute();
}
