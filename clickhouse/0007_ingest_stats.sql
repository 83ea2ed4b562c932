-- Per-tenant ingest counters (src/modules/ingest-stats/): what each app sent per minute, what was
-- accepted (reason ''), rejected (reason = the record's error code, or not_durable) and refused by
-- its rate limit or daily quota (reason rate_limited | quota_exceeded). Each instance counts in
-- memory and flushes every INGEST_STATS_FLUSH_INTERVAL_MS, so several rows may share a key until
-- a merge folds them: readers sum(). Kept 400 days so the Ingest health dashboard covers months
-- and the usage reports can read rejected counts for last year's bill.
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
