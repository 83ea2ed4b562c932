-- Generated from clickhouse/0011_logs_storage_codecs.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs MODIFY COLUMN id UUID CODEC(ZSTD(1));

ALTER TABLE logs MODIFY COLUMN resource Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1));

ALTER TABLE logs MODIFY COLUMN attributes CODEC(ZSTD(3));

ALTER TABLE logs MODIFY COLUMN attr_kv CODEC(ZSTD(3));
