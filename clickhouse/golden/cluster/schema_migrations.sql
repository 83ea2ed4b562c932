-- Generated from src/infra/clickhouse/migration-plan.ts by `npm run clickhouse:golden` (cluster mylog); do not edit.
CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER mylog (version String, applied_at DateTime DEFAULT now())
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{shard}-{replica}') ORDER BY version;
