-- Data lifecycle (issue 17 §2-3, docs/data-lifecycle.md).
--
-- Expiry moves from the table TTL to the retention cleanup (src/modules/retention/): the TTL read
-- each row's retention_days as copied at ingest, so a changed retention never reached stored
-- rows, and a TTL cannot be suspended for one app under legal hold. The cleanup deletes each
-- app's rows older than its current retention unless the app or its org is on hold.
-- With ttl_only_drop_parts the TTL only ever dropped parts whose every row had expired, so
-- removing it rewrites nothing.
ALTER TABLE logs REMOVE TTL;
ALTER TABLE logs_rollup_1m REMOVE TTL;

-- What deletions on request removed, per org, app, end user and ingest day (the day usage_daily
-- counted the records on). usage_daily keeps what was ingested (that work was done and billed);
-- this table says how much of it was erased, so stored bytes and reports can leave it out.
-- A job's rows are inserted with the job id as insert_deduplication_token, so a job that is run
-- again after a crash is counted once.
CREATE TABLE IF NOT EXISTS usage_deletions_daily
(
    org_id          UUID,
    app_id          UUID,
    user_id         String,
    day             Date,
    deleted_records UInt64,
    deleted_bytes   UInt64
)
ENGINE = SummingMergeTree((deleted_records, deleted_bytes))
PARTITION BY toYYYYMM(day)
ORDER BY (org_id, day, app_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000;
