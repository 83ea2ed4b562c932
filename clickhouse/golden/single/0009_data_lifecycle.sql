-- Generated from clickhouse/0009_data_lifecycle.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs REMOVE TTL;

ALTER TABLE logs_rollup_1m REMOVE TTL;

CREATE TABLE IF NOT EXISTS usage_deletions_daily
(
    org_id          UUID,
    app_id          UUID,
    user_id         String,
    day             Date,
    deleted_records UInt64,
    deleted_bytes   UInt64
)
ENGINE = SummingMergeTree((deleted_records, deleted_bytes))
PARTITION BY toYYYYMM(day)
ORDER BY (org_id, day, app_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000;
