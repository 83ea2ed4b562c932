-- Background merges were the largest single CPU cost of ingest after parsing: ~3.2-3.6 µs of the
-- ~10-11 µs of chdb CPU per row in 20-s runs of bench/lib/chdb-insert-probe.ts (variant nomerge
-- and the merge-thread column). A row is rewritten about log_base(partition size / insert size)
-- times; merge_selector_base = 10 (default 5) merges ten parts of a level at once instead of five,
-- which cut merge CPU per row to ~2.1-2.3 µs (variants schema vs mergebase10, two interleaved
-- pairs) at the price of more parts alive per daily partition (~15 instead of ~7 after 20 s; far
-- below parts_to_delay_insert = 1000). 20 was no cheaper than 10.
ALTER TABLE logs MODIFY SETTING merge_selector_base = 10;
