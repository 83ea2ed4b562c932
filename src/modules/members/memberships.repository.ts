import { sql, type Selectable } from 'kysely';
import type { MembershipRole, MembershipsTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import type { OrgMembership } from '../auth/auth-context.ts';

export type Membership = Selectable<MembershipsTable>;

export interface MemberRow {
  user_id: string;
  email: string;
  name: string | null;
  role: MembershipRole;
  created_at: Date;
  /** The role comes from the IdP's claim and is set again at every SSO sign-in. */
  sso_managed: boolean;
}

export function createMembershipsRepository(db: Db) {
  const members = (scope: OrgScope) =>
    db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at', 'm.sso_managed'])
      .where('m.org_id', '=', scope.orgId);
  return {
    /** A user's own memberships, in orgs that are not disabled: the basis of every request's scope. */
    async listForUser(userId: string): Promise<OrgMembership[]> {
      return db
        .selectFrom('memberships as m')
        .innerJoin('orgs as o', 'o.id', 'm.org_id')
        .select(['o.id as orgId', 'o.slug as orgSlug', 'o.name as orgName', 'm.role'])
        .where('m.user_id', '=', userId)
        .where('o.disabled_at', 'is', null)
        .orderBy('o.slug')
        .execute();
    },
    async list(scope: OrgScope): Promise<MemberRow[]> {
      return members(scope).orderBy('u.email').execute();
    },
    async find(scope: OrgScope, userId: string): Promise<MemberRow | undefined> {
      return members(scope).where('m.user_id', '=', userId).executeTakeFirst();
    },
    async add(scope: OrgScope, userId: string, role: MembershipRole): Promise<void> {
      await db
        .insertInto('memberships')
        .values({ org_id: scope.orgId, user_id: userId, role })
        .execute();
    },
    async setRole(scope: OrgScope, userId: string, role: MembershipRole): Promise<void> {
      await db
        .updateTable('memberships')
        .set({ role })
        .where('org_id', '=', scope.orgId)
        .where('user_id', '=', userId)
        .execute();
    },
    /** After an SSO sign-in: exactly the memberships in `orgIds` are the claim's to set. */
    async markSsoManaged(userId: string, orgIds: readonly string[]): Promise<void> {
      await db
        .updateTable('memberships')
        .set({
          sso_managed:
            orgIds.length === 0
              ? sql<boolean>`false`
              : sql<boolean>`org_id = ANY(${[...orgIds]}::uuid[])`,
        })
        .where('user_id', '=', userId)
        .execute();
    },
    async remove(scope: OrgScope, userId: string): Promise<void> {
      await db
        .deleteFrom('memberships')
        .where('org_id', '=', scope.orgId)
        .where('user_id', '=', userId)
        .execute();
    },
    /** Locks the org's owner rows so two concurrent demotions cannot both pass the last-owner check. */
    async lockOwners(scope: OrgScope): Promise<string[]> {
      const rows = await db
        .selectFrom('memberships')
        .select('user_id')
        .where('org_id', '=', scope.orgId)
        .where('role', '=', 'owner')
        .forUpdate()
        .execute();
      return rows.map((r) => r.user_id);
    },
  };
}
