// Authorization in one place. Every handler that touches tenant data goes through these helpers,
// and passes the OrgScope they return to the repositories (which take it as first argument).
//
// How a feature uses it (inside the user context, where `request.auth` is always set):
//
//   const org = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
//   //   → { orgId, slug, name, role }; 404 if the caller is not in that org (or it does not
//   //     exist: the two are indistinguishable), 403 if they are in it with a lower role.
//   const { org, app } = await requireAppRole(app.db, request.auth, request.params.app, 'viewer');
//   const apps = await readableApps(app.db, request.auth, { appRefs: ['web', '<uuid>'] });
//   //   → [{ id, slug, name, orgId, orgSlug }]: every app the caller may read (all of them when
//   //     appRefs is omitted); an unknown or foreign ref is a 404, never silently dropped.
//   const ids = await readableAppIds(app.db, request.auth);  // just the ids
//   requirePlatformAdmin(request.auth);                      // 404 for everyone else
//
// Rules: viewer < member < admin < owner; viewers read, members also manage saved searches and
// dashboards, admins manage apps, keys and members, owners manage the org. Platform admins manage
// orgs and act as owner in every org they address by id or slug (that is how a new org gets its
// first owner), but `readableApps` without refs lists only their own memberships so a default
// search never spans every tenant. API tokens with scope `read` can never mutate: the user
// context refuses their non-GET requests before any handler runs.
import type { Db } from '../../infra/postgres.ts';
import { ForbiddenError, NotFoundError, ConflictError } from '../../infra/errors.ts';
import { UUID_PATTERN } from '../../infra/slug.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { createOrgsRepository } from '../orgs/orgs.repository.ts';
import type { AuthContext } from './auth-context.ts';
import { roleAtLeast, type MembershipRole } from './roles.ts';

export interface AuthorizedOrg extends OrgScope {
  slug: string;
  name: string;
  /** The caller's effective role: platform admins act as owner. */
  role: MembershipRole;
}

export interface ReadableApp {
  id: string;
  slug: string;
  name: string;
  orgId: string;
  orgSlug: string;
}

export function requirePlatformAdmin(auth: AuthContext): void {
  // 404 rather than 403: the platform endpoints do not exist for tenants.
  if (!auth.user.platformAdmin) throw new NotFoundError('route');
}

export function requireRole(actual: MembershipRole, minimum: MembershipRole): void {
  if (!roleAtLeast(actual, minimum)) {
    throw new ForbiddenError('insufficient_role', `this needs the ${minimum} role or higher`);
  }
}

export async function requireOrgRole(
  db: Db,
  auth: AuthContext,
  orgRef: string,
  minimum: MembershipRole,
): Promise<AuthorizedOrg> {
  const isId = UUID_PATTERN.test(orgRef);
  const membership = auth.memberships.find((m) =>
    isId ? m.orgId === orgRef.toLowerCase() : m.orgSlug === orgRef,
  );
  if (membership) {
    requireRole(membership.role, minimum);
    return {
      orgId: membership.orgId,
      slug: membership.orgSlug,
      name: membership.orgName,
      role: membership.role,
    };
  }
  if (auth.user.platformAdmin) {
    const org = await createOrgsRepository(db).findByRef(orgRef);
    if (org) return { orgId: org.id, slug: org.slug, name: org.name, role: 'owner' };
  }
  throw new NotFoundError('org');
}

function ambiguousApp(ref: string): ConflictError {
  return new ConflictError(
    'ambiguous_app',
    `several of your orgs have an app "${ref}"; use its id`,
  );
}

/** Apps are addressed by id, or by slug when that slug is unambiguous among the caller's orgs. */
export async function requireAppRole(
  db: Db,
  auth: AuthContext,
  appRef: string,
  minimum: MembershipRole,
) {
  const orgIds = auth.memberships.map((m) => m.orgId);
  const isId = UUID_PATTERN.test(appRef);
  let query = db
    .selectFrom('apps')
    .innerJoin('orgs', 'orgs.id', 'apps.org_id')
    .selectAll('apps')
    .where('apps.deleted_at', 'is', null)
    .where(isId ? 'apps.id' : 'apps.slug', '=', isId ? appRef.toLowerCase() : appRef);
  if (!(auth.user.platformAdmin && isId)) {
    if (orgIds.length === 0) throw new NotFoundError('app');
    query = query.where('apps.org_id', 'in', orgIds);
  }
  const rows = await query.limit(2).execute();
  if (rows.length > 1) throw ambiguousApp(appRef);
  const found = rows[0];
  if (!found) throw new NotFoundError('app');
  const org = await requireOrgRole(db, auth, found.org_id, minimum).catch((error: unknown) => {
    // A disabled org hides its apps just like a foreign one.
    if (error instanceof NotFoundError) throw new NotFoundError('app');
    throw error;
  });
  return { org, app: found };
}

/**
 * The apps the caller may read. With `appRefs` (ids or slugs), exactly those: any ref that is
 * unknown or belongs to another tenant is a 404. With `orgRef`, that org's apps.
 */
export async function readableApps(
  db: Db,
  auth: AuthContext,
  options: { appRefs?: readonly string[]; orgRef?: string } = {},
): Promise<ReadableApp[]> {
  let orgIds = auth.memberships.map((m) => m.orgId);
  if (options.orgRef !== undefined) {
    orgIds = [(await requireOrgRole(db, auth, options.orgRef, 'viewer')).orgId];
  }
  if (orgIds.length === 0) {
    if (options.appRefs && options.appRefs.length > 0) throw new NotFoundError('app');
    return [];
  }
  const rows = await db
    .selectFrom('apps')
    .innerJoin('orgs', 'orgs.id', 'apps.org_id')
    .select([
      'apps.id as id',
      'apps.slug as slug',
      'apps.name as name',
      'apps.org_id as orgId',
      'orgs.slug as orgSlug',
    ])
    .where('apps.org_id', 'in', orgIds)
    .where('apps.deleted_at', 'is', null)
    .where('orgs.disabled_at', 'is', null)
    .orderBy('orgs.slug')
    .orderBy('apps.slug')
    .execute();
  if (!options.appRefs || options.appRefs.length === 0) return rows;
  const picked = new Map<string, ReadableApp>();
  for (const ref of options.appRefs) {
    const matches = UUID_PATTERN.test(ref)
      ? rows.filter((r) => r.id === ref.toLowerCase())
      : rows.filter((r) => r.slug === ref);
    if (matches.length === 0) throw new NotFoundError(`app "${ref}"`);
    if (matches.length > 1) throw ambiguousApp(ref);
    const match = matches[0] as ReadableApp;
    picked.set(match.id, match);
  }
  return [...picked.values()];
}

export async function readableAppIds(
  db: Db,
  auth: AuthContext,
  options: { appRefs?: readonly string[]; orgRef?: string } = {},
): Promise<string[]> {
  return (await readableApps(db, auth, options)).map((a) => a.id);
}
