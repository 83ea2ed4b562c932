import type { Kysely } from 'kysely';

// Which memberships the identity provider's role claim sets. Those are rewritten at every SSO
// sign-in, so a change made in MyLog would silently revert: the Members page shows them as managed
// by SSO and the API refuses to change their role.
// Written against Kysely<any> so migrations never depend on app code that changes later.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('memberships')
    .addColumn('sso_managed', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('memberships').dropColumn('sso_managed').execute();
}
