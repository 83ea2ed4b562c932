// First-login provisioning and role mapping for SSO users. The role claim's values read
// `<org slug>:<role>` (e.g. groups: ["acme:admin"]); each names the user's role in that org and
// wins over what MyLog had, and is marked sso_managed so that the Members page and the API say so
// instead of accepting a change that the next sign-in would undo. Orgs the claim does not mention
// keep their existing memberships, so memberships granted in MyLog itself survive a login.
import { ConflictError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import { createOrgsRepository } from '../orgs/orgs.repository.ts';
import type { AuditActor } from './auth-context.ts';
import { isMembershipRole, roleAtLeast, type MembershipRole } from './roles.ts';
import { createUsersRepository, type User } from './users.repository.ts';

export interface SsoIdentity {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  /** Raw values of the role claim. */
  roleClaims: readonly string[];
}

export function parseRoleClaims(values: readonly string[]): Map<string, MembershipRole> {
  const roles = new Map<string, MembershipRole>();
  for (const value of values) {
    const at = value.lastIndexOf(':');
    if (at <= 0) continue;
    const slug = value.slice(0, at).trim().toLowerCase();
    const role = value
      .slice(at + 1)
      .trim()
      .toLowerCase();
    if (!isMembershipRole(role)) continue;
    // Two values for the same org: the stronger role wins, whatever their order.
    const current = roles.get(slug);
    if (!current || !roleAtLeast(current, role)) {
      roles.set(slug, role);
    }
  }
  return roles;
}

export function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  return [];
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export async function provisionSsoUser(
  db: Db,
  identity: SsoIdentity,
  meta: RequestMeta,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const users = createUsersRepository(trx);
    let user = await users.findByOidcSubject(identity.issuer, identity.subject);
    const actor = ssoActor(identity, meta);
    if (!user) {
      const byEmail = await users.findByEmail(identity.email);
      if (byEmail) {
        // Linking by email is only safe when the IdP vouches for the address and the account
        // is not already bound to another identity.
        if (!identity.emailVerified || byEmail.oidc_subject !== null) {
          throw new ConflictError('account_conflict', 'an account with this email already exists');
        }
        user = await users.update(byEmail.id, {
          oidc_issuer: identity.issuer,
          oidc_subject: identity.subject,
        });
        await appendAudit(trx, actor, {
          orgId: null,
          action: 'user.link_sso',
          targetType: 'user',
          targetId: user.id,
          before: { oidc_subject: null },
          after: { oidc_issuer: identity.issuer, oidc_subject: identity.subject },
        });
      } else {
        user = await users.create({
          email: identity.email,
          name: identity.name,
          oidcIssuer: identity.issuer,
          oidcSubject: identity.subject,
        });
        await appendAudit(trx, actor, {
          orgId: null,
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          after: { email: user.email, name: user.name, via: 'sso' },
        });
      }
    }
    await syncMemberships(
      trx,
      { ...actor, userId: user.id },
      user.id,
      parseRoleClaims(identity.roleClaims),
    );
    return users.update(user.id, { last_login_at: new Date() });
  });
}

async function syncMemberships(
  db: Db,
  actor: AuditActor,
  userId: string,
  roles: Map<string, MembershipRole>,
): Promise<void> {
  const orgs = createOrgsRepository(db);
  const memberships = createMembershipsRepository(db);
  const claimed: string[] = [];
  for (const [slug, role] of roles) {
    const org = await orgs.findByRef(slug);
    if (!org || org.disabled_at !== null) continue;
    claimed.push(org.id);
    const scope = { orgId: org.id };
    const current = await memberships.find(scope, userId);
    if (current?.role === role) continue;
    if (current) await memberships.setRole(scope, userId, role);
    else await memberships.add(scope, userId, role);
    await appendAudit(db, actor, {
      orgId: org.id,
      action: current ? 'member.update' : 'member.add',
      targetType: 'user',
      targetId: userId,
      before: current ? { role: current.role } : undefined,
      after: { role, via: 'sso_claim' },
    });
  }
  await memberships.markSsoManaged(userId, claimed);
}

function ssoActor(identity: SsoIdentity, meta: RequestMeta): AuditActor {
  return { userId: null, tokenId: null, label: `sso:${identity.email}`, ...meta };
}
