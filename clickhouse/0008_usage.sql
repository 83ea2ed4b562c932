-- Usage metering (src/modules/usage/). None of these tables has a TTL: usage outlives the logs it
-- counts, so last year's bill can still be explained after the logs themselves expired.
--
-- usage_daily: per org, app, end user (user_id, '' = unattributed) and ingest day (the UTC day of
-- observed_ts, when MyLog received the record; it never changes once the day is over, whereas ts
-- may lie up to a week in the past). Records, their bytes (the same measure as logs_rollup_1m:
-- message + service + host + attribute keys and values), and error records come from the
-- materialized view below; queries, bytes they read, export bytes and live-tail seconds come from
-- counters each instance flushes (user_id '' since they belong to no end user).
-- retention_days is in the key so the storage snapshot knows which counted bytes are still kept.
-- Exactly once: the ingest worker inserts with deduplicate_blocks_in_dependent_materialized_views,
-- so a retried insert (same insert_deduplication_token) is dropped before it reaches the view,
-- and this table's own deduplication window drops the view's repeat block on the versions that
-- still push it.
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

-- Ingest → stored lag per org, app and day: the insert's own clock minus the receive time, taken as
-- the block passes the view (so it includes queueing, merging and the insert itself).
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

-- Bytes stored, compressed, per org, app, end user and day: a snapshot of the logs table's active
-- part sizes apportioned by each one's share of the counted bytes it still keeps (rows younger than
-- their retention). The scheduler takes it hourly; the day's last snapshot wins.
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

-- One row per ClickHouse query the search paths ran for an org: its duration and the bytes it read
-- (search p95 in the monthly report). app_id is the nil UUID when the query spanned several apps.
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

-- MyLog's own health, sampled by the scheduler once a minute: ingest is available when the
-- instance answering could accept a batch (Postgres, Redis and ClickHouse reachable, not overloaded).
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
