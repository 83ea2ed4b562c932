// The one owner of the ClickHouse `logs` table in the application: its name, the columns ingest
// writes and search and the tail read, and where reads, inserts and deletes go. The DDL is in
// clickhouse/*.sql; cluster mode keeps the name `logs` for reads and inserts (a Distributed table)
// and sends deletes and parts lookups to logs_local ON CLUSTER (storageTarget).
import type { RawInsertTarget } from '../../infra/clickhouse/store.ts';
import { storageTarget, type StorageTarget } from '../../infra/clickhouse/cluster-ddl.ts';
import type { LogRowJson } from './log-row.ts';

export type { LogRow, LogRowJson } from './log-row.ts';

/** What every read (`FROM ${LOGS_TABLE}`) and insert names, on a single node and on a cluster. */
export const LOGS_TABLE = 'logs';

/** Where lightweight DELETEs, DROP PARTITION and system.parts lookups on the logs table go. */
export function logsStorageTarget(cluster: string | undefined): StorageTarget {
  return storageTarget(LOGS_TABLE, cluster);
}

/**
 * The payload format of the ingest pipeline: what ingest serialises, the worker inserts and the
 * live tail reads. JSONCompactEachRow (one JSON array per row, values in LOGS_INSERT_COLUMNS order)
 * rather than JSONEachRow: ClickHouse parses it with ~20 % less CPU because it matches no keys,
 * and the payload is ~28 % smaller in Redis and its fsync'd log (bench/lib/chdb-insert-probe.ts).
 */
export const LOGS_INSERT_FORMAT = 'JSONCompactEachRow';

/** The columns that ingest writes and the API returns alike, in both lists' order. */
const CONTENT_COLUMNS = [
  'service',
  'host',
  'message',
  'attributes',
  'resource',
  'trace_id',
  'span_id',
  'user_id',
] as const;

/** The columns of an inserted row, in order (attr_kv is MATERIALIZED: not sent). */
export const LOGS_INSERT_COLUMNS = [
  'org_id',
  'app_id',
  'ts',
  'observed_ts',
  'id',
  'level',
  'severity_number',
  ...CONTENT_COLUMNS,
  'retention_days',
] as const;

/** What the insert of serialised rows tells ClickHouse. */
export const LOGS_INSERT_TARGET: RawInsertTarget = {
  format: LOGS_INSERT_FORMAT,
  columns: LOGS_INSERT_COLUMNS,
};

/** The API row's fields in the order of its shape (docs/architecture.md, "A log row"). */
export const LOG_ROW_FIELDS = [
  'id',
  'ts',
  'app_id',
  'level',
  ...CONTENT_COLUMNS,
] as const satisfies readonly (keyof LogRowJson)[];

/** The SELECT list of an API row, as search pages and exports read it. */
export const LOG_ROW_COLUMNS = LOG_ROW_FIELDS.join(', ');
