/**
 * Every limit the decoder enforces, in one object that config fills from its env schema.
 * Units are in the names, as everywhere in config.
 */
export interface IngestLimits {
  /** Size of the body after Content-Encoding is undone; over → 413 for the whole request. */
  readonly maxDecodedBodyBytes: number;
  /** Records (bulk: items) in one request; over → 413 for the whole request. */
  readonly maxRecordsPerRequest: number;
  /** UTF-8 bytes of one message; over → that record is rejected (never silently truncated). */
  readonly maxMessageBytes: number;
  /** Entries in `attributes` (and, separately, in `resource`) after flattening; over → record rejected. */
  readonly maxAttributes: number;
  readonly maxAttributeKeyBytes: number;
  readonly maxAttributeValueBytes: number;
  /** Object/array levels below the record itself; deeper → record rejected. */
  readonly maxNestingDepth: number;
  /** How far before the receive time a timestamp may be; older → record rejected. */
  readonly maxPastSkewMs: number;
  /** How far after the receive time a timestamp may be; newer → record rejected. */
  readonly maxFutureSkewMs: number;
  /** CPU time the synchronous decoding of one request may take; over → 413 (decode-budget.ts). */
  readonly decodeCpuBudgetMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_INGEST_LIMITS: IngestLimits = Object.freeze({
  // Logstash targets 20 MiB bulk requests; leave headroom above that.
  maxDecodedBodyBytes: 32 * 1024 * 1024,
  maxRecordsPerRequest: 50_000,
  maxMessageBytes: 256 * 1024,
  // OpenTelemetry SDKs default to 128 attributes per record.
  maxAttributes: 256,
  maxAttributeKeyBytes: 256,
  maxAttributeValueBytes: 32 * 1024,
  maxNestingDepth: 16,
  // ClickHouse refuses an INSERT touching more than 100 partitions (max_partitions_per_insert_block)
  // and logs is partitioned by day, so one group-commit job must span well under 100 days, or the
  // whole job (other tenants' rows included) would fail. Keep this below ~90 days.
  maxPastSkewMs: 30 * DAY_MS,
  maxFutureSkewMs: 15 * 60_000,
  // The server's budget is INGEST_DECODE_CPU_BUDGET_MS; this default serves tools, benchmarks and
  // tests that decode big bodies in one go, where only a runaway should stop.
  decodeCpuBudgetMs: 60_000,
});
