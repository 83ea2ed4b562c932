-- Generated from clickhouse/0007_ingest_stats.sql by `npm run clickhouse:golden` (single node); do not edit.
CREATE TABLE IF NOT EXISTS ingest_stats
(
    org_id               UUID,
    app_id               UUID,
    minute               DateTime('UTC'),
    reason               LowCardinality(String),
    accepted_records     UInt64,
    accepted_bytes       UInt64,
    rejected_records     UInt64,
    rate_limited_records UInt64
)
ENGINE = SummingMergeTree((accepted_records, accepted_bytes, rejected_records, rate_limited_records))
PARTITION BY toYYYYMM(minute)
ORDER BY (org_id, app_id, minute, reason)
TTL minute + toIntervalDay(400);
