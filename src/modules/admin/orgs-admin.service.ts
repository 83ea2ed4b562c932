import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import { announce } from '../ingest-keys/ingest-key-admin.service.ts';
import { createOrgsRepository, type Org } from '../orgs/orgs.repository.ts';
import { createOrg } from '../orgs/orgs.service.ts';
import type { AdminDeps } from './admin-deps.ts';

export async function createOrgAudited(
  deps: AdminDeps,
  actor: AuditActor,
  input: { name: string; slug?: string },
): Promise<Org> {
  return deps.db.transaction().execute(async (trx) => {
    const org = await createOrg(trx, input);
    await appendAudit(trx, actor, {
      orgId: org.id,
      action: 'org.create',
      targetType: 'org',
      targetId: org.id,
      after: org,
    });
    return org;
  });
}

export async function updateOrg(
  deps: AdminDeps,
  actor: AuditActor,
  before: Org,
  changes: { name?: string; disabled?: boolean },
): Promise<Org> {
  const set: { name?: string; disabled_at?: Date | null } = {};
  if (changes.name !== undefined) set.name = changes.name.trim();
  if (changes.disabled !== undefined && changes.disabled !== (before.disabled_at !== null)) {
    set.disabled_at = changes.disabled ? new Date() : null;
  }
  if (Object.keys(set).length === 0 || (set.name === before.name && set.disabled_at === undefined))
    return before;
  const action =
    set.disabled_at === undefined
      ? 'org.update'
      : set.disabled_at === null
        ? 'org.enable'
        : 'org.disable';
  const after = await deps.db.transaction().execute(async (trx) => {
    const updated = await createOrgsRepository(trx).update(before.id, set);
    await appendAudit(trx, actor, {
      orgId: before.id,
      action,
      targetType: 'org',
      targetId: before.id,
      before,
      after: updated,
    });
    return updated;
  });
  if (set.disabled_at !== undefined) await announce(deps, { orgId: before.id }, {}, 'org_disabled');
  return after;
}
