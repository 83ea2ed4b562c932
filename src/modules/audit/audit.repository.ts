// The audit trail. Appending happens inside the transaction of the change it records, so an entry
// exists exactly when the change does; the table itself refuses UPDATE, DELETE and TRUNCATE.
import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import { UUID_PATTERN } from '../../infra/slug.ts';
import type { AuditActor } from '../auth/auth-context.ts';

export type AuditEntry = Selectable<AuditLogTable>;

export interface AuditChange {
  orgId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

export async function appendAudit(db: Db, actor: AuditActor, change: AuditChange): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: change.orgId,
      actor_user_id: actor.userId,
      actor_token_id: actor.tokenId,
      actor_label: actor.label,
      action: change.action,
      target_type: change.targetType,
      target_id: change.targetId,
      before: change.before === undefined ? null : JSON.stringify(change.before),
      after: change.after === undefined ? null : JSON.stringify(change.after),
      ip: actor.ip,
      user_agent: actor.userAgent,
      request_id: actor.requestId,
    })
    .execute();
}

export interface AuditFilter {
  /** undefined only for platform admins looking across every org. */
  orgIds: string[] | undefined;
  actor?: string;
  action?: string;
  target?: string;
  /** `read`: only read.* entries (searches, exports, tails, report downloads); `change`: the rest. */
  kind?: 'read' | 'change';
  from?: Date;
  to?: Date;
  beforeId?: number;
  limit: number;
}

/** A LIKE pattern that matches `text` literally (backslash is Postgres's default escape). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.orgIds !== undefined) {
    if (filter.orgIds.length === 0) return [];
    query = query.where('org_id', 'in', filter.orgIds);
  }
  if (filter.actor !== undefined) {
    const actor = filter.actor;
    query = query.where((eb) =>
      UUID_PATTERN.test(actor)
        ? eb.or([eb('actor_user_id', '=', actor), eb('actor_token_id', '=', actor)])
        : eb('actor_label', 'ilike', `${escapeLike(actor)}%`),
    );
  }
  if (filter.action !== undefined) {
    // "app" matches app.create, app.update…; "app.create" matches only itself.
    const action = filter.action;
    query = filter.action.includes('.')
      ? query.where('action', '=', action)
      : query.where('action', 'like', `${escapeLike(action)}.%`);
  }
  if (filter.kind !== undefined) {
    query = query.where('action', filter.kind === 'read' ? 'like' : 'not like', 'read.%');
  }
  if (filter.target !== undefined) query = query.where('target_id', '=', filter.target);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

export interface AuditRange {
  /** undefined: every org and the platform chain (platform admins); null: the platform chain. */
  orgIds: string[] | null | undefined;
  from: Date;
  to: Date;
}

/** Entries of [from, to) oldest first, read in batches by id so an export of years streams. */
export async function* streamAudit(
  db: Db,
  range: AuditRange,
  batchRows: number,
): AsyncGenerator<AuditEntry> {
  if (Array.isArray(range.orgIds) && range.orgIds.length === 0) return;
  let afterId = 0;
  for (;;) {
    let query = db
      .selectFrom('audit_log')
      .selectAll()
      .where('at', '>=', range.from)
      .where('at', '<', range.to)
      .where('id', '>', afterId);
    if (range.orgIds === null) query = query.where('org_id', 'is', null);
    else if (range.orgIds !== undefined) query = query.where('org_id', 'in', range.orgIds);
    const rows = await query.orderBy('id').limit(batchRows).execute();
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < batchRows) return;
    afterId = last.id;
  }
}

/** One entry as an archive line: every column, hashes in hex (an archive anchors the live chain). */
export function auditLine(entry: AuditEntry): string {
  return `${JSON.stringify({
    ...entry,
    at: entry.at.toISOString(),
    prev_hash: entry.prev_hash?.toString('hex') ?? null,
    hash: entry.hash.toString('hex'),
  })}\n`;
}
