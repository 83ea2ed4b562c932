-- Generated from clickhouse/0005_drop_attr_values_index.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
ALTER TABLE logs_local ON CLUSTER mylog DROP INDEX IF EXISTS idx_attr_values;
