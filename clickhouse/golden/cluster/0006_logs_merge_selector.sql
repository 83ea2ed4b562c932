-- Generated from clickhouse/0006_logs_merge_selector.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
ALTER TABLE logs_local ON CLUSTER mylog MODIFY SETTING merge_selector_base = 10;
