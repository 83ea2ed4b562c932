-- Generated from clickhouse/0006_logs_merge_selector.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs MODIFY SETTING merge_selector_base = 10;
