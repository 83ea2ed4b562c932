// Deletion on request (GDPR erasure): validating and recording a request (audited), and the
// runner that turns requests into ClickHouse lightweight DELETEs and follows them to the end.
//
// A request covers the rows received up to its as_of instant (set when it first runs): rows still
// queued in Redis at that moment are stored later and are not part of it; a second request covers
// them. Its progress is measured, not estimated: the rows still matching divided by those that
// matched when it started.
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { BadRequestError, ConflictError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import type { Config } from '../../config.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import type { AuditActor } from '../auth/auth-context.ts';
import { createLegalHoldsRepository } from '../retention/legal-holds.repository.ts';
import { parseFilter } from '../search/search-filter.ts';
import {
  NS_PER_MS,
  parseInstant,
  resolveRange,
  toRfc3339,
  type TimeRange,
} from '../search/time-range.ts';
import { createDeletionsStore, type DeletionTarget } from './deletions.clickhouse.ts';
import { createDeletionsRepository, type DeletionRequest } from './deletions.repository.ts';

export type DeletionsConfig = Config['deletions'];

export interface DeletionDeps {
  db: Db;
  clickhouse: ClickHouseStore;
  config: DeletionsConfig;
  /** CLICKHOUSE_CLUSTER, when ClickHouse is a cluster. */
  cluster?: string;
}

/** End-user ids as ingest stores them (user_id column); longer ones cannot exist. */
export const MAX_USER_ID_CHARS = 256;

/** The hold that forbids deleting from an app (its own or its org's), or from any app of the org. */
async function activeHold(db: Db, scope: OrgScope, appId: string | null) {
  const holds = createLegalHoldsRepository(db);
  return appId === null ? (await holds.activeInOrg(scope))[0] : holds.coveringApp(scope, appId);
}

async function refuseIfHeld(db: Db, scope: OrgScope, appId: string | null): Promise<void> {
  const hold = await activeHold(db, scope, appId);
  if (hold) {
    throw new ConflictError(
      'legal_hold',
      'these logs are on legal hold; nothing can be deleted until a platform admin releases it',
      { legal_hold_id: hold.id, reason: hold.reason },
    );
  }
}

async function record(
  deps: DeletionDeps,
  actor: AuditActor,
  scope: OrgScope,
  input: Parameters<ReturnType<typeof createDeletionsRepository>['create']>[1],
): Promise<DeletionRequest> {
  await refuseIfHeld(deps.db, scope, input.appId);
  return deps.db.transaction().execute(async (trx) => {
    const repo = createDeletionsRepository(trx);
    // Counted inside the transaction, so parallel requests cannot both pass the limit by much.
    if ((await repo.countOpen(scope)) >= deps.config.maxOpenPerOrg) {
      throw new ConflictError(
        'too_many_deletions',
        `this org already has ${deps.config.maxOpenPerOrg} deletions queued or running; wait for them to finish`,
      );
    }
    const created = await repo.create(scope, input);
    await appendAudit(trx, actor, {
      orgId: scope.orgId,
      action: 'deletion.request',
      targetType: input.appId ? 'app' : 'org',
      targetId: input.appId ?? scope.orgId,
      after: created,
    });
    return created;
  });
}

/** `{q, from, to}` over one app. from/to are required: an erasure names the period it covers. */
export async function requestAppDeletion(
  deps: DeletionDeps,
  actor: AuditActor,
  scope: OrgScope,
  appId: string,
  body: { q: string; from: string; to: string },
  nowMs: number,
): Promise<DeletionRequest> {
  parseFilter(body.q);
  if (body.q.trim() === '') {
    throw new BadRequestError(
      'invalid_query',
      'q must select the rows to delete (an empty query would match every row of the range)',
    );
  }
  const range = resolveRange(body.from, body.to, { nowNs: BigInt(nowMs) * NS_PER_MS });
  return record(deps, actor, scope, {
    appId,
    kind: 'query',
    q: body.q,
    userId: null,
    rangeFrom: toRfc3339(range.fromNs),
    rangeTo: toRfc3339(range.toNs),
    requestedBy: actor.userId,
    requestedLabel: actor.label,
  });
}

/** Every row of one end user across all apps of the org, all time. */
export async function requestUserDeletion(
  deps: DeletionDeps,
  actor: AuditActor,
  scope: OrgScope,
  userId: string,
): Promise<DeletionRequest> {
  if (userId.trim() === '' || userId.length > MAX_USER_ID_CHARS) {
    throw new BadRequestError(
      'invalid_user_id',
      `user_id must be 1–${MAX_USER_ID_CHARS} characters (the end user's id as sent in the logs)`,
    );
  }
  return record(deps, actor, scope, {
    appId: null,
    kind: 'user',
    q: null,
    userId,
    rangeFrom: null,
    rangeTo: null,
    requestedBy: actor.userId,
    requestedLabel: actor.label,
  });
}

function targetOf(job: DeletionRequest): DeletionTarget {
  const asOf = job.as_of ?? new Date();
  let range: TimeRange | null = null;
  if (job.range_from !== null && job.range_to !== null) {
    range = {
      fromNs: parseInstant(job.range_from, 0n, 'from'),
      toNs: parseInstant(job.range_to, 0n, 'to'),
    };
  }
  return {
    orgId: job.org_id,
    appId: job.app_id,
    range,
    filter: job.q === null ? null : parseFilter(job.q).sql,
    userId: job.user_id,
    asOfNs: BigInt(asOf.getTime()) * NS_PER_MS,
  };
}

export interface RunSummary {
  started: number;
  reissued: number;
  done: number;
  failed: number;
}

const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * One pass of the runner: starts queued requests (count, record in usage, issue the DELETE) and
 * checks running ones (done when nothing matches any more; issued again after the lease).
 */
export async function runDeletions(deps: DeletionDeps, nowMs: number): Promise<RunSummary> {
  const repo = createDeletionsRepository(deps.db);
  const ch = createDeletionsStore(deps.clickhouse, deps.cluster);
  const now = new Date(nowMs);
  const summary: RunSummary = { started: 0, reissued: 0, done: 0, failed: 0 };
  const started = new Set<string>();

  for (const job of await repo.claimQueued(now, deps.config.startPerRun)) {
    started.add(job.id);
    summary.started += 1;
    try {
      if (await activeHold(deps.db, { orgId: job.org_id }, job.app_id)) {
        await repo.update(job.id, {
          status: 'failed',
          error: 'a legal hold was placed before this deletion ran; request it again once released',
          finished_at: now,
        });
        summary.failed += 1;
        continue;
      }
      const target = targetOf(job);
      const matched = await ch.count(target);
      await ch.recordUsage(target, job.id);
      if (matched.rows > 0) await ch.issueDelete(target);
      await repo.update(job.id, {
        rows_matched: String(matched.rows),
        bytes_matched: String(matched.bytes),
        rows_remaining: String(matched.rows),
        error: null,
      });
    } catch (error) {
      // Stays running: the lease brings it back.
      await repo.update(job.id, { error: errorText(error) });
    }
  }

  for (const job of await repo.running()) {
    if (started.has(job.id) && job.rows_matched === null) continue;
    try {
      const target = targetOf(job);
      const remaining = (await ch.count(target)).rows;
      if (remaining === 0) {
        await repo.update(job.id, {
          status: 'done',
          rows_remaining: '0',
          finished_at: now,
          error: null,
        });
        summary.done += 1;
        continue;
      }
      const leaseOver =
        job.claimed_at !== null && nowMs - job.claimed_at.getTime() >= deps.config.leaseMs;
      if (!leaseOver) {
        await repo.update(job.id, { rows_remaining: String(remaining) });
        continue;
      }
      if (job.attempts >= deps.config.maxAttempts) {
        await repo.update(job.id, {
          status: 'failed',
          rows_remaining: String(remaining),
          finished_at: now,
          error: `${remaining} rows still matched after ${job.attempts} attempts`,
        });
        summary.failed += 1;
        continue;
      }
      if (job.rows_matched === null) {
        const matched = await ch.count(target);
        await ch.recordUsage(target, job.id);
        await repo.update(job.id, {
          rows_matched: String(matched.rows),
          bytes_matched: String(matched.bytes),
        });
      }
      await ch.issueDelete(target);
      await repo.update(job.id, {
        attempts: job.attempts + 1,
        claimed_at: now,
        rows_remaining: String(remaining),
        error: null,
      });
      summary.reissued += 1;
    } catch (error) {
      await repo.update(job.id, { error: errorText(error) });
    }
  }
  return summary;
}

/** Share done, 0…1, or null before the request has been counted. */
export function deletionProgress(job: DeletionRequest): number | null {
  if (job.status === 'done') return 1;
  if (job.rows_matched === null || job.rows_remaining === null) return null;
  const matched = Number(job.rows_matched);
  if (matched === 0) return 1;
  return Math.max(0, Math.min(1, (matched - Number(job.rows_remaining)) / matched));
}
