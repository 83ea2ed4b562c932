// Redaction rules: org admins manage them per org (every app) or per app; each change is audited
// in its own transaction and drops the ingest instance's cached rules. Preview runs a draft rule
// over the app's newest stored records without storing anything.
import type { Static } from '@sinclair/typebox';
import type { Config } from '../../config.ts';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import type { CanonicalRow } from '../ingest/decode/normalise-record.ts';
import { DROP_RECORD } from '../ingest/decode/row-redactor.ts';
import { LOGS_TABLE } from '../logs-table/logs-table.ts';
import { RecordRejection } from '../ingest/decode/ingest-errors.ts';
import {
  createRedactionRepository,
  type RuleFields,
  type RuleScope,
} from './redaction.repository.ts';
import type {
  CreateRedactionRuleBody,
  PreviewResult,
  UpdateRedactionRuleBody,
} from './redaction.schemas.ts';
import { toJson, type RedactionRuleJson } from './redaction-rules.ts';
import { compilePattern, Redactor, type RedactionRuleSpec } from './redactor.ts';

export interface RedactionServiceDeps {
  db: Db;
  clickhouse: ClickHouseStore;
  config: Config;
  /** Called after every change: the ingest path's cached rules are stale. */
  onChange(): void;
}

type CreateBody = Static<typeof CreateRedactionRuleBody>;
type UpdateBody = Static<typeof UpdateRedactionRuleBody>;

/** A custom pattern re2js cannot compile (backreferences, lookaround, bad syntax) is a 400. */
function checkFields(fields: RuleFields): void {
  const detector = fields.detector as { pattern?: string };
  if (detector.pattern !== undefined) {
    try {
      compilePattern(detector.pattern);
    } catch (error) {
      throw new BadRequestError(
        'invalid_pattern',
        `detector.pattern is not a valid RE2 pattern: ${(error as Error).message}`,
        { field: 'detector.pattern' },
      );
    }
  }
  if (fields.keep !== null && fields.action !== 'partial') {
    throw new BadRequestError('invalid_rule', 'keep applies to the partial action only', {
      field: 'keep',
    });
  }
}

function fieldsOf(body: CreateBody): RuleFields {
  return {
    name: body.name,
    detector: body.detector,
    scope: body.scope ?? 'all',
    action: body.action,
    keep: body.keep ?? (body.action === 'partial' ? 4 : null),
    enabled: body.enabled ?? true,
  };
}

function targetType(scope: RuleScope): string {
  return scope.appId === null ? 'org' : 'app';
}

