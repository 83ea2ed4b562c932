import { sql, type Kysely } from 'kysely';

// Data lifecycle (issue 17 §2-3): deletion requests (GDPR erasure jobs, state kept here so they
// survive restarts), legal holds, and the retention cleanup's last run per app. Written against
// Kysely<any> so migrations never import app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deletion_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    // null: every app of the org (a request by end user).
    .addColumn('app_id', 'uuid', (c) => c.references('apps.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('q', 'text')
    .addColumn('user_id', 'text')
    // RFC 3339 with nanoseconds, as requested (a timestamptz would lose the last three digits).
    .addColumn('range_from', 'text')
    .addColumn('range_to', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    // Rows received up to this instant are in the job; set when it first runs.
    .addColumn('as_of', 'timestamptz')
    .addColumn('rows_matched', 'bigint')
    .addColumn('rows_remaining', 'bigint')
    .addColumn('bytes_matched', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requested_label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint('deletion_requests_kind', sql`kind IN ('query', 'user')`)
    .addCheckConstraint(
      'deletion_requests_status',
      sql`status IN ('queued', 'running', 'done', 'failed')`,
    )
    .execute();
  await db.schema
    .createIndex('deletion_requests_org_created')
    .on('deletion_requests')
    .columns(['org_id', 'created_at'])
    .execute();
  await sql`CREATE INDEX deletion_requests_open ON deletion_requests (created_at)
            WHERE status IN ('queued', 'running')`.execute(db);

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    // null: the whole org.
    .addColumn('app_id', 'uuid', (c) => c.references('apps.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('placed_by_label', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('released_by_label', 'text')
    .addColumn('released_at', 'timestamptz')
    .execute();
  // One active hold per app and per org; released ones stay as history.
  await sql`CREATE UNIQUE INDEX legal_holds_active ON legal_holds
            (org_id, coalesce(app_id, '00000000-0000-0000-0000-000000000000'::uuid))
            WHERE released_at IS NULL`.execute(db);

  await db.schema
    .createTable('retention_cleanups')
    .addColumn('app_id', 'uuid', (c) => c.primaryKey().references('apps.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('ran_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('cutoff', 'timestamptz', (c) => c.notNull())
    .addColumn('rows_deleted', 'bigint', (c) => c.notNull())
    .addColumn('held', 'boolean', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retention_cleanups').execute();
  await db.schema.dropTable('legal_holds').execute();
  await db.schema.dropTable('deletion_requests').execute();
}
