-- Storage per row (issue 20, docs/performance.md "Storage", bench/storage.bench.ts). What paid on
-- the bench's generated rows, each a metadata change for new parts (merges rewrite old ones with
-- the new codecs) except resource's type, which a mutation rewrites once (that column only):
--  - id: UUIDv7's 48-bit millisecond prefix repeats between neighbouring rows, but LZ4 (the default)
--    finds no matches in 16-byte values whose tail is random; ZSTD's entropy stage takes ~1.4 bytes.
--  - resource: resource attributes describe the sender (service.version, deployment.environment,
--    k8s pod…), so a part holds few distinct values: LowCardinality values take it from ~2.4 to
--    ~1.0 bytes. Not for attributes and attr_kv, whose values are per record: with request ids
--    and URLs there, LowCardinality stored 8-16 % more bytes and tripled their insert CPU.
--  - attributes, attr_kv: ZSTD(3) instead of ZSTD(1), ~1.4 bytes each.
-- Left as they were, measured: DoubleDelta on ts/observed_ts (larger: nanosecond timestamps are not
-- evenly spaced), ZSTD(3+) on message and the ids (at most 0.35 bytes; trace/span ids grew at ZSTD(6)),
-- LowCardinality user_id (larger). The primary key cannot change by ALTER.
ALTER TABLE logs MODIFY COLUMN id UUID CODEC(ZSTD(1));
ALTER TABLE logs MODIFY COLUMN resource Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1));
ALTER TABLE logs MODIFY COLUMN attributes CODEC(ZSTD(3));
ALTER TABLE logs MODIFY COLUMN attr_kv CODEC(ZSTD(3));
