-- Generated from clickhouse/0002_logs_rollup.sql by `npm run clickhouse:golden` (single node); do not edit.
CREATE TABLE IF NOT EXISTS logs_rollup_1m
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
ENGINE = SummingMergeTree((count, bytes))
PARTITION BY toDate(minute)
ORDER BY (app_id, minute, level, service, org_id)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS logs_rollup_1m_mv TO logs_rollup_1m AS
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
FROM logs
GROUP BY org_id, app_id, minute, service, level;
