// Inviting, re-roling and removing members. Two rules beyond the role ladder: only an owner can
// make or unmake an owner, and an org always keeps at least one owner.
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import type { MembershipRole } from '../auth/roles.ts';
import { createUsersRepository, normaliseEmail } from '../auth/users.repository.ts';
import { createInvitationsRepository, type Invitation } from './invitations.repository.ts';
import { createMembershipsRepository, type MemberRow } from './memberships.repository.ts';

function requireOwnerFor(callerRole: MembershipRole, ...roles: MembershipRole[]): void {
  if (roles.includes('owner') && callerRole !== 'owner') {
    throw new ForbiddenError(
      'insufficient_role',
      'only an owner can grant or take away the owner role',
    );
  }
}

export async function addMember(
  db: Db,
  actor: AuditActor,
  scope: OrgScope & { role: MembershipRole },
  input: { email: string; role: MembershipRole },
): Promise<MemberRow> {
  requireOwnerFor(scope.role, input.role);
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new BadRequestError('invalid_email', 'not an email address');
  return db.transaction().execute(async (trx) => {
    const users = createUsersRepository(trx);
    let user = await users.findByEmail(email);
    if (!user) {
      // Invited users sign in through SSO (or get a password from `mylog admin create`).
      user = await users.create({ email });
    }
    const memberships = createMembershipsRepository(trx);
    if (await memberships.find(scope, user.id)) {
      throw new ConflictError('already_member', `${email} is already a member of this org`);
    }
    await memberships.add(scope, user.id, input.role);
    const member = (await memberships.find(scope, user.id)) as MemberRow;
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'member.add',
      targetType: 'user',
      targetId: user.id,
      after: member,
    });
    return member;
  });
}

export interface InvitationJson {
  id: string;
  email: string;
  role: MembershipRole;
  created_at: string;
}

function invitationJson(row: Invitation): InvitationJson {
  return { id: row.id, email: row.email, role: row.role, created_at: row.created_at.toISOString() };
}

/**
 * The API's way in: an invitation, whatever the address. Looking the address up in `users` and
 * answering with that user (as addMember does for the CLI) told any org admin that another
 * tenant's person had an account, with their id and name. Only a current member of this org is
 * refused (409), which the org's own member list shows anyway.
 */
export async function inviteMember(
  db: Db,
  actor: AuditActor,
  scope: OrgScope & { role: MembershipRole },
  input: { email: string; role: MembershipRole },
): Promise<InvitationJson> {
  requireOwnerFor(scope.role, input.role);
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new BadRequestError('invalid_email', 'not an email address');
  return db.transaction().execute(async (trx) => {
    const members = await createMembershipsRepository(trx).list(scope);
    if (members.some((m) => m.email === email)) {
      throw new ConflictError('already_member', `${email} is already a member of this org`);
    }
    const invitation = await createInvitationsRepository(trx).upsert(
      scope,
      email,
      input.role,
      actor.userId,
    );
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'member.invite',
      targetType: 'invitation',
      targetId: invitation.id,
      after: { email, role: input.role },
    });
    return invitationJson(invitation);
  });
}

export async function listInvitations(db: Db, scope: OrgScope): Promise<InvitationJson[]> {
  return (await createInvitationsRepository(db).list(scope)).map(invitationJson);
}

export async function revokeInvitation(
  db: Db,
  actor: AuditActor,
  scope: OrgScope & { role: MembershipRole },
  id: string,
): Promise<InvitationJson> {
  return db.transaction().execute(async (trx) => {
    const removed = await createInvitationsRepository(trx).remove(scope, id);
    if (!removed) throw new NotFoundError('invitation');
    requireOwnerFor(scope.role, removed.role);
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'member.uninvite',
      targetType: 'invitation',
      targetId: id,
      before: { email: removed.email, role: removed.role },
    });
    return invitationJson(removed);
  });
}

/**
 * Turns the pending invitations of a user's address into memberships; called in the sign-in
 * transaction (session.service.ts), so the user's first page already shows the new orgs. An
 * existing membership is left as it is.
 */
export async function acceptInvitations(
  db: Db,
  user: { id: string; email: string },
  actor: AuditActor,
): Promise<void> {
  const invitations = await createInvitationsRepository(db).takeForEmail(
    normaliseEmail(user.email),
  );
  const memberships = createMembershipsRepository(db);
  for (const invitation of invitations) {
    const scope = { orgId: invitation.org_id };
    if (await memberships.find(scope, user.id)) continue;
    await memberships.add(scope, user.id, invitation.role);
    await appendAudit(db, actor, {
      orgId: invitation.org_id,
      action: 'member.add',
      targetType: 'user',
      targetId: user.id,
      after: { role: invitation.role, via: 'invitation', invitation_id: invitation.id },
    });
  }
}

export async function changeMemberRole(
  db: Db,
  actor: AuditActor,
  scope: OrgScope & { role: MembershipRole },
  userId: string,
  role: MembershipRole,
): Promise<MemberRow> {
  return db.transaction().execute(async (trx) => {
    const memberships = createMembershipsRepository(trx);
    const { before, isLastOwner } = await memberUnderOwnerLock(memberships, scope, userId);
    if (before.role === role) return before;
    if (before.sso_managed) {
      throw new ConflictError(
        'role_managed_by_sso',
        "this member's role comes from the identity provider's role claim and is set again at " +
          'each sign-in; change it in the identity provider',
      );
    }
    requireOwnerFor(scope.role, before.role, role);
    if (isLastOwner) {
      throw new ConflictError(
        'last_owner',
        'an org needs at least one owner; promote someone else first',
      );
    }
    await memberships.setRole(scope, userId, role);
    const after = (await memberships.find(scope, userId)) as MemberRow;
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'member.update',
      targetType: 'user',
      targetId: userId,
      before,
      after,
    });
    return after;
  });
}

export async function removeMember(
  db: Db,
  actor: AuditActor,
  scope: OrgScope & { role: MembershipRole },
  userId: string,
): Promise<MemberRow> {
  return db.transaction().execute(async (trx) => {
    const memberships = createMembershipsRepository(trx);
    const { before, isLastOwner } = await memberUnderOwnerLock(memberships, scope, userId);
    requireOwnerFor(scope.role, before.role);
    if (isLastOwner) {
      throw new ConflictError('last_owner', 'the last owner of an org cannot be removed');
    }
    await memberships.remove(scope, userId);
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'member.remove',
      targetType: 'user',
      targetId: userId,
      before,
    });
    return before;
  });
}

/**
 * Reads a member with the org's owner rows locked, so two concurrent demotions or removals cannot
 * both pass the last-owner check.
 */
async function memberUnderOwnerLock(
  memberships: ReturnType<typeof createMembershipsRepository>,
  scope: OrgScope,
  userId: string,
): Promise<{ before: MemberRow; isLastOwner: boolean }> {
  const owners = await memberships.lockOwners(scope);
  const before = await memberships.find(scope, userId);
  if (!before) throw new NotFoundError('member');
  return { before, isLastOwner: before.role === 'owner' && owners.length <= 1 };
}
