// Timestamps for tests that store logs: derived from the clock, so ingest's skew limits and the
// logs table's TTL never see them age out, whatever day the suite runs.

/** An instant `agoMs` before now, truncated to the whole second, with a chosen nanosecond part. */
export function recentInstant(agoMs = 60 * 60 * 1000, nanos = 0) {
  const sec = Math.floor((Date.now() - agoMs) / 1000);
  const whole = new Date(sec * 1000).toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
  const frac = String(nanos).padStart(9, '0');
  return {
    /** RFC 3339 with nanoseconds, as a sender writes it. */
    rfc3339: `${whole}.${frac}Z`,
    /** RFC 3339 with whole seconds. */
    rfc3339Seconds: `${whole}Z`,
    /** ClickHouse DateTime64(9) text, as stored rows come back. */
    clickhouse: `${whole.replace('T', ' ')}.${frac}`,
    /** Milliseconds since the epoch (the nanosecond part's whole milliseconds included). */
    epochMs: sec * 1000 + Math.floor(nanos / 1e6),
    /** Nanoseconds since the epoch as a decimal string (OTLP's timeUnixNano). */
    unixNanos: (BigInt(sec) * 1_000_000_000n + BigInt(nanos)).toString(),
  };
}
