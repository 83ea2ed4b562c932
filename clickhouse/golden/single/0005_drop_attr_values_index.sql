-- Generated from clickhouse/0005_drop_attr_values_index.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs DROP INDEX IF EXISTS idx_attr_values;
