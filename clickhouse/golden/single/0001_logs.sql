-- Generated from clickhouse/0001_logs.sql by `npm run clickhouse:golden` (single node); do not edit.
CREATE TABLE IF NOT EXISTS logs
(
    org_id          UUID,
    app_id          UUID,
    ts              DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    observed_ts     DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    id              UUID,
    level           LowCardinality(String),
    severity_number UInt8,
    service         LowCardinality(String),
    host            LowCardinality(String),
    message         String CODEC(ZSTD(1)),
    attributes      Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource        Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    trace_id        String CODEC(ZSTD(1)),
    span_id         String CODEC(ZSTD(1)),
    user_id         String CODEC(ZSTD(1)),
    retention_days  UInt16 DEFAULT 180,
    INDEX idx_message lower(message) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1,
    INDEX idx_attr_keys mapKeys(attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_values mapValues(attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (app_id, ts)
TTL toDateTime(ts) + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000, index_granularity = 8192;
