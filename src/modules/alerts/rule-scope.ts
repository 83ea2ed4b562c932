// What a rule may read, decided at every evaluation with its creator's current rights: the
// creator must still be an active member of the rule's org (platform admins: any org), and every
// app the rule names must still be one they can read. A removed member's rules stop.
import type { Db } from '../../infra/postgres.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { readableApps } from '../auth/authorize.ts';
import { createUsersRepository } from '../auth/users.repository.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import type { SearchScope } from '../search/search-scope.ts';
import { NotFoundError } from '../../infra/errors.ts';

export type RuleScope = { ok: true; scope: SearchScope } | { ok: false; reason: string };

/** The creator as a read-only caller: the same AuthContext a read token of theirs would get. */
export async function creatorContext(db: Db, userId: string | null): Promise<AuthContext | null> {
  if (userId === null) return null;
  const user = await createUsersRepository(db).findById(userId);
  if (!user || user.disabled_at !== null) return null;
  return {
    user: { id: user.id, email: user.email, name: user.name, platformAdmin: user.platform_admin },
    via: 'token',
    sessionId: null,
    tokenId: null,
    tokenScope: 'read',
    memberships: await createMembershipsRepository(db).listForUser(user.id),
  };
}

export async function ruleScope(
  db: Db,
  rule: { org_id: string; created_by: string | null; app_ids: readonly string[] },
): Promise<RuleScope> {
  const auth = await creatorContext(db, rule.created_by);
  if (!auth) return { ok: false, reason: 'the rule creator no longer exists or is disabled' };
  try {
    const apps = await readableApps(db, auth, {
      orgRef: rule.org_id,
      ...(rule.app_ids.length > 0 ? { appRefs: rule.app_ids } : {}),
    });
    return { ok: true, scope: { orgIds: [rule.org_id], appIds: apps.map((a) => a.id) } };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return { ok: false, reason: 'the rule creator can no longer read its org or apps' };
    }
    throw error;
  }
}
