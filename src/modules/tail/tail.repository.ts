// ClickHouse reads for resume: the rows of the caller's apps that a client lacks, those that arrived
// after the lowest id it lists and are not listed (resume-point.ts). Ids are UUIDv7 from ingest's
// receive time, so "after" is `id >` in text order (the canonical lower-case hex sorts like the
// number). A row's ts may lag its receive time by up to INGEST_MAX_PAST_SKEW_MS, which is the one
// bound the (app_id, ts) key can use.
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { LOG_ROW_FIELDS, LOGS_TABLE } from '../logs-table/logs-table.ts';
import type { CompiledSql } from '../search/query-language/index.ts';
import { toTailRow, type TailRow } from './tail-row.ts';

/** Rows with an id above `afterId` that are not among `exceptIds` (those the client holds). */
export interface TailAfter {
  afterId: string;
  exceptIds: readonly string[];
}

export interface TailScope {
  orgIds: readonly string[];
  appIds: readonly string[];
}

// The API row plus org_id (the tail's predicate reads it). The UUID and DateTime64 columns are read
// as text under other names: an alias named `ts` would shadow the column in WHERE.
const AS_TEXT = ['id', 'ts', 'org_id', 'app_id'] as const;
const COLUMNS = [
  ...AS_TEXT.map((name) => `toString(${name}) AS ${name}_text`),
  ...LOG_ROW_FIELDS.filter((name) => !(AS_TEXT as readonly string[]).includes(name)),
].join(', ');

type Selected = Omit<Parameters<typeof toTailRow>[0], (typeof AS_TEXT)[number]> & {
  id_text: string;
  ts_text: string;
  org_id_text: string;
  app_id_text: string;
};

function fromSelected({ id_text, ts_text, org_id_text, app_id_text, ...rest }: Selected): TailRow {
  return toTailRow({ ...rest, id: id_text, ts: ts_text, org_id: org_id_text, app_id: app_id_text });
}

const QUERY_TIMEOUT_S = 10;

export function createTailRepository(clickhouse: ClickHouseStore) {
  const where = (filter: CompiledSql) => `app_id IN {tail_apps:Array(UUID)}
      AND org_id IN {tail_orgs:Array(UUID)}
      AND ts >= fromUnixTimestamp64Milli({tail_from_ms:Int64})
      AND toString(id) > {tail_after:String}
      AND NOT has({tail_except:Array(String)}, toString(id))
      AND (${filter.sql})`;
  const params = (scope: TailScope, after: TailAfter, fromMs: number, filter: CompiledSql) => ({
    ...filter.params,
    tail_apps: scope.appIds,
    tail_orgs: scope.orgIds,
    tail_from_ms: fromMs,
    tail_after: after.afterId,
    tail_except: after.exceptIds,
  });
  const settings = { max_execution_time: QUERY_TIMEOUT_S };
  return {
    /** The newest `limit` rows after `after`, oldest first. */
    async rowsAfter(
      scope: TailScope,
      after: TailAfter,
      fromMs: number,
      filter: CompiledSql,
      limit: number,
    ): Promise<TailRow[]> {
      if (limit === 0) return [];
      const rows = await clickhouse.query<Selected>(
        `SELECT ${COLUMNS} FROM ${LOGS_TABLE} WHERE ${where(filter)}
         ORDER BY id_text DESC LIMIT {tail_limit:UInt32}`,
        { ...params(scope, after, fromMs, filter), tail_limit: limit },
        { settings },
      );
      return rows.reverse().map(fromSelected);
    },
    async countAfter(
      scope: TailScope,
      after: TailAfter,
      fromMs: number,
      filter: CompiledSql,
    ): Promise<number> {
      const [row] = await clickhouse.query<{ n: string | number }>(
        `SELECT count() AS n FROM ${LOGS_TABLE} WHERE ${where(filter)}`,
        params(scope, after, fromMs, filter),
        { settings },
      );
      return Number(row?.n ?? 0);
    },
  };
}

export type TailRepository = ReturnType<typeof createTailRepository>;
