-- Generated from clickhouse/0009_data_lifecycle.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
ALTER TABLE logs_local ON CLUSTER mylog REMOVE TTL;

ALTER TABLE logs_rollup_1m_local ON CLUSTER mylog REMOVE TTL;

CREATE TABLE IF NOT EXISTS usage_deletions_daily_local ON CLUSTER mylog
(
    org_id          UUID,
    app_id          UUID,
    user_id         String,
    day             Date,
    deleted_records UInt64,
    deleted_bytes   UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/usage_deletions_daily_local', '{replica}', (deleted_records, deleted_bytes))
PARTITION BY toYYYYMM(day)
ORDER BY (org_id, day, app_id, user_id)
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

CREATE TABLE IF NOT EXISTS usage_deletions_daily ON CLUSTER mylog AS usage_deletions_daily_local
ENGINE = Distributed(mylog, currentDatabase(), usage_deletions_daily_local, cityHash64(app_id));
