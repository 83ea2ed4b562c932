-- The bloom filter on mapValues(attributes) served `attributes['k'] = 'v'`. Since 0004 every
-- attribute equality compiles to has(attr_kv, 'k=v'), whose own bloom filter prunes by the pair
-- (stricter than by the value alone), so no query uses this index any more, while every insert
-- still built it: dropping it cut the insert's CPU per row by ~9 % (bench/lib/chdb-insert-probe.ts,
-- variants schema vs noattrvalues). Existing parts drop their index files with it.
ALTER TABLE logs DROP INDEX IF EXISTS idx_attr_values;
