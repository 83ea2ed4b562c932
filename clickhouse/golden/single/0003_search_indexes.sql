-- Generated from clickhouse/0003_search_indexes.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs ADD INDEX IF NOT EXISTS idx_observed_ts observed_ts TYPE minmax GRANULARITY 1;
