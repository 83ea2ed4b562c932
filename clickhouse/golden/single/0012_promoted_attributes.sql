-- Generated from clickhouse/0012_promoted_attributes.sql by `npm run clickhouse:golden` (single node); do not edit.
ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_status LowCardinality(Nullable(String))
    MATERIALIZED if(mapContains(attributes, 'status'), attributes['status'], NULL)
    CODEC(ZSTD(1));

ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_http_method LowCardinality(Nullable(String))
    MATERIALIZED if(mapContains(attributes, 'http.method'), attributes['http.method'], NULL)
    CODEC(ZSTD(1));

ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_duration_ms LowCardinality(Nullable(String))
    MATERIALIZED if(mapContains(attributes, 'duration_ms'), attributes['duration_ms'], NULL)
    CODEC(ZSTD(1));

ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_route LowCardinality(Nullable(String))
    MATERIALIZED if(mapContains(attributes, 'route'), attributes['route'], NULL)
    CODEC(ZSTD(1));

ALTER TABLE logs ADD COLUMN IF NOT EXISTS attr_http_route LowCardinality(Nullable(String))
    MATERIALIZED if(mapContains(attributes, 'http.route'), attributes['http.route'], NULL)
    CODEC(ZSTD(1));
