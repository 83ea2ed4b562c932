import { sql, type Kysely } from 'kysely';

// Written against Kysely<any> so migrations never depend on app code that changes later.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('orgs_slug_format', sql`slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'`)
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull().defaultTo(180))
    .addColumn('rate_limit_records_per_s', 'integer')
    .addColumn('rate_limit_bytes_per_s', 'bigint')
    .addColumn('daily_quota_records', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint('apps_retention_range', sql`retention_days BETWEEN 1 AND 3650`)
    .addCheckConstraint('apps_slug_format', sql`slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'`)
    .execute();
  await sql`CREATE UNIQUE INDEX apps_org_slug ON apps (org_id, slug) WHERE deleted_at IS NULL`.execute(
    db,
  );

  await db.schema
    .createTable('ingest_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('app_id', 'uuid', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('ingest_keys_app').on('ingest_keys').column('app_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ingest_keys').execute();
  await db.schema.dropTable('apps').execute();
  await db.schema.dropTable('orgs').execute();
}
