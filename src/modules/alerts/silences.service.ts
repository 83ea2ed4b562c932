// Silences: a time range and a matcher (a rule, or every rule of the org, and group values that
// must all match). Notifications they hold back are recorded in the history as suppressed, and
// the first evaluation after the silence tells people where things stand.
import type { Static } from '@sinclair/typebox';
import { BadRequestError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor, AuthContext } from '../auth/auth-context.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { createAlertsRepository, type SilenceRow } from './alerts.repository.ts';
import type { CreateSilenceBody, Silence } from './alerts.schemas.ts';

export function silenceJson(row: SilenceRow): Static<typeof Silence> {
  return {
    id: row.id,
    org_id: row.org_id,
    rule_id: row.rule_id,
    matcher: row.matcher as Record<string, string>,
    starts_at: new Date(row.starts_at).toISOString(),
    ends_at: new Date(row.ends_at).toISOString(),
    comment: row.comment,
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function createSilence(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  body: Static<typeof CreateSilenceBody>,
  nowMs: number,
) {
  const org = await requireOrgRole(db, auth, body.org, 'member');
  const repo = createAlertsRepository(db);
  if (body.rule_id) {
    const rule = await repo.findRule([org.orgId], body.rule_id);
    if (!rule) throw new NotFoundError('alert');
  }
  const startsAt = body.starts_at ? new Date(body.starts_at) : new Date(nowMs);
  const endsAt = new Date(body.ends_at);
  if (endsAt <= startsAt) {
    throw new BadRequestError('invalid_silence', 'ends_at must be after starts_at');
  }
  const row = await db.transaction().execute(async (trx) => {
    const created = await createAlertsRepository(trx).insertSilence(org, {
      ruleId: body.rule_id ?? null,
      matcher: body.matcher ?? {},
      startsAt,
      endsAt,
      comment: body.comment ?? '',
      createdBy: auth.user.id,
    });
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'alert_silence.create',
      targetType: 'alert_silence',
      targetId: created.id,
      after: silenceJson(created),
    });
    return created;
  });
  return silenceJson(row);
}

export async function deleteSilence(db: Db, auth: AuthContext, actor: AuditActor, id: string) {
  const orgIds = auth.user.platformAdmin ? undefined : auth.memberships.map((m) => m.orgId);
  const row = await createAlertsRepository(db).findSilence(orgIds, id);
  if (!row) throw new NotFoundError('silence');
  const org = await requireOrgRole(db, auth, row.org_id, 'member');
  await db.transaction().execute(async (trx) => {
    await createAlertsRepository(trx).deleteSilence(org, id);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'alert_silence.delete',
      targetType: 'alert_silence',
      targetId: id,
      before: silenceJson(row),
    });
  });
  return silenceJson(row);
}
