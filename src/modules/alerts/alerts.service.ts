// Alert rules: members and up create, change, mute and delete; viewers read. A rule reads with
// the rights of the person who last set what it reads (query, apps, measure, group-by), checked
// here and again at every evaluation. Every change is audited in its transaction.
import type { Config } from '../../config.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import type { Measure } from '../analytics/aggregate.schemas.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor, AuthContext } from '../auth/auth-context.ts';
import { readableApps, requireOrgRole, type AuthorizedOrg } from '../auth/authorize.ts';
import { createChannelsRepository } from '../notifications/channels.repository.ts';
import { parseFilter } from '../search/search-filter.ts';
import { durationMs, durationText } from './alert-duration.ts';
import {
  createAlertsRepository,
  type InstanceRow,
  type RuleFields,
  type RuleRow,
} from './alerts.repository.ts';
import type { AlertRuleJson, CreateAlertInput, UpdateAlertInput } from './alerts.schemas.ts';

const SEVERITY = { firing: 3, no_data: 2, pending: 1, ok: 0 } as const;

export function ruleJson(row: RuleRow, instances: readonly InstanceRow[]): AlertRuleJson {
  const worst = instances.reduce<keyof typeof SEVERITY>(
    (acc, i) => (SEVERITY[i.state] > SEVERITY[acc] ? i.state : acc),
    'ok',
  );
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: row.id,
    org_id: row.org_id,
    created_by: row.created_by,
    name: row.name,
    q: row.q,
    apps: row.app_ids,
    measure: row.measure as unknown as Measure,
    group_by: row.group_by,
    condition: { op: row.condition_op, threshold: row.threshold },
    window: durationText(row.window_ms),
    every: durationText(row.every_ms),
    for: durationText(row.for_ms),
    no_data: row.no_data,
    renotify: row.renotify_ms === null ? null : durationText(row.renotify_ms),
    channels: row.channel_ids,
    enabled: row.enabled,
    muted_until: iso(row.muted_until),
    state: worst,
    instances: instances.map((i) => ({
      group: i.group_values as Record<string, string>,
      state: i.state,
      since: new Date(i.state_since).toISOString(),
      value: i.value,
      flapping: i.flapping,
    })),
    last_eval_at: iso(row.last_eval_at),
    last_error: row.last_error,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

const NEEDS_NO_FIELD = new Set(['count', 'rate']);

function checkMeasure(measure: Measure): Measure {
  if (!NEEDS_NO_FIELD.has(measure.op) && measure.field === undefined) {
    throw new BadRequestError('invalid_measure', `measure ${measure.op} needs a field`);
  }
  return measure;
}

function checkDurations(
  config: Config,
  fields: Pick<RuleFields, 'window_ms' | 'every_ms' | 'for_ms'>,
) {
  const a = config.alerts;
  if (fields.every_ms < a.minEveryMs) {
    throw new BadRequestError(
      'invalid_every',
      `every must be at least ${durationText(a.minEveryMs)}`,
    );
  }
  if (fields.window_ms > a.maxWindowMs) {
    throw new BadRequestError(
      'invalid_window',
      `window must be at most ${durationText(a.maxWindowMs)}`,
    );
  }
  if (fields.every_ms > 2_147_000_000 || fields.for_ms > 2_147_000_000) {
    throw new BadRequestError('invalid_duration', 'durations must be under 24 days');
  }
}

async function appIds(db: Db, auth: AuthContext, org: AuthorizedOrg, refs: readonly string[]) {
  if (refs.length === 0) return [];
  return (await readableApps(db, auth, { appRefs: refs, orgRef: org.orgId })).map((a) => a.id);
}

async function checkChannels(
  db: Db,
  org: AuthorizedOrg,
  ids: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await createChannelsRepository(db).findMany(org, unique);
  if (found.length !== unique.length) {
    throw new BadRequestError('unknown_channel', 'a channel id is not one of this org’s channels');
  }
  return unique;
}

function checkGroupBy(groupBy: readonly string[]): string[] {
  if (new Set(groupBy).size !== groupBy.length) {
    throw new BadRequestError('invalid_group_by', 'group_by names a field twice');
  }
  return [...groupBy];
}

export async function listAlerts(db: Db, auth: AuthContext, orgRef?: string) {
  const orgIds =
    orgRef === undefined
      ? auth.memberships.map((m) => m.orgId)
      : [(await requireOrgRole(db, auth, orgRef, 'viewer')).orgId];
  const repo = createAlertsRepository(db);
  const rules = await repo.listRules(orgIds);
  const instances = await repo.instancesOf(rules.map((r) => r.id));
  return rules.map((r) =>
    ruleJson(
      r,
      instances.filter((i) => i.rule_id === r.id),
    ),
  );
}

/** The rule if the caller is in its org (platform admins: any org); 404 otherwise. */
export async function findAlert(db: Db, auth: AuthContext, id: string) {
  const orgIds = auth.user.platformAdmin ? undefined : auth.memberships.map((m) => m.orgId);
  const row = await createAlertsRepository(db).findRule(orgIds, id);
  if (!row) throw new NotFoundError('alert');
  const org = await requireOrgRole(db, auth, row.org_id, 'viewer');
  return { row, org };
}

export async function getAlert(db: Db, auth: AuthContext, id: string): Promise<AlertRuleJson> {
  const { row } = await findAlert(db, auth, id);
  return ruleJson(row, await createAlertsRepository(db).instancesOf([row.id]));
}

export async function createAlert(
  db: Db,
  config: Config,
  auth: AuthContext,
  actor: AuditActor,
  body: CreateAlertInput,
): Promise<AlertRuleJson> {
  const org = await requireOrgRole(db, auth, body.org, 'member');
  const repo = createAlertsRepository(db);
  if ((await repo.countRules(org)) >= config.alerts.maxRulesPerOrg) {
    throw new ConflictError(
      'too_many_alerts',
      `an org may have ${config.alerts.maxRulesPerOrg} alert rules (ALERTS_MAX_RULES_PER_ORG)`,
    );
  }
  const fields: RuleFields = {
    name: body.name,
    q: body.q ?? '',
    app_ids: await appIds(db, auth, org, body.apps ?? []),
    measure: checkMeasure(body.measure ?? { op: 'count' }),
    group_by: checkGroupBy(body.group_by ?? []),
    condition_op: body.condition.op as RuleFields['condition_op'],
    threshold: body.condition.threshold,
    window_ms: durationMs('window', body.window ?? '5m'),
    every_ms: durationMs('every', body.every ?? '1m'),
    for_ms: body.for === undefined ? 0 : durationMs('for', body.for, { allowZero: true }),
    no_data: body.no_data ?? 'no_data',
    renotify_ms: body.renotify ? durationMs('renotify', body.renotify) : null,
    channel_ids: await checkChannels(db, org, body.channels ?? []),
    enabled: body.enabled ?? true,
    muted_until: null,
  };
  parseFilter(fields.q);
  checkDurations(config, fields);
  const row = await db.transaction().execute(async (trx) => {
    const created = await createAlertsRepository(trx).insertRule(org, auth.user.id, fields);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'alert.create',
      targetType: 'alert',
      targetId: created.id,
      after: ruleJson(created, []),
    });
    return created;
  });
  return ruleJson(row, []);
}

