// SQL of redaction rules. Every query is scoped by org (and app, or "org-wide" as app_id null).
import type { Selectable } from 'kysely';
import type { RedactionRulesTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type RedactionRuleRow = Selectable<RedactionRulesTable>;

/** Rules of one org: app-level when appId is set, org-wide (every app) when it is null. */
export interface RuleScope {
  orgId: string;
  appId: string | null;
}

export interface RuleFields {
  name: string;
  detector: unknown;
  scope: unknown;
  action: string;
  keep: number | null;
  enabled: boolean;
}

export function createRedactionRepository(db: Db) {
  const inScope = (scope: RuleScope) => {
    const q = db.selectFrom('redaction_rules').selectAll().where('org_id', '=', scope.orgId);
    return scope.appId === null
      ? q.where('app_id', 'is', null)
      : q.where('app_id', '=', scope.appId);
  };
  return {
    list(scope: RuleScope): Promise<RedactionRuleRow[]> {
      return inScope(scope).orderBy('created_at').orderBy('id').execute();
    },

    find(scope: RuleScope, id: string): Promise<RedactionRuleRow | undefined> {
      return inScope(scope).where('id', '=', id).executeTakeFirst();
    },

    async count(scope: RuleScope): Promise<number> {
      let q = db
        .selectFrom('redaction_rules')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('org_id', '=', scope.orgId);
      q =
        scope.appId === null ? q.where('app_id', 'is', null) : q.where('app_id', '=', scope.appId);
      const row = await q.executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** What applies to an app's records: the org-wide rules first, then the app's own. */
    forIngest(orgId: string, appId: string): Promise<RedactionRuleRow[]> {
      return db
        .selectFrom('redaction_rules')
        .selectAll()
        .where('org_id', '=', orgId)
        .where((eb) => eb.or([eb('app_id', 'is', null), eb('app_id', '=', appId)]))
        .orderBy((eb) => eb('app_id', 'is not', null))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    insert(scope: RuleScope, fields: RuleFields): Promise<RedactionRuleRow> {
      return db
        .insertInto('redaction_rules')
        .values({
          org_id: scope.orgId,
          app_id: scope.appId,
          ...fields,
          detector: JSON.stringify(fields.detector),
          scope: JSON.stringify(fields.scope),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    update(
      scope: RuleScope,
      id: string,
      fields: RuleFields,
    ): Promise<RedactionRuleRow | undefined> {
      let q = db
        .updateTable('redaction_rules')
        .set({
          ...fields,
          detector: JSON.stringify(fields.detector),
          scope: JSON.stringify(fields.scope),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .where('org_id', '=', scope.orgId);
      q =
        scope.appId === null ? q.where('app_id', 'is', null) : q.where('app_id', '=', scope.appId);
      return q.returningAll().executeTakeFirst();
    },

    remove(scope: RuleScope, id: string): Promise<RedactionRuleRow | undefined> {
      let q = db
        .deleteFrom('redaction_rules')
        .where('id', '=', id)
        .where('org_id', '=', scope.orgId);
      q =
        scope.appId === null ? q.where('app_id', 'is', null) : q.where('app_id', '=', scope.appId);
      return q.returningAll().executeTakeFirst();
    },
  };
}
