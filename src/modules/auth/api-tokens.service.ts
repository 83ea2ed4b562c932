import type { Config } from '../../config.ts';
import { BadRequestError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { displayPrefix, generateSecret, hashSecret } from '../../infra/secret-token.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from './auth-context.ts';
import { createApiTokensRepository, type ApiTokenRecord } from './api-tokens.repository.ts';
import type { ApiTokenScope } from './roles.ts';

export interface CreatedApiToken {
  record: ApiTokenRecord;
  /** Shown once; only its hash is kept. */
  token: string;
}

export async function createApiToken(
  db: Db,
  config: Config,
  actor: AuditActor,
  owner: { userId: string },
  input: { name: string; scope: ApiTokenScope; expiresInDays?: number },
): Promise<CreatedApiToken> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new BadRequestError('invalid_name', 'name must be 1–200 characters');
  const days = input.expiresInDays ?? config.auth.apiTokenMaxTtlDays;
  if (!Number.isInteger(days) || days < 1 || days > config.auth.apiTokenMaxTtlDays) {
    throw new BadRequestError(
      'invalid_expiry',
      `expires_in_days must be 1–${config.auth.apiTokenMaxTtlDays}`,
    );
  }
  const token = generateSecret('mlt');
  const record = await db.transaction().execute(async (trx) => {
    const created = await createApiTokensRepository(trx).create(owner, {
      name,
      scope: input.scope,
      displayPrefix: displayPrefix(token),
      tokenHash: hashSecret(token),
      expiresAt: new Date(Date.now() + days * 86_400_000),
    });
    await appendAudit(trx, actor, {
      orgId: null,
      action: 'api_token.create',
      targetType: 'api_token',
      targetId: created.id,
      after: created,
    });
    return created;
  });
  return { record, token };
}

export async function revokeApiToken(
  db: Db,
  actor: AuditActor,
  owner: { userId: string },
  tokenId: string,
): Promise<ApiTokenRecord> {
  return db.transaction().execute(async (trx) => {
    const repo = createApiTokensRepository(trx);
    const before = await repo.find(owner, tokenId);
    if (!before) throw new NotFoundError('token');
    const after = await repo.revoke(owner, tokenId);
    // Already revoked: nothing changed, so nothing to record.
    if (!after) return before;
    await appendAudit(trx, actor, {
      orgId: null,
      action: 'api_token.revoke',
      targetType: 'api_token',
      targetId: tokenId,
      before,
      after,
    });
    return after;
  });
}
