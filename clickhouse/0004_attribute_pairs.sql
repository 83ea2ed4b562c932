-- Attribute equality (`status:500`, i.e. attributes['status'] = '500') without reading whole maps
-- where a value is rare. attr_kv holds every attribute as 'key=value'; the bloom filter on it lets
-- `has(attr_kv, 'status=500')` skip granules that hold no such pair. When neither key nor value
-- holds '=', has(attr_kv, 'k=v') alone is exact (map keys are unique); otherwise the search
-- compiler adds the exact attributes[k] = v, and an empty value uses only the exact test (an
-- absent key also reads as '' in attributes[k]).
-- Parts written before this migration lack the column until merged: ClickHouse computes it from
-- its MATERIALIZED expression when reading them, so the pre-filter is correct on every part, and
-- the index is simply absent (no skipping) on those parts.
ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_kv Array(String)
    MATERIALIZED arrayMap((k, v) -> concat(k, '=', v), mapKeys(attributes), mapValues(attributes))
    CODEC(ZSTD(1));
ALTER TABLE logs ADD INDEX IF NOT EXISTS idx_attr_kv attr_kv TYPE bloom_filter(0.01) GRANULARITY 1;
