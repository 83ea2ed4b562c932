-- Generated from clickhouse/0008_usage.sql by `npm run clickhouse:golden` (single node); do not edit.
CREATE TABLE IF NOT EXISTS usage_daily
(
    org_id           UUID,
    app_id           UUID,
    user_id          String,
    day              Date,
    retention_days   UInt16,
    records          UInt64,
    bytes            UInt64,
    error_records    UInt64,
    queries          UInt64,
    query_read_bytes UInt64,
    export_bytes     UInt64,
    tail_seconds     UInt64
)
ENGINE = SummingMergeTree((records, bytes, error_records, queries, query_read_bytes, export_bytes, tail_seconds))
PARTITION BY toYYYYMM(day)
ORDER BY (org_id, day, app_id, user_id, retention_days)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_daily_mv TO usage_daily AS
SELECT
    org_id,
    app_id,
    user_id,
    toDate(observed_ts) AS day,
    retention_days,
    count() AS records,
    sum(length(message) + length(service) + length(host)
        + arraySum(arrayMap((k, v) -> length(k) + length(v), mapKeys(attributes), mapValues(attributes)))) AS bytes,
    countIf(level IN ('error', 'fatal')) AS error_records,
    toUInt64(0) AS queries,
    toUInt64(0) AS query_read_bytes,
    toUInt64(0) AS export_bytes,
    toUInt64(0) AS tail_seconds
FROM logs
GROUP BY org_id, app_id, user_id, day, retention_days;

CREATE TABLE IF NOT EXISTS usage_lag_daily
(
    org_id UUID,
    app_id UUID,
    day    Date,
    lag_ms AggregateFunction(quantilesTDigest(0.5, 0.99), Int64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (org_id, day, app_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_lag_daily_mv TO usage_lag_daily AS
SELECT
    org_id,
    app_id,
    toDate(observed_ts) AS day,
    quantilesTDigestState(0.5, 0.99)(toInt64(dateDiff('millisecond', observed_ts, now64(3)))) AS lag_ms
FROM logs
GROUP BY org_id, app_id, day;

CREATE TABLE IF NOT EXISTS usage_storage_daily
(
    org_id       UUID,
    app_id       UUID,
    user_id      String,
    day          Date,
    stored_bytes UInt64,
    taken_at     DateTime
)
ENGINE = ReplacingMergeTree(taken_at)
PARTITION BY toYYYYMM(day)
ORDER BY (org_id, day, app_id, user_id);

CREATE TABLE IF NOT EXISTS usage_queries
(
    org_id      UUID,
    app_id      UUID,
    ts          DateTime64(3, 'UTC'),
    feature     LowCardinality(String),
    duration_ms UInt32,
    read_bytes  UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (org_id, ts);

CREATE TABLE IF NOT EXISTS health_samples
(
    ts        DateTime('UTC'),
    component LowCardinality(String),
    ok        UInt8,
    detail    String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (component, ts);
