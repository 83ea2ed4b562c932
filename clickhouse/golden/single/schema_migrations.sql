-- Generated from src/infra/clickhouse/migration-plan.ts by `npm run clickhouse:golden` (single node); do not edit.
CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime DEFAULT now())
ENGINE = ReplacingMergeTree ORDER BY version;
