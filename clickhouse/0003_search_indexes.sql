-- Indexes the search API relies on.
-- GET /v1/logs/:id/context finds a row by id. Ids are UUIDv7 minted at receive time, which is also
-- observed_ts, so a minmax index on observed_ts narrows the lookup to the granules written in the
-- minutes around that instant (without it: every granule of the app in the ts window, up to the
-- ingest skew of 7 days). Granules of one part span a narrow observed_ts range because parts are
-- sorted by (app_id, ts) and ts tracks receive time for live data.
ALTER TABLE logs ADD INDEX IF NOT EXISTS idx_observed_ts observed_ts TYPE minmax GRANULARITY 1;
