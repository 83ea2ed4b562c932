-- Generated from clickhouse/0010_redaction_stats.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
CREATE TABLE IF NOT EXISTS redaction_stats_local ON CLUSTER mylog
(
    org_id           UUID,
    app_id           UUID,
    minute           DateTime('UTC'),
    reason           LowCardinality(String),
    redacted_records UInt64,
    redacted_values  UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/redaction_stats_local', '{replica}', (redacted_records, redacted_values))
PARTITION BY toYYYYMM(minute)
ORDER BY (org_id, app_id, minute, reason)
TTL minute + toIntervalDay(400)
SETTINGS replicated_deduplication_window = 0;

CREATE TABLE IF NOT EXISTS redaction_stats ON CLUSTER mylog AS redaction_stats_local
ENGINE = Distributed(mylog, currentDatabase(), redaction_stats_local, cityHash64(app_id));
