-- Generated from clickhouse/0003_search_indexes.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
ALTER TABLE logs_local ON CLUSTER mylog ADD INDEX IF NOT EXISTS idx_observed_ts observed_ts TYPE minmax GRANULARITY 1;
