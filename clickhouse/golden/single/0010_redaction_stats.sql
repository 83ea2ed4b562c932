-- Generated from clickhouse/0010_redaction_stats.sql by `npm run clickhouse:golden` (single node); do not edit.
CREATE TABLE IF NOT EXISTS redaction_stats
(
    org_id           UUID,
    app_id           UUID,
    minute           DateTime('UTC'),
    reason           LowCardinality(String),
    redacted_records UInt64,
    redacted_values  UInt64
)
ENGINE = SummingMergeTree((redacted_records, redacted_values))
PARTITION BY toYYYYMM(minute)
ORDER BY (org_id, app_id, minute, reason)
TTL minute + toIntervalDay(400);
