-- Per-tenant redaction counters (src/modules/ingest-stats/, fed by src/modules/redaction/): per app,
-- minute and rule, the records a rule changed or dropped and the values it matched, for the
-- tenant's Ingest health dashboard. A table of its own rather than columns of ingest_stats: a
-- SummingMergeTree sums only the columns named at creation, so added columns would not be summed.
-- `reason` holds the rule's name (as ingest_stats' reason column does the refusal's), so readers
-- group both tables the same way. Flushed like ingest_stats; readers sum().
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
