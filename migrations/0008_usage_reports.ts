import { sql, type Kysely } from 'kysely';

// Usage and reports (issue 16): per-org pricing, the quota soft-limit warnings already sent, and
// the monthly reports, kept for all time. Written against Kysely<any> so migrations never import
// app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('org_pricing')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('orgs.id').onDelete('cascade'))
    .addColumn('currency', 'text', (c) => c.notNull())
    // Prices in the currency's major unit as exact decimals (numeric): never floating point.
    .addColumn('per_gb_ingested', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('per_gb_month_stored', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('per_million_records', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('base_fee', 'numeric', (c) => c.notNull().defaultTo(0))
    // { "<app id>": { per_gb_ingested?, per_gb_month_stored?, per_million_records? } }
    .addColumn('app_overrides', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('org_pricing_currency', sql`currency ~ '^[A-Z]{3}$'`)
    .execute();

  await db.schema
    .createTable('usage_quota_warnings')
    .addColumn('app_id', 'uuid', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('records', 'bigint', (c) => c.notNull())
    .addColumn('quota', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // One warning per app and day, whichever scheduler instance gets there first.
    .addPrimaryKeyConstraint('usage_quota_warnings_pk', ['app_id', 'day'])
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('partial', 'boolean', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('csv', 'text', (c) => c.notNull())
    .addColumn('pdf', 'bytea', (c) => c.notNull())
    .addColumn('generated_at', 'timestamptz', (c) => c.notNull())
    // Set by whoever claims delivery (one instance); delivered_at once the channels took it.
    .addColumn('delivery_claimed_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('delivery_error', 'text')
    .addCheckConstraint('reports_month', sql`month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`)
    // One report per org and month: the month-to-date one is replaced until the final one lands.
    .addUniqueConstraint('reports_org_month', ['org_id', 'month'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reports').execute();
  await db.schema.dropTable('usage_quota_warnings').execute();
  await db.schema.dropTable('org_pricing').execute();
}
