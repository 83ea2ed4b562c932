-- Generated from clickhouse/0001_logs.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
CREATE TABLE IF NOT EXISTS logs_local ON CLUSTER mylog
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/logs_local', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (app_id, ts)
TTL toDateTime(ts) + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000, index_granularity = 8192, replicated_deduplication_window_seconds = 604800;

CREATE TABLE IF NOT EXISTS logs ON CLUSTER mylog AS logs_local
ENGINE = Distributed(mylog, currentDatabase(), logs_local, cityHash64(app_id));
