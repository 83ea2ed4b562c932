-- Generated from clickhouse/0002_logs_rollup.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
CREATE TABLE IF NOT EXISTS logs_rollup_1m_local ON CLUSTER mylog
(
    org_id         UUID,
    app_id         UUID,
    minute         DateTime('UTC'),
    service        LowCardinality(String),
    level          LowCardinality(String),
    count          UInt64,
    bytes          UInt64,
    retention_days UInt16
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/logs_rollup_1m_local', '{replica}', (count, bytes))
PARTITION BY toDate(minute)
ORDER BY (app_id, minute, level, service, org_id)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800;

CREATE TABLE IF NOT EXISTS logs_rollup_1m ON CLUSTER mylog AS logs_rollup_1m_local
ENGINE = Distributed(mylog, currentDatabase(), logs_rollup_1m_local, cityHash64(app_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS logs_rollup_1m_mv ON CLUSTER mylog TO logs_rollup_1m_local AS
SELECT
    org_id,
    app_id,
    toStartOfMinute(ts) AS minute,
    service,
    level,
    count() AS count,
    sum(length(message) + length(service) + length(host)
        + arraySum(arrayMap((k, v) -> length(k) + length(v), mapKeys(attributes), mapValues(attributes)))) AS bytes,
    max(retention_days) AS retention_days
FROM logs_local
GROUP BY org_id, app_id, minute, service, level;
