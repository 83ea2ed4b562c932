import type { Selectable } from 'kysely';
import type { InvitationsTable, MembershipRole } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';

export type Invitation = Selectable<InvitationsTable>;

export function createInvitationsRepository(db: Db) {
  return {
    /** Invites `email` (again): a second invitation to the same address replaces the role. */
    async upsert(
      scope: OrgScope,
      email: string,
      role: MembershipRole,
      invitedBy: string | null,
    ): Promise<Invitation> {
      return db
        .insertInto('invitations')
        .values({ org_id: scope.orgId, email, role, invited_by: invitedBy })
        .onConflict((oc) =>
          oc.columns(['org_id', 'email']).doUpdateSet({ role, invited_by: invitedBy }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async list(scope: OrgScope): Promise<Invitation[]> {
      return db
        .selectFrom('invitations')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .orderBy('email')
        .execute();
    },
    async remove(scope: OrgScope, id: string): Promise<Invitation | undefined> {
      return db
        .deleteFrom('invitations')
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    /** Every pending invitation of an address, removed as it is taken (sign-in acceptance). */
    async takeForEmail(email: string): Promise<Invitation[]> {
      return db.deleteFrom('invitations').where('email', '=', email).returningAll().execute();
    },
  };
}
