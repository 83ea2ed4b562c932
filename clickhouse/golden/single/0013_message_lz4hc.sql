-- Generated from clickhouse/0013_message_lz4hc.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs MODIFY COLUMN message String CODEC(LZ4HC(4));
