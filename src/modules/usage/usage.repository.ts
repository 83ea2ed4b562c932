// ClickHouse SQL of usage metering. Every read takes the org scope first; typed parameters only;
// every query names itself in log_comment.
import { storageTarget } from '../../infra/clickhouse/cluster-ddl.ts';
import type { ClickHouseStore, QueryParams } from '../../infra/clickhouse/store.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import {
  HEALTH_SAMPLES_TABLE,
  INGEST_STATS_TABLE,
  USAGE_COUNTERS,
  USAGE_DAILY_TABLE,
  USAGE_DELETIONS_TABLE,
  USAGE_LAG_TABLE,
  USAGE_QUERIES_TABLE,
  USAGE_STORAGE_TABLE,
  type UsageCounter,
} from './usage-tables.ts';

export const USAGE_GROUPS = ['app', 'user_id', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** Inclusive UTC days. */
export interface DayRange {
  fromDay: string;
  toDay: string;
}

export type CounterTotals = Record<UsageCounter, number>;

export interface GroupedUsage extends CounterTotals {
  key: string;
}

/** Keyset position: rows are ordered by records descending then key (day: by day ascending). */
export interface UsageAfter {
  records: number;
  key: string;
}

const KEY_SQL: Record<UsageGroup, string> = {
  app: 'toString(app_id)',
  user_id: 'user_id',
  day: 'toString(day)',
};

const comment = (feature: string) => ({ settings: { log_comment: `usage.${feature}` } });

const SUMS = USAGE_COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ');

function toTotals(row: Record<string, unknown>): CounterTotals {
  return Object.fromEntries(USAGE_COUNTERS.map((c) => [c, Number(row[c] ?? 0)])) as CounterTotals;
}

export interface CounterRow extends Partial<CounterTotals> {
  org_id: string;
  app_id: string;
  user_id: string;
  day: string;
}

export interface QueryRow {
  org_id: string;
  app_id: string;
  ts: string;
  feature: string;
  duration_ms: number;
  read_bytes: number;
}

/** `cluster`: CLICKHOUSE_CLUSTER; stored bytes are then the local tables' parts on every node. */
export function createUsageRepository(store: ClickHouseStore, cluster?: string) {
  const logsStorage = storageTarget('logs', cluster);
  const scopeWhere = 'org_id = {org:UUID} AND day >= {from_day:Date} AND day <= {to_day:Date}';
  const scopeParams = (scope: OrgScope, range: DayRange): QueryParams => ({
    org: scope.orgId,
    from_day: range.fromDay,
    to_day: range.toDay,
  });

  let ingestStatsKnown: boolean | undefined;
  async function ingestStatsExists(): Promise<boolean> {
    // The analytics module creates the table; once seen it stays (tables are never dropped).
    if (ingestStatsKnown) return true;
    const [row] = await store.query<{ n: string }>(
      'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
      { t: INGEST_STATS_TABLE },
      comment('ingest-stats-exists'),
    );
    ingestStatsKnown = Number(row?.n ?? 0) > 0;
    return ingestStatsKnown;
  }

  return {
    /** One page of usage grouped by app, end user or day. */
    async grouped(
      scope: OrgScope,
      range: DayRange,
      group: UsageGroup,
      limit: number,
      after?: UsageAfter,
    ): Promise<GroupedUsage[]> {
      const params: QueryParams = { ...scopeParams(scope, range), limit };
      let having = '';
      if (after && group === 'day') {
        having = 'HAVING key > {after_key:String}';
        params.after_key = after.key;
      } else if (after) {
        having =
          'HAVING records < {after_records:UInt64} OR (records = {after_records:UInt64} AND key > {after_key:String})';
        params.after_records = after.records;
        params.after_key = after.key;
      }
      const order = group === 'day' ? 'key ASC' : 'records DESC, key ASC';
      const rows = await store.query<Record<string, unknown>>(
        `SELECT ${KEY_SQL[group]} AS key, ${SUMS}
         FROM ${USAGE_DAILY_TABLE}
         WHERE ${scopeWhere}
         GROUP BY key ${having}
         ORDER BY ${order}
         LIMIT {limit:UInt32}`,
        params,
        comment(`grouped-${group}`),
      );
      return rows.map((r) => ({ key: String(r.key), ...toTotals(r) }));
    },

    async totals(scope: OrgScope, range: DayRange): Promise<CounterTotals> {
      const [row] = await store.query<Record<string, unknown>>(
        `SELECT ${SUMS} FROM ${USAGE_DAILY_TABLE} WHERE ${scopeWhere}`,
        scopeParams(scope, range),
        comment('totals'),
      );
      return toTotals(row ?? {});
    },

    /** Distinct end users (user_id <> '') with at least one record in the range. */
    async activeEndUsers(scope: OrgScope, range: DayRange): Promise<number> {
      const [row] = await store.query<{ n: string }>(
        `SELECT uniqExact(user_id) AS n FROM ${USAGE_DAILY_TABLE}
         WHERE ${scopeWhere} AND user_id != '' AND records > 0`,
        scopeParams(scope, range),
        comment('active-end-users'),
      );
      return Number(row?.n ?? 0);
    },

    /** Records, bytes per (app, user) for the whole range: the input of the cost split. */
    async perAppUser(
      scope: OrgScope,
      range: DayRange,
    ): Promise<{ app_id: string; user_id: string; records: number; bytes: number }[]> {
      const rows = await store.query<Record<string, string>>(
        `SELECT toString(app_id) AS app_id, user_id, sum(records) AS records, sum(bytes) AS bytes
         FROM ${USAGE_DAILY_TABLE} WHERE ${scopeWhere}
         GROUP BY app_id, user_id HAVING records > 0 OR bytes > 0`,
        scopeParams(scope, range),
        comment('per-app-user'),
      );
      return rows.map((r) => ({
        app_id: String(r.app_id),
        user_id: String(r.user_id),
        records: Number(r.records),
        bytes: Number(r.bytes),
      }));
    },

    /**
     * Stored (compressed) bytes per key. For day: that day's snapshot; otherwise the last snapshot
     * in the range (what was kept at its end). `keys` limits the answer to one page.
     */
    async stored(
      scope: OrgScope,
      range: DayRange,
      group: UsageGroup,
      keys?: readonly string[],
    ): Promise<Map<string, number>> {
      const params: QueryParams = { ...scopeParams(scope, range) };
      const dayFilter =
        group === 'day'
          ? ''
          : `AND day = (SELECT max(day) FROM ${USAGE_STORAGE_TABLE} WHERE ${scopeWhere})`;
      let keyFilter = '';
      if (keys) {
        keyFilter = `AND ${KEY_SQL[group]} IN {keys:Array(String)}`;
        params.keys = [...keys];
      }
      const rows = await store.query<{ key: string; stored: string }>(
        `SELECT ${KEY_SQL[group]} AS key, sum(stored_bytes) AS stored
         FROM ${USAGE_STORAGE_TABLE} FINAL
         WHERE ${scopeWhere} ${dayFilter} ${keyFilter}
         GROUP BY key`,
        params,
        comment(`stored-${group}`),
      );
      return new Map(rows.map((r) => [String(r.key), Number(r.stored)]));
    },

    /** Stored byte-days per (app, user) over the range: the GB-month quantity of the bill. */
    async storedByteDays(
      scope: OrgScope,
      range: DayRange,
    ): Promise<{ app_id: string; user_id: string; byte_days: number }[]> {
      const rows = await store.query<Record<string, string>>(
        `SELECT toString(app_id) AS app_id, user_id, sum(stored_bytes) AS byte_days
         FROM ${USAGE_STORAGE_TABLE} FINAL WHERE ${scopeWhere}
         GROUP BY app_id, user_id`,
        scopeParams(scope, range),
        comment('stored-byte-days'),
      );
      return rows.map((r) => ({
        app_id: String(r.app_id),
        user_id: String(r.user_id),
        byte_days: Number(r.byte_days),
      }));
    },

    /**
     * Rejected records (decode errors and rate or quota refusals) per app or day, from the
     * analytics module's ingest_stats; null when that table does not exist (yet) or for end users,
     * whom a refused record is never attributed to.
     */
    async rejected(
      scope: OrgScope,
      range: DayRange,
      group: UsageGroup,
    ): Promise<Map<string, number> | null> {
      if (group === 'user_id' || !(await ingestStatsExists())) return null;
      const key = group === 'app' ? 'toString(app_id)' : 'toString(toDate(minute))';
      const rows = await store.query<{ key: string; n: string }>(
        `SELECT ${key} AS key, sum(rejected_records) + sum(rate_limited_records) AS n
         FROM ${INGEST_STATS_TABLE}
         WHERE org_id = {org:UUID} AND minute >= toDateTime({from_day:Date}, 'UTC')
           AND minute < toDateTime({to_day:Date} + 1, 'UTC')
         GROUP BY key`,
        scopeParams(scope, range),
        comment(`rejected-${group}`),
      );
      return new Map(rows.map((r) => [String(r.key), Number(r.n)]));
    },

    /** Rejected records by reason over the range (report); empty without ingest_stats. */
    async rejectedByReason(scope: OrgScope, range: DayRange): Promise<Record<string, number>> {
      if (!(await ingestStatsExists())) return {};
      const rows = await store.query<{ reason: string; n: string }>(
        `SELECT reason, sum(rejected_records) + sum(rate_limited_records) AS n
         FROM ${INGEST_STATS_TABLE}
         WHERE org_id = {org:UUID} AND minute >= toDateTime({from_day:Date}, 'UTC')
           AND minute < toDateTime({to_day:Date} + 1, 'UTC')
         GROUP BY reason HAVING n > 0 ORDER BY reason`,
        scopeParams(scope, range),
        comment('rejected-by-reason'),
      );
      return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
    },

    /** Records and error records per day (every day of the range that has any). */
    async daily(
      scope: OrgScope,
      range: DayRange,
    ): Promise<{ day: string; records: number; bytes: number; error_records: number }[]> {
      const rows = await store.query<Record<string, string>>(
        `SELECT toString(day) AS d, sum(records) AS records, sum(bytes) AS bytes,
                sum(error_records) AS error_records
         FROM ${USAGE_DAILY_TABLE} WHERE ${scopeWhere} GROUP BY day ORDER BY day`,
        scopeParams(scope, range),
        comment('daily'),
      );
      return rows.map((r) => ({
        day: String(r.d),
        records: Number(r.records),
        bytes: Number(r.bytes),
        error_records: Number(r.error_records),
      }));
    },

    /** Ingest → stored lag quantiles in ms, or null when nothing was stored in the range. */
    async lag(scope: OrgScope, range: DayRange): Promise<{ p50: number; p99: number } | null> {
      const [row] = await store.query<{ q: number[]; n: string }>(
        `SELECT quantilesTDigestMerge(0.5, 0.99)(lag_ms) AS q, count() AS n
         FROM ${USAGE_LAG_TABLE} WHERE ${scopeWhere}`,
        scopeParams(scope, range),
        comment('lag'),
      );
      if (!row || Number(row.n) === 0 || !Array.isArray(row.q)) return null;
      return { p50: Math.round(Number(row.q[0])), p99: Math.round(Number(row.q[1])) };
    },

    /** Search query p95 in ms and count over the range, or null without queries. */
    async searchLatency(
      scope: OrgScope,
      range: DayRange,
    ): Promise<{ p95_ms: number; queries: number } | null> {
      const [row] = await store.query<{ p95: number; n: string }>(
        `SELECT quantileExact(0.95)(duration_ms) AS p95, count() AS n
         FROM ${USAGE_QUERIES_TABLE}
         WHERE org_id = {org:UUID} AND ts >= toDateTime64({from_day:Date}, 3, 'UTC')
           AND ts < toDateTime64({to_day:Date} + 1, 3, 'UTC')`,
        scopeParams(scope, range),
        comment('search-latency'),
      );
      if (!row || Number(row.n) === 0) return null;
      return { p95_ms: Number(row.p95), queries: Number(row.n) };
    },

    /** Ingest availability over [from, to): ok samples / samples, per MyLog's own health samples. */
    async availability(
      fromMs: number,
      toMs: number,
    ): Promise<{ ratio: number; samples: number } | null> {
      const [row] = await store.query<{ ok: string; n: string }>(
        `SELECT sum(ok) AS ok, count() AS n FROM ${HEALTH_SAMPLES_TABLE}
         WHERE component = 'ingest' AND ts >= toDateTime({from:UInt32}, 'UTC')
           AND ts < toDateTime({to:UInt32}, 'UTC')`,
        { from: Math.floor(fromMs / 1000), to: Math.floor(toMs / 1000) },
        comment('availability'),
      );
      const n = Number(row?.n ?? 0);
      if (n === 0) return null;
      return { ratio: Number(row?.ok ?? 0) / n, samples: n };
    },

    /** Adds flushed counters (queries, exports, tail) to usage_daily. */
    async addCounters(rows: readonly CounterRow[]): Promise<void> {
      if (rows.length === 0) return;
      const body = rows
        .map((r) =>
          JSON.stringify({
            org_id: r.org_id,
            app_id: r.app_id,
            user_id: r.user_id,
            day: r.day,
            retention_days: 0,
            ...Object.fromEntries(USAGE_COUNTERS.map((c) => [c, r[c] ?? 0])),
          }),
        )
        .join('\n');
      await store.insertRaw(USAGE_DAILY_TABLE, Buffer.from(`${body}\n`));
    },

    async addQueries(rows: readonly QueryRow[]): Promise<void> {
      if (rows.length === 0) return;
      const body = rows.map((r) => JSON.stringify(r)).join('\n');
      await store.insertRaw(USAGE_QUERIES_TABLE, Buffer.from(`${body}\n`));
    },

    async addHealthSample(tsS: number, component: string, ok: boolean, detail: string) {
      await store.insertRaw(
        HEALTH_SAMPLES_TABLE,
        Buffer.from(`${JSON.stringify({ ts: tsS, component, ok: ok ? 1 : 0, detail })}\n`),
      );
    },

    /**
     * Snapshot of stored bytes for `day` (every org): the logs table's active compressed part
     * sizes, apportioned by each (org, app, user)'s share of the counted bytes still within
     * retention, less what deletions on request erased from those days. Runs inside ClickHouse;
     * nothing passes through this process.
     */
    async snapshotStorage(day: string, takenAtS: number): Promise<void> {
      await store.command(
        `INSERT INTO ${USAGE_STORAGE_TABLE} (org_id, app_id, user_id, day, stored_bytes, taken_at)
         WITH
           (SELECT sum(data_compressed_bytes) FROM ${logsStorage.parts}
            WHERE database = currentDatabase() AND table = {logs:String} AND active) AS compressed
         SELECT org_id, app_id, user_id, {day:Date},
                toUInt64(round(compressed * kept / sum(kept) OVER ())),
                toDateTime({taken:UInt32}, 'UTC')
         FROM (
           SELECT org_id, app_id, user_id, sum(greatest(toInt64(b) - toInt64(d), 0)) AS kept
           FROM (
             SELECT org_id, app_id, user_id, day, sum(bytes) AS b FROM ${USAGE_DAILY_TABLE}
             WHERE day > {day:Date} - retention_days AND day <= {day:Date}
             GROUP BY org_id, app_id, user_id, day
           ) AS counted
           LEFT JOIN (
             SELECT org_id, app_id, user_id, day, sum(deleted_bytes) AS d
             FROM ${USAGE_DELETIONS_TABLE} WHERE day <= {day:Date}
             GROUP BY org_id, app_id, user_id, day
           ) AS erased USING (org_id, app_id, user_id, day)
           GROUP BY org_id, app_id, user_id HAVING kept > 0
         )`,
        { day, taken: takenAtS, logs: logsStorage.partsTable },
        comment('snapshot-storage'),
      );
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
