// Placing and releasing legal holds (platform admins), audited in the same transaction.
import { ConflictError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import { isUniqueViolation } from '../../infra/postgres.ts';
import {
  createLegalHoldsRepository,
  type HoldTarget,
  type LegalHold,
} from './legal-holds.repository.ts';

export async function placeLegalHold(
  db: Db,
  actor: AuditActor,
  target: HoldTarget,
  reason: string,
): Promise<LegalHold> {
  try {
    return await db.transaction().execute(async (trx) => {
      const hold = await createLegalHoldsRepository(trx).place(target, reason, actor.label);
      await appendAudit(trx, actor, {
        orgId: target.orgId,
        action: 'legal_hold.place',
        targetType: target.appId ? 'app' : 'org',
        targetId: target.appId ?? target.orgId,
        after: hold,
      });
      return hold;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('already_on_hold', 'this is already on legal hold');
    }
    throw error;
  }
}

export async function releaseLegalHold(
  db: Db,
  actor: AuditActor,
  target: HoldTarget,
  now: Date,
): Promise<LegalHold> {
  return db.transaction().execute(async (trx) => {
    const holds = createLegalHoldsRepository(trx);
    const before = await holds.findActive(target);
    if (!before) throw new NotFoundError('legal hold');
    const after = await holds.release(before, actor.label, now);
    await appendAudit(trx, actor, {
      orgId: target.orgId,
      action: 'legal_hold.release',
      targetType: target.appId ? 'app' : 'org',
      targetId: target.appId ?? target.orgId,
      before,
      after,
    });
    return after;
  });
}
