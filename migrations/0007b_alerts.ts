import { sql, type Kysely } from 'kysely';

// Alert rules, one state row per (rule, group) instance, the history of state changes and
// silences. History lives here rather than in ClickHouse: it is small (state changes, not
// evaluations), it is written in the same transaction as the instance state and the delivery
// outbox (that is what makes a re-run evaluation harmless), and it must be writable while
// ClickHouse is the thing that is down.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    // Evaluation runs with this user's current read rights; a departed creator's rules stop.
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('q', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('app_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('measure', 'jsonb', (c) => c.notNull())
    .addColumn('group_by', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('condition_op', 'text', (c) => c.notNull())
    .addColumn('threshold', 'float8', (c) => c.notNull())
    .addColumn('window_ms', 'integer', (c) => c.notNull())
    .addColumn('every_ms', 'integer', (c) => c.notNull())
    .addColumn('for_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_data', 'text', (c) => c.notNull().defaultTo('no_data'))
    .addColumn('renotify_ms', 'integer')
    .addColumn('channel_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('muted_until', 'timestamptz')
    // The last evaluation period whose result is committed: the exactly-once guard.
    .addColumn('last_period_ms', 'bigint')
    .addColumn('last_eval_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('alert_rules_op', sql`condition_op IN ('>', '>=', '<', '<=', '=', '!=')`)
    .addCheckConstraint('alert_rules_no_data', sql`no_data IN ('ok', 'no_data', 'firing', 'keep')`)
    .addCheckConstraint('alert_rules_name', sql`length(name) BETWEEN 1 AND 200`)
    .execute();
  await db.schema.createIndex('alert_rules_org').on('alert_rules').column('org_id').execute();

  await db.schema
    .createTable('alert_instances')
    .addColumn('rule_id', 'uuid', (c) =>
      c.notNull().references('alert_rules.id').onDelete('cascade'),
    )
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('group_values', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_since', 'timestamptz', (c) => c.notNull())
    .addColumn('pending_since', 'timestamptz')
    .addColumn('value', 'float8')
    .addColumn('last_eval_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_notified_at', 'timestamptz')
    // The state people were last told about (null: none yet, i.e. ok); silences, mutes and the
    // flapping guard hold notifications back, and the next evaluation after them catches up.
    .addColumn('notified_state', 'text')
    // One flag per recent evaluation: did the state change then (the flapping guard's window).
    .addColumn('changes', sql`boolean[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('flapping', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('alert_instances_pk', ['rule_id', 'group_key'])
    .addCheckConstraint(
      'alert_instances_state',
      sql`state IN ('ok', 'pending', 'firing', 'no_data')`,
    )
    .execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('rule_id', 'uuid', (c) =>
      c.notNull().references('alert_rules.id').onDelete('cascade'),
    )
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('group_values', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    // What was notified: firing, resolved, no_data, flapping, renotify (or null: not notified).
    .addColumn('notification', 'text')
    .addColumn('value', 'float8')
    .addColumn('threshold', 'float8', (c) => c.notNull())
    .addColumn('window_from', 'timestamptz', (c) => c.notNull())
    .addColumn('window_to', 'timestamptz', (c) => c.notNull())
    .addColumn('silenced_by', 'uuid')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alert_events_rule_at')
    .on('alert_events')
    .columns(['rule_id', 'id'])
    .execute();
  await db.schema.createIndex('alert_events_at').on('alert_events').column('at').execute();

  await db.schema
    .createTable('alert_silences')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    // null: every rule of the org.
    .addColumn('rule_id', 'uuid', (c) => c.references('alert_rules.id').onDelete('cascade'))
    // Group values that must all match (e.g. {"host": "web-1"}); {} matches every group.
    .addColumn('matcher', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('alert_silences_range', sql`ends_at > starts_at`)
    .execute();
  await db.schema
    .createIndex('alert_silences_org')
    .on('alert_silences')
    .columns(['org_id', 'ends_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_silences').execute();
  await db.schema.dropTable('alert_events').execute();
  await db.schema.dropTable('alert_instances').execute();
  await db.schema.dropTable('alert_rules').execute();
}
