// Alert rules, instances, events and silences in Postgres. Tenant reads take an OrgScope (or the
// caller's org ids); the evaluator's reads by rule id are unscoped by design, since it runs for
// every org and re-checks the rule creator's rights itself (alert-evaluator.ts).
import { sql, type Selectable } from 'kysely';
import type {
  AlertEventsTable,
  AlertInstancesTable,
  AlertRulesTable,
  AlertSilencesTable,
} from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';

export type RuleRow = Selectable<AlertRulesTable>;
export type InstanceRow = Selectable<AlertInstancesTable>;
export type EventRow = Selectable<AlertEventsTable>;
export type SilenceRow = Selectable<AlertSilencesTable>;

export interface RuleFields {
  name: string;
  q: string;
  app_ids: string[];
  measure: object;
  group_by: string[];
  condition_op: RuleRow['condition_op'];
  threshold: number;
  window_ms: number;
  every_ms: number;
  for_ms: number;
  no_data: RuleRow['no_data'];
  renotify_ms: number | null;
  channel_ids: string[];
  enabled: boolean;
  muted_until: Date | null;
}

const NO_ORG = '00000000-0000-0000-0000-000000000000';

export function createAlertsRepository(db: Db) {
  return {
    async listRules(orgIds: readonly string[]): Promise<RuleRow[]> {
      return db
        .selectFrom('alert_rules')
        .selectAll()
        .where('org_id', 'in', orgIds.length > 0 ? [...orgIds] : [NO_ORG])
        .orderBy('name')
        .orderBy('id')
        .execute();
    },

    async findRule(
      orgIds: readonly string[] | undefined,
      id: string,
    ): Promise<RuleRow | undefined> {
      let query = db.selectFrom('alert_rules').selectAll().where('id', '=', id);
      if (orgIds !== undefined)
        query = query.where('org_id', 'in', orgIds.length > 0 ? [...orgIds] : [NO_ORG]);
      return query.executeTakeFirst();
    },

    async countRules(scope: OrgScope): Promise<number> {
      const row = await db
        .selectFrom('alert_rules')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', scope.orgId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertRule(scope: OrgScope, createdBy: string, fields: RuleFields): Promise<RuleRow> {
      return db
        .insertInto('alert_rules')
        .values({
          org_id: scope.orgId,
          created_by: createdBy,
          ...fields,
          measure: JSON.stringify(fields.measure),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateRule(scope: OrgScope, id: string, fields: Partial<RuleFields>): Promise<RuleRow> {
      const { measure, ...rest } = fields;
      return db
        .updateTable('alert_rules')
        .set({
          ...rest,
          ...(measure !== undefined ? { measure: JSON.stringify(measure) } : {}),
          updated_at: new Date(),
        })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async deleteRule(scope: OrgScope, id: string): Promise<void> {
      await db
        .deleteFrom('alert_rules')
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .execute();
    },

    /** A rule's query changed: its instances describe something else now. */
    async resetInstances(ruleId: string): Promise<void> {
      await db.deleteFrom('alert_instances').where('rule_id', '=', ruleId).execute();
    },

    async instancesOf(ruleIds: readonly string[]): Promise<InstanceRow[]> {
      if (ruleIds.length === 0) return [];
      return db
        .selectFrom('alert_instances')
        .selectAll()
        .where('rule_id', 'in', [...ruleIds])
        .orderBy('group_key')
        .execute();
    },

    /** Enabled rules whose current period has not been evaluated: what the dispatcher queues. */
    async dueRules(nowMs: number): Promise<{ id: string; every_ms: number }[]> {
      return db
        .selectFrom('alert_rules')
        .select(['id', 'every_ms'])
        .where('enabled', '=', true)
        .where((eb) =>
          eb.or([
            eb('last_period_ms', 'is', null),
            eb('last_period_ms', '<', sql<number>`(${nowMs}::bigint / every_ms) * every_ms`),
          ]),
        )
        .execute();
    },

    async events(
      ruleId: string,
      options: { limit: number; beforeId?: number },
    ): Promise<EventRow[]> {
      let query = db.selectFrom('alert_events').selectAll().where('rule_id', '=', ruleId);
      if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
      return query.orderBy('id', 'desc').limit(options.limit).execute();
    },

    async purgeEventsBefore(cutoff: Date): Promise<number> {
      const result = await db
        .deleteFrom('alert_events')
        .where('at', '<', cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async activeSilences(orgId: string, atMs: number): Promise<SilenceRow[]> {
      return db
        .selectFrom('alert_silences')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('starts_at', '<=', new Date(atMs))
        .where('ends_at', '>', new Date(atMs))
        .execute();
    },

    async listSilences(scope: OrgScope, activeAtMs?: number): Promise<SilenceRow[]> {
      let query = db.selectFrom('alert_silences').selectAll().where('org_id', '=', scope.orgId);
      if (activeAtMs !== undefined) query = query.where('ends_at', '>', new Date(activeAtMs));
      return query.orderBy('ends_at', 'desc').limit(500).execute();
    },

    async findSilence(
      orgIds: readonly string[] | undefined,
      id: string,
    ): Promise<SilenceRow | undefined> {
      let query = db.selectFrom('alert_silences').selectAll().where('id', '=', id);
      if (orgIds !== undefined)
        query = query.where('org_id', 'in', orgIds.length > 0 ? [...orgIds] : [NO_ORG]);
      return query.executeTakeFirst();
    },

    async insertSilence(
      scope: OrgScope,
      fields: {
        ruleId: string | null;
        matcher: Record<string, string>;
        startsAt: Date;
        endsAt: Date;
        comment: string;
        createdBy: string;
      },
    ): Promise<SilenceRow> {
      return db
        .insertInto('alert_silences')
        .values({
          org_id: scope.orgId,
          rule_id: fields.ruleId,
          matcher: JSON.stringify(fields.matcher),
          starts_at: fields.startsAt,
          ends_at: fields.endsAt,
          comment: fields.comment,
          created_by: fields.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async deleteSilence(scope: OrgScope, id: string): Promise<void> {
      await db
        .deleteFrom('alert_silences')
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .execute();
    },
  };
}
