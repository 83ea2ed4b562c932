// ClickHouse SQL of the retention cleanup. One statement covers every app at once: each app's
// cutoff travels in a parameter array indexed by the app's position in another, so a run is one
// counting scan and at most one lightweight DELETE per table, however many apps there are.
// An app absent from the arrays gets index 0, whose element is the type's default (1970): none of
// its rows is older than that, so it is never touched.
import { storageTarget } from '../../infra/clickhouse/cluster-ddl.ts';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { LOGS_TABLE, logsStorageTarget } from '../logs-table/logs-table.ts';
import { toClickHouseTime } from '../search/time-range.ts';

/** The per-minute rollup (clickhouse/0002); its counts are deleted with the rows they count. */
const LOGS_ROLLUP_TABLE = 'logs_rollup_1m';

export interface AppCutoff {
  appId: string;
  /** Rows with ts before this instant (ns since the epoch) are expired. */
  cutoffNs: bigint;
}

const comment = (what: string) => `retention.${what}`;

function cutoffParams(cutoffs: readonly AppCutoff[]) {
  return {
    apps: cutoffs.map((c) => c.appId),
    cutoffs: cutoffs.map((c) => toClickHouseTime(c.cutoffNs)),
    oldest: toClickHouseTime(cutoffs.reduce((m, c) => (c.cutoffNs > m ? c.cutoffNs : m), 0n)),
  };
}

const EXPIRED = (column: string) =>
  `app_id IN {apps:Array(UUID)} AND ${column} < toDateTime64({oldest:String}, 9, 'UTC')
   AND ${column} < arrayElement({cutoffs:Array(DateTime64(9, 'UTC'))}, indexOf({apps:Array(UUID)}, app_id))`;

/** `cluster`: CLICKHOUSE_CLUSTER. Deletes and partition drops go to the local tables there. */
export function createRetentionStore(store: ClickHouseStore, cluster?: string) {
  const logs = logsStorageTarget(cluster);
  const rollup = storageTarget(LOGS_ROLLUP_TABLE, cluster);
  return {
    /** Expired rows per app (only apps that have some). */
    async countExpired(cutoffs: readonly AppCutoff[]): Promise<Map<string, number>> {
      if (cutoffs.length === 0) return new Map();
      const rows = await store.query<{ app: string; n: string }>(
        `SELECT toString(app_id) AS app, toString(count()) AS n FROM ${LOGS_TABLE}
         WHERE ${EXPIRED('ts')} GROUP BY app_id`,
        cutoffParams(cutoffs),
        { settings: { log_comment: comment('count-expired') } },
      );
      return new Map(rows.map((r) => [r.app, Number(r.n)]));
    },

    /**
     * Marks the expired rows deleted (lightweight DELETE) without waiting for the mutation: it
     * runs in ClickHouse's background pool, so a large cleanup never holds up the scheduler.
     */
    async deleteExpired(cutoffs: readonly AppCutoff[]): Promise<void> {
      if (cutoffs.length === 0) return;
      const params = cutoffParams(cutoffs);
      const settings = { lightweight_deletes_sync: 0 };
      await store.command(
        `DELETE FROM ${logs.table}${logs.onCluster} WHERE ${EXPIRED('ts')}`,
        params,
        {
          settings: { ...settings, log_comment: comment('delete-expired') },
        },
      );
      await store.command(
        `DELETE FROM ${rollup.table}${rollup.onCluster} WHERE ${EXPIRED('minute')}`,
        params,
        {
          settings: { ...settings, log_comment: comment('delete-expired-rollup') },
        },
      );
    },

    /** Daily partitions (YYYY-MM-DD) of the logs table that end before `beforeNs`. */
    async partitionsBefore(beforeNs: bigint): Promise<string[]> {
      const rows = await store.query<{ day: string }>(
        `SELECT DISTINCT toString(toDate(partition)) AS day FROM ${logs.parts}
         WHERE database = currentDatabase() AND table = {t:String} AND active
           AND toDate(partition) + 1 <= toDate(toDateTime64({before:String}, 9, 'UTC'))
         ORDER BY day`,
        { t: logs.partsTable, before: toClickHouseTime(beforeNs) },
        { settings: { log_comment: comment('old-partitions') } },
      );
      return rows.map((r) => r.day);
    },

    /** Whether a day's partition holds any row of the held apps or orgs. */
    async partitionHoldsAny(
      day: string,
      held: { appIds: readonly string[]; orgIds: readonly string[] },
    ): Promise<boolean> {
      if (held.appIds.length === 0 && held.orgIds.length === 0) return false;
      const [row] = await store.query<{ n: string }>(
        `SELECT toString(count()) AS n FROM ${LOGS_TABLE}
         WHERE toDate(ts) = {day:Date}
           AND (app_id IN {apps:Array(UUID)} OR org_id IN {orgs:Array(UUID)})`,
        { day, apps: [...held.appIds], orgs: [...held.orgIds] },
        { settings: { log_comment: comment('partition-held') } },
      );
      return Number(row?.n ?? 0) > 0;
    },

    /** Drops a whole day of every tenant at once: the cheap path once nobody keeps it any longer. */
    async dropPartition(day: string): Promise<void> {
      await store.command(
        `ALTER TABLE ${logs.table}${logs.onCluster} DROP PARTITION {day:Date}`,
        { day },
        {
          settings: { log_comment: comment('drop-partition') },
        },
      );
    },
  };
}

export type RetentionStore = ReturnType<typeof createRetentionStore>;
