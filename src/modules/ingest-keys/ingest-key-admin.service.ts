// Create, rotate and revoke ingest keys. Each change is audited in its own transaction and, once
// committed, announced to every instance's ingest key cache (ingest-key-events.ts).
import { BadRequestError, NotFoundError } from '../../infra/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import { publishIngestKeyChanges, type IngestKeyChangeReason } from './ingest-key-events.ts';
import { createIngestKeysRepository, type IngestKeyRecord } from './ingest-keys.repository.ts';
import { createIngestKey, type CreatedIngestKey } from './ingest-keys.service.ts';

export async function createAppIngestKey(
  deps: AdminDeps,
  actor: AuditActor,
  scope: OrgScope,
  appId: string,
  input: { name: string; expiresInDays?: number },
): Promise<CreatedIngestKey> {
  const name = input.name.trim();
  if (name.length === 0) throw new BadRequestError('invalid_name', 'name must not be blank');
  const expiresAt =
    input.expiresInDays === undefined
      ? null
      : new Date(Date.now() + input.expiresInDays * 86_400_000);
  return deps.db.transaction().execute(async (trx) => {
    const created = await createIngestKey(trx, scope, { appId, name, expiresAt });
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'ingest_key.create',
      targetType: 'ingest_key',
      targetId: created.record.id,
      after: created.record,
    });
    return created;
  });
}

export async function rotateIngestKey(
  deps: AdminDeps,
  actor: AuditActor,
  scope: OrgScope,
  appId: string,
  keyId: string,
  input: { overlapSeconds: number; name?: string },
): Promise<CreatedIngestKey & { previous: IngestKeyRecord }> {
  const overlapMs = input.overlapSeconds * 1000;
  if (overlapMs > deps.config.auth.ingestKeyMaxRotationOverlapMs) {
    throw new BadRequestError(
      'invalid_overlap',
      `overlap_seconds must be at most ${Math.floor(deps.config.auth.ingestKeyMaxRotationOverlapMs / 1000)}`,
    );
  }
  const result = await deps.db.transaction().execute(async (trx) => {
    const keys = createIngestKeysRepository(trx);
    const before = usableKey(await keys.find(scope, appId, keyId));
    const created = await createIngestKey(trx, scope, {
      appId,
      name: input.name ?? before.name,
      expiresAt: before.expires_at,
    });
    const overlapEnd = new Date(Date.now() + overlapMs);
    const expiresAt =
      before.expires_at !== null && before.expires_at < overlapEnd ? before.expires_at : overlapEnd;
    const previous = await keys.update(scope, keyId, {
      expires_at: expiresAt,
      replaced_by: created.record.id,
    });
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'ingest_key.rotate',
      targetType: 'ingest_key',
      targetId: keyId,
      before,
      after: { previous, created: created.record },
    });
    return { ...created, previous };
  });
  await announce(deps, scope, { keyId }, 'rotated');
  return result;
}

export async function revokeIngestKey(
  deps: AdminDeps,
  actor: AuditActor,
  scope: OrgScope,
  appId: string,
  keyId: string,
): Promise<IngestKeyRecord> {
  const revoked = await deps.db.transaction().execute(async (trx) => {
    const keys = createIngestKeysRepository(trx);
    const before = await keys.find(scope, appId, keyId);
    if (!before) throw new NotFoundError('key');
    if (before.revoked_at !== null) return undefined;
    const after = await keys.update(scope, keyId, { revoked_at: new Date() });
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'ingest_key.revoke',
      targetType: 'ingest_key',
      targetId: keyId,
      before,
      after,
    });
    return after;
  });
  if (!revoked) {
    // Revoking twice changes nothing and records nothing, but the caller still gets the key.
    return (await createIngestKeysRepository(deps.db).find(scope, appId, keyId)) as IngestKeyRecord;
  }
  await announce(deps, scope, { keyId }, 'revoked');
  return revoked;
}

/** Tells every instance to forget cached resolutions of the matching keys. */
export async function announce(
  deps: AdminDeps,
  scope: OrgScope,
  filter: { appId?: string; keyId?: string },
  reason: IngestKeyChangeReason,
): Promise<void> {
  const rows = await createIngestKeysRepository(deps.db).hashes(scope, filter);
  await publishIngestKeyChanges(
    deps.redis,
    deps.config,
    rows.map((r) => ({
      key_hash: r.key_hash,
      key_id: r.id,
      app_id: r.app_id,
      org_id: r.org_id,
      reason,
    })),
  );
}

function usableKey(key: IngestKeyRecord | undefined): IngestKeyRecord {
  if (!key) throw new NotFoundError('key');
  const now = Date.now();
  if (key.revoked_at !== null || (key.expires_at !== null && key.expires_at.getTime() <= now)) {
    throw new BadRequestError('key_not_active', 'only an active key can be rotated');
  }
  if (key.replaced_by !== null) {
    throw new BadRequestError(
      'key_already_rotated',
      'this key was already rotated; rotate its successor',
    );
  }
  return key;
}
