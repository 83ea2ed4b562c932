import { sql, type Kysely } from 'kysely';

// Notification channels (where an org's alerts go), the delivery outbox (one row per event and
// channel: the idempotency key, the retry state and the dead letters people can see), and in-app
// notifications per user. Written against Kysely<any> so migrations never import app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification_channels')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // Type-specific settings (url, secret, addresses, user ids); secrets never leave the API.
    .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'notification_channels_type',
      sql`type IN ('webhook', 'slack', 'email', 'in_app')`,
    )
    .addCheckConstraint('notification_channels_name', sql`length(name) BETWEEN 1 AND 200`)
    .execute();
  await db.schema
    .createIndex('notification_channels_org')
    .on('notification_channels')
    .column('org_id')
    .execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // null for platform alerts, which belong to no org.
    .addColumn('org_id', 'uuid', (c) => c.references('orgs.id').onDelete('cascade'))
    .addColumn('channel_id', 'uuid', (c) =>
      c.references('notification_channels.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'text', (c) => c.notNull())
    // The message as delivered (the same bytes on every attempt, so receivers can compare).
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addCheckConstraint(
      'notification_deliveries_status',
      sql`status IN ('pending', 'delivered', 'dead')`,
    )
    .execute();
  // One delivery per event and channel: a re-run evaluation cannot notify twice.
  await sql`CREATE UNIQUE INDEX notification_deliveries_event ON notification_deliveries
    (event_id, coalesce(channel_id, '00000000-0000-0000-0000-000000000000'::uuid))`.execute(db);
  await db.schema
    .createIndex('notification_deliveries_status')
    .on('notification_deliveries')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_org')
    .on('notification_deliveries')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_id', 'uuid', (c) => c.references('orgs.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('link', 'text')
    .addColumn('state', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addUniqueConstraint('notifications_user_event', ['user_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('notifications_user_created')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('notification_deliveries').execute();
  await db.schema.dropTable('notification_channels').execute();
}
