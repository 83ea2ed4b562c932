-- Generated from clickhouse/0011_logs_storage_codecs.sql by `npm run clickhouse:golden` (cluster mylog); do not edit.
ALTER TABLE logs_local ON CLUSTER mylog MODIFY COLUMN id UUID CODEC(ZSTD(1));

ALTER TABLE logs ON CLUSTER mylog MODIFY COLUMN id UUID CODEC(ZSTD(1));

ALTER TABLE logs_local ON CLUSTER mylog MODIFY COLUMN resource Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1));

ALTER TABLE logs ON CLUSTER mylog MODIFY COLUMN resource Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1));

ALTER TABLE logs_local ON CLUSTER mylog MODIFY COLUMN attributes CODEC(ZSTD(3));

ALTER TABLE logs ON CLUSTER mylog MODIFY COLUMN attributes CODEC(ZSTD(3));

ALTER TABLE logs_local ON CLUSTER mylog MODIFY COLUMN attr_kv CODEC(ZSTD(3));

ALTER TABLE logs ON CLUSTER mylog MODIFY COLUMN attr_kv CODEC(ZSTD(3));
