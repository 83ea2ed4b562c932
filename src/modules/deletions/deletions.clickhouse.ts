// ClickHouse SQL of deletion requests. A request becomes one WHERE (the org first, then the app,
// time range, query filter or end user, and "received by as_of"), used three times: to count what
// matches, to record that in usage_deletions_daily, and for the lightweight DELETE.
import type { ClickHouseStore, QueryParams } from '../../infra/clickhouse/store.ts';
import { LOGS_TABLE, logsStorageTarget } from '../logs-table/logs-table.ts';
import type { SqlFilter } from '../search/search.repository.ts';
import { USAGE_DELETIONS_TABLE } from '../usage/usage-tables.ts';
import { toClickHouseTime, type TimeRange } from '../search/time-range.ts';

/** The bytes measure of usage_daily (clickhouse/0008), so deleted bytes compare with counted ones. */
const ROW_BYTES_SQL =
  'length(message) + length(service) + length(host) + arraySum(arrayMap((k, v) -> length(k) + length(v), mapKeys(attributes), mapValues(attributes)))';

export interface DeletionTarget {
  orgId: string;
  /** null: every app of the org. */
  appId: string | null;
  range: TimeRange | null;
  filter: SqlFilter | null;
  userId: string | null;
  /** Rows received after this instant (ns) are not part of the request. */
  asOfNs: bigint;
}

interface Where {
  sql: string;
  params: QueryParams;
}

export function deletionWhere(target: DeletionTarget): Where {
  const parts = ['org_id = {d_org:UUID}'];
  const params: QueryParams = { d_org: target.orgId, d_as_of: toClickHouseTime(target.asOfNs) };
  if (target.appId !== null) {
    parts.push('app_id = {d_app:UUID}');
    params.d_app = target.appId;
  }
  if (target.range) {
    parts.push(
      "ts >= toDateTime64({d_from:String}, 9, 'UTC') AND ts < toDateTime64({d_to:String}, 9, 'UTC')",
    );
    params.d_from = toClickHouseTime(target.range.fromNs);
    params.d_to = toClickHouseTime(target.range.toNs);
  }
  if (target.userId !== null) {
    parts.push('user_id = {d_user:String}');
    params.d_user = target.userId;
  }
  parts.push("observed_ts <= toDateTime64({d_as_of:String}, 9, 'UTC')");
  if (target.filter) {
    parts.push(target.filter.sql);
    Object.assign(params, target.filter.params);
  }
  return { sql: parts.join(' AND '), params };
}

const comment = (what: string) => ({ log_comment: `deletions.${what}` });

/** `cluster`: CLICKHOUSE_CLUSTER. The DELETE goes to the local table there (a Distributed one refuses it). */
export function createDeletionsStore(store: ClickHouseStore, cluster?: string) {
  const logs = logsStorageTarget(cluster);
  return {
    async count(target: DeletionTarget): Promise<{ rows: number; bytes: number }> {
      const where = deletionWhere(target);
      const [row] = await store.query<{ rows: string; bytes: string }>(
        `SELECT toString(count()) AS rows, toString(sum(${ROW_BYTES_SQL})) AS bytes
         FROM ${LOGS_TABLE} WHERE ${where.sql}`,
        where.params,
        { settings: comment('count') },
      );
      return { rows: Number(row?.rows ?? 0), bytes: Number(row?.bytes ?? 0) };
    },

    /**
     * What the request removes, per (org, app, end user, ingest day), before it is removed. The job
     * id is the deduplication token, so a job issued again after a crash is not counted twice.
     */
    async recordUsage(target: DeletionTarget, jobId: string): Promise<void> {
      const where = deletionWhere(target);
      await store.command(
        `INSERT INTO ${USAGE_DELETIONS_TABLE}
           (org_id, app_id, user_id, day, deleted_records, deleted_bytes)
         SELECT org_id, app_id, user_id, toDate(observed_ts), count(), sum(${ROW_BYTES_SQL})
         FROM ${LOGS_TABLE} WHERE ${where.sql}
         GROUP BY org_id, app_id, user_id, toDate(observed_ts)`,
        where.params,
        {
          settings: { ...comment('record-usage'), insert_deduplication_token: `deletion-${jobId}` },
        },
      );
    },

    /** Issues the lightweight DELETE and returns at once: ClickHouse applies it in the background. */
    async issueDelete(target: DeletionTarget): Promise<void> {
      const where = deletionWhere(target);
      await store.command(
        `DELETE FROM ${logs.table}${logs.onCluster} WHERE ${where.sql}`,
        where.params,
        {
          settings: { ...comment('delete'), lightweight_deletes_sync: 0 },
        },
      );
    },
  };
}
