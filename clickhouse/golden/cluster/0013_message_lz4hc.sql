-- Generated from clickhouse/0013_message_lz4hc.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
ALTER TABLE logs_local ON CLUSTER mylog MODIFY COLUMN message String CODEC(LZ4HC(4));

ALTER TABLE logs ON CLUSTER mylog MODIFY COLUMN message String CODEC(LZ4HC(4));