export function createRedactionService(deps: RedactionServiceDeps) {
  const { db } = deps;
  const repo = createRedactionRepository(db);

  async function audited<T>(
    actor: AuditActor,
    scope: RuleScope,
    action: string,
    change: (
      r: ReturnType<typeof createRedactionRepository>,
    ) => Promise<{ id: string; before?: unknown; after?: unknown; result: T }>,
  ): Promise<T> {
    const result = await db.transaction().execute(async (trx) => {
      const done = await change(createRedactionRepository(trx));
      await appendAudit(trx, actor, {
        orgId: scope.orgId,
        action: `redaction_rule.${action}`,
        targetType: 'redaction_rule',
        targetId: done.id,
        before: done.before,
        after:
          done.after === undefined ? undefined : { ...done.after, scope_type: targetType(scope) },
      });
      return done.result;
    });
    deps.onChange();
    return result;
  }

  return {
    async list(scope: RuleScope): Promise<RedactionRuleJson[]> {
      return (await repo.list(scope)).map(toJson);
    },

    async get(scope: RuleScope, id: string): Promise<RedactionRuleJson> {
      const row = await repo.find(scope, id);
      if (!row) throw new NotFoundError('redaction rule');
      return toJson(row);
    },

    async create(
      actor: AuditActor,
      scope: RuleScope,
      body: CreateBody,
    ): Promise<RedactionRuleJson> {
      const fields = fieldsOf(body);
      checkFields(fields);
      if ((await repo.count(scope)) >= deps.config.redaction.maxRulesPerScope) {
        throw new ConflictError(
          'too_many_rules',
          `at most ${deps.config.redaction.maxRulesPerScope} redaction rules per ${targetType(scope)}`,
        );
      }
      return audited(actor, scope, 'create', async (r) => {
        const json = toJson(await r.insert(scope, fields));
        return { id: json.id, after: json, result: json };
      });
    },

    async update(
      actor: AuditActor,
      scope: RuleScope,
      id: string,
      body: UpdateBody,
    ): Promise<RedactionRuleJson> {
      const row = await repo.find(scope, id);
      if (!row) throw new NotFoundError('redaction rule');
      const before = toJson(row);
      const action = body.action ?? before.action;
      const fields: RuleFields = {
        name: body.name ?? before.name,
        detector: body.detector ?? before.detector,
        scope: body.scope ?? before.scope,
        action,
        keep:
          body.keep !== undefined ? body.keep : action === 'partial' ? (before.keep ?? 4) : null,
        enabled: body.enabled ?? before.enabled,
      };
      checkFields(fields);
      return audited(actor, scope, 'update', async (r) => {
        const updated = await r.update(scope, id, fields);
        if (!updated) throw new NotFoundError('redaction rule');
        const json = toJson(updated);
        return { id, before, after: json, result: json };
      });
    },

    async remove(actor: AuditActor, scope: RuleScope, id: string): Promise<RedactionRuleJson> {
      return audited(actor, scope, 'delete', async (r) => {
        const removed = await r.remove(scope, id);
        if (!removed) throw new NotFoundError('redaction rule');
        const json = toJson(removed);
        return { id, before: json, result: json };
      });
    },

    /** The draft rule over the app's newest records: which it changes, and how. */
    async preview(
      orgId: string,
      appId: string,
      body: CreateBody,
      limit: number | undefined,
    ): Promise<Static<typeof PreviewResult>> {
      const fields = fieldsOf(body);
      checkFields(fields);
      const spec = { id: 'preview', ...fields, enabled: true } as RedactionRuleSpec;
      const redactor = new Redactor([spec], {
        hashKey: deps.config.redaction.hashKey,
        orgId,
        maxScanCharsPerRecord: deps.config.redaction.maxScanCharsPerRecord,
      });
      const sample = await recentRecords(
        deps.clickhouse,
        orgId,
        appId,
        Math.min(
          limit ?? deps.config.redaction.previewSampleRows,
          deps.config.redaction.previewSampleRows,
        ),
      );
      const records: Static<typeof PreviewResult>['records'] = [];
      for (const row of sample) {
        const outcome = redactor.redactRow(row);
        if (outcome === row || outcome instanceof RecordRejection) continue;
        records.push({
          id: row.id,
          ts: row.ts,
          before: { message: row.message, attributes: { ...row.attributes } },
          after:
            outcome === DROP_RECORD
              ? null
              : { message: outcome.message, attributes: { ...outcome.attributes } },
        });
      }
      return { sampled: sample.length, matched: records.length, records };
    },
  };
}

export type RedactionService = ReturnType<typeof createRedactionService>;

/** How far back a preview looks for the app's records (the newest first). */
const PREVIEW_WINDOW_DAYS = 7;

/** The app's newest stored records, as rows the redactor reads (message, attributes, resource). */
async function recentRecords(
  clickhouse: ClickHouseStore,
  orgId: string,
  appId: string,
  limit: number,
): Promise<CanonicalRow[]> {
  const rows = await clickhouse.query<{
    record_id: string;
    ts_text: string;
    message: string;
    attributes: Record<string, string>;
    resource: Record<string, string>;
    user_id: string;
  }>(
    `SELECT toString(id) AS record_id, toString(ts) AS ts_text, message, attributes, resource, user_id
     FROM ${LOGS_TABLE} WHERE org_id = {org:UUID} AND app_id = {app:UUID}
       AND ts >= now64(9) - INTERVAL {days:UInt16} DAY
     ORDER BY ts DESC LIMIT {limit:UInt32}`,
    { org: orgId, app: appId, limit, days: PREVIEW_WINDOW_DAYS },
    { settings: { log_comment: 'redaction.preview', max_execution_time: 10 } },
  );
  return rows.map((r) => ({
    ts: r.ts_text,
    observed_ts: r.ts_text,
    id: r.record_id,
    level: 'info',
    severity_number: 0,
    service: '',
    host: '',
    message: r.message,
    attributes: r.attributes,
    resource: r.resource,
    trace_id: '',
    span_id: '',
    user_id: r.user_id,
  }));
}
