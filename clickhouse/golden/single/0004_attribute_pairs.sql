-- Generated from clickhouse/0004_attribute_pairs.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_kv Array(String)
    MATERIALIZED arrayMap((k, v) -> concat(k, '=', v), mapKeys(attributes), mapValues(attributes))
    CODEC(ZSTD(1));

ALTER TABLE logs ADD INDEX IF NOT EXISTS idx_attr_kv attr_kv TYPE bloom_filter(0.01) GRANULARITY 1;
