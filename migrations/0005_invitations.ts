import { sql, type Kysely } from 'kysely';

// Invitations: adding a member by e-mail records an invitation instead of reaching into the users
// table, so the answer says nothing about whether the address has an account (in this org or any
// other). The membership starts when the invited address next signs in.
// Written against Kysely<any> so migrations never depend on app code that changes later.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('invitations_org_email', ['org_id', 'email'])
    .addCheckConstraint('invitations_role', sql`role IN ('owner', 'admin', 'member', 'viewer')`)
    .execute();
  await db.schema.createIndex('invitations_email').on('invitations').column('email').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invitations').execute();
}