export async function updateAlert(
  db: Db,
  config: Config,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
  body: UpdateAlertInput,
): Promise<AlertRuleJson> {
  const { row } = await findAlert(db, auth, id);
  const org = await requireOrgRole(db, auth, row.org_id, 'member');
  const fields: Partial<RuleFields> = {};
  if (body.name !== undefined) fields.name = body.name;
  if (body.q !== undefined) fields.q = body.q;
  if (body.apps !== undefined) fields.app_ids = await appIds(db, auth, org, body.apps);
  if (body.measure !== undefined) fields.measure = checkMeasure(body.measure);
  if (body.group_by !== undefined) fields.group_by = checkGroupBy(body.group_by);
  if (body.condition !== undefined) {
    fields.condition_op = body.condition.op as RuleFields['condition_op'];
    fields.threshold = body.condition.threshold;
  }
  if (body.window !== undefined) fields.window_ms = durationMs('window', body.window);
  if (body.every !== undefined) fields.every_ms = durationMs('every', body.every);
  if (body.for !== undefined) fields.for_ms = durationMs('for', body.for, { allowZero: true });
  if (body.no_data !== undefined) fields.no_data = body.no_data;
  if (body.renotify !== undefined) {
    fields.renotify_ms = body.renotify === null ? null : durationMs('renotify', body.renotify);
  }
  if (body.channels !== undefined) fields.channel_ids = await checkChannels(db, org, body.channels);
  if (body.enabled !== undefined) fields.enabled = body.enabled;
  if (body.muted_until !== undefined) {
    fields.muted_until = body.muted_until === null ? null : new Date(body.muted_until);
  }
  parseFilter(fields.q ?? row.q);
  checkDurations(config, {
    window_ms: fields.window_ms ?? row.window_ms,
    every_ms: fields.every_ms ?? row.every_ms,
    for_ms: fields.for_ms ?? row.for_ms,
  });
  const readsChanged =
    body.q !== undefined ||
    body.apps !== undefined ||
    body.measure !== undefined ||
    body.group_by !== undefined;
  const updated = await db.transaction().execute(async (trx) => {
    const repo = createAlertsRepository(trx);
    const after = await repo.updateRule(org, id, {
      ...fields,
      // It now reads what the editor chose, so it reads with the editor's rights.
      ...(readsChanged ? { created_by: auth.user.id } : {}),
    } as Partial<RuleFields>);
    if (readsChanged) await repo.resetInstances(id);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'alert.update',
      targetType: 'alert',
      targetId: id,
      before: ruleJson(row, []),
      after: ruleJson(after, []),
    });
    return after;
  });
  return ruleJson(updated, await createAlertsRepository(db).instancesOf([id]));
}

export async function deleteAlert(db: Db, auth: AuthContext, actor: AuditActor, id: string) {
  const { row } = await findAlert(db, auth, id);
  const org = await requireOrgRole(db, auth, row.org_id, 'member');
  await db.transaction().execute(async (trx) => {
    await createAlertsRepository(trx).deleteRule(org, id);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'alert.delete',
      targetType: 'alert',
      targetId: id,
      before: ruleJson(row, []),
    });
  });
  return ruleJson(row, []);
}
