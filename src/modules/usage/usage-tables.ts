// The usage tables (clickhouse/0008_usage.sql) have one owner: this module. Names live here only.
export const USAGE_DAILY_TABLE = 'usage_daily';
export const USAGE_STORAGE_TABLE = 'usage_storage_daily';
export const USAGE_LAG_TABLE = 'usage_lag_daily';
export const USAGE_QUERIES_TABLE = 'usage_queries';
export const HEALTH_SAMPLES_TABLE = 'health_samples';
/** Written by the deletions module (clickhouse/0009): records and bytes erased on request, per usage day. */
export const USAGE_DELETIONS_TABLE = 'usage_deletions_daily';
/** Written by the analytics module (issue 14): rejected and rate-limited records per minute and reason. */
export const INGEST_STATS_TABLE = 'ingest_stats';

/** The app of a query that spanned several apps (or orgs): no single app to charge it to. */
export const SEVERAL_APPS = '00000000-0000-0000-0000-000000000000';

/** Summed counters of usage_daily, in the order of its INSERT columns. */
export const USAGE_COUNTERS = [
  'records',
  'bytes',
  'error_records',
  'queries',
  'query_read_bytes',
  'export_bytes',
  'tail_seconds',
] as const;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];
