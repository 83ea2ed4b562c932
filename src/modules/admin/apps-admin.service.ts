import { appendAudit } from '../audit/audit.repository.ts';
import {
  createAppsRepository,
  type App,
  type NewApp,
  type OrgScope,
} from '../apps/apps.repository.ts';
import {
  createAppWithKey,
  validateNewApp,
  type CreateAppInput,
  type CreatedApp,
} from '../apps/apps.service.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import { announce } from '../ingest-keys/ingest-key-admin.service.ts';
import type { AdminDeps } from './admin-deps.ts';

export async function createApp(
  deps: AdminDeps,
  actor: AuditActor,
  scope: OrgScope,
  input: CreateAppInput,
): Promise<CreatedApp> {
  return createAppWithKey(deps.db, scope, input, async (trx, created) => {
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'app.create',
      targetType: 'app',
      targetId: created.app.id,
      after: { app: created.app, first_key_id: created.key.record.id },
    });
  });
}

export async function updateApp(
  deps: AdminDeps,
  actor: AuditActor,
  scope: OrgScope,
  before: App,
  changes: Partial<Omit<NewApp, 'slug'>>,
): Promise<App> {
  if (changes.name !== undefined)
    changes.name = validateNewApp({ name: changes.name, slug: before.slug }).name;
  const after = await deps.db.transaction().execute(async (trx) => {
    const updated = await createAppsRepository(trx).update(scope, before.id, changes);
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'app.update',
      targetType: 'app',
      targetId: before.id,
      before,
      after: updated,
    });
    return updated;
  });
  // Cached key resolutions carry the app's retention and limits.
  await announce(deps, scope, { appId: before.id }, 'app_updated');
  return after;
}

export async function deleteApp(
  deps: AdminDeps,
  actor: AuditActor,
  scope: OrgScope,
  before: App,
): Promise<App> {
  const deleted = await deps.db.transaction().execute(async (trx) => {
    const removed = await createAppsRepository(trx).softDelete(scope, before.id);
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'app.delete',
      targetType: 'app',
      targetId: before.id,
      before,
      after: { deleted_at: removed.deleted_at },
    });
    return removed;
  });
  await announce(deps, scope, { appId: before.id }, 'app_deleted');
  return deleted;
}
