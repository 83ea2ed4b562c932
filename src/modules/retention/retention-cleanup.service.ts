// The retention cleanup: applies each app's current retention to the rows already stored, and
// leaves apps and orgs under legal hold alone. It replaces the table TTL (clickhouse/0009), which
// could only apply the retention each row carried from ingest and could not be suspended.
// Trade-offs are in docs/data-lifecycle.md.
import { sql } from 'kysely';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import type { Db } from '../../infra/postgres.ts';
import { MAX_RETENTION_DAYS } from '../apps/retention.ts';
import { NS_PER_MS } from '../search/time-range.ts';
import { createLegalHoldsRepository } from './legal-holds.repository.ts';
import { createRetentionStore, type AppCutoff } from './retention.clickhouse.ts';

export const DAY_MS = 86_400_000;

export interface CleanupDeps {
  db: Db;
  clickhouse: ClickHouseStore;
  /** CLICKHOUSE_CLUSTER, when ClickHouse is a cluster. */
  cluster?: string;
}

export interface CleanupResult {
  apps: number;
  held: number;
  rowsDeleted: number;
  partitionsDropped: string[];
}

/** The instant before which an app's rows are expired, for a retention in days. */
export function retentionCutoffMs(nowMs: number, retentionDays: number): number {
  return nowMs - retentionDays * DAY_MS;
}

export async function runRetentionCleanup(
  deps: CleanupDeps,
  nowMs: number,
): Promise<CleanupResult> {
  // Deleted apps too: their rows expire on the retention they last had.
  const apps = await deps.db
    .selectFrom('apps')
    .select(['id', 'org_id', 'retention_days'])
    .execute();
  const holds = await createLegalHoldsRepository(deps.db).allActive();
  const heldOrgs = new Set(holds.filter((h) => h.app_id === null).map((h) => h.org_id));
  const heldApps = new Set(holds.flatMap((h) => (h.app_id === null ? [] : [h.app_id])));
  const isHeld = (app: { id: string; org_id: string }) =>
    heldApps.has(app.id) || heldOrgs.has(app.org_id);

  const cutoffs: AppCutoff[] = apps
    .filter((app) => !isHeld(app))
    .map((app) => ({
      appId: app.id,
      cutoffNs: BigInt(retentionCutoffMs(nowMs, app.retention_days)) * NS_PER_MS,
    }));
  const store = createRetentionStore(deps.clickhouse, deps.cluster);
  const expired = await store.countExpired(cutoffs);
  const withRows = cutoffs.filter((c) => (expired.get(c.appId) ?? 0) > 0);
  await store.deleteExpired(withRows);

  const ranAt = new Date(nowMs);
  if (apps.length > 0) {
    await deps.db
      .insertInto('retention_cleanups')
      .values(
        apps.map((app) => ({
          app_id: app.id,
          org_id: app.org_id,
          ran_at: ranAt,
          retention_days: app.retention_days,
          cutoff: new Date(retentionCutoffMs(nowMs, app.retention_days)),
          rows_deleted: String(isHeld(app) ? 0 : (expired.get(app.id) ?? 0)),
          held: isHeld(app),
        })),
      )
      .onConflict((oc) =>
        oc.column('app_id').doUpdateSet({
          ran_at: sql`excluded.ran_at`,
          retention_days: sql`excluded.retention_days`,
          cutoff: sql`excluded.cutoff`,
          rows_deleted: sql`excluded.rows_deleted`,
          held: sql`excluded.held`,
        }),
      )
      .execute();
  }

  const partitionsDropped = await dropUnkeptPartitions(deps, nowMs, apps, {
    appIds: [...heldApps],
    orgIds: [...heldOrgs],
  });
  return {
    apps: apps.length,
    held: apps.filter(isHeld).length,
    rowsDeleted: withRows.reduce((n, c) => n + (expired.get(c.appId) ?? 0), 0),
    partitionsDropped,
  };
}

/**
 * Whole days past every app's retention go as one partition drop, as the TTL used to drop them:
 * far cheaper than a DELETE, and it also removes rows of apps Postgres no longer knows. A day
 * that holds rows under legal hold stays.
 */
async function dropUnkeptPartitions(
  deps: CleanupDeps,
  nowMs: number,
  apps: readonly { retention_days: number }[],
  held: { appIds: string[]; orgIds: string[] },
): Promise<string[]> {
  // With no app at all, nothing says how long to keep stray rows: keep them the longest allowed.
  const longest =
    apps.length === 0
      ? MAX_RETENTION_DAYS
      : apps.reduce((m, a) => Math.max(m, a.retention_days), 1);
  const store = createRetentionStore(deps.clickhouse, deps.cluster);
  const days = await store.partitionsBefore(BigInt(retentionCutoffMs(nowMs, longest)) * NS_PER_MS);
  const dropped: string[] = [];
  for (const day of days) {
    if (await store.partitionHoldsAny(day, held)) continue;
    await store.dropPartition(day);
    dropped.push(day);
  }
  return dropped;
}
