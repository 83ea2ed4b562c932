// Per-tenant ingest counters: the ingest path adds to an in-memory map (one lookup per request, no
// I/O), and a timer writes the map to ClickHouse's ingest_stats (clickhouse/0007) as one insert.
// Prometheus has the same numbers without tenant labels; these are what a tenant's Ingest health
// dashboard and the usage reports read. A crash loses at most one flush interval of counts
// (the logs themselves are safe in Redis): counters, not a ledger.
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';

export const INGEST_STATS_TABLE = 'ingest_stats';
export const INGEST_STATS_COLUMNS = [
  'org_id',
  'app_id',
  'minute',
  'reason',
  'accepted_records',
  'accepted_bytes',
  'rejected_records',
  'rate_limited_records',
] as const;

/** Redactions per rule (clickhouse/0010); `reason` is the rule's name. */
export const REDACTION_STATS_TABLE = 'redaction_stats';
const REDACTION_STATS_COLUMNS = [
  'org_id',
  'app_id',
  'minute',
  'reason',
  'redacted_records',
  'redacted_values',
] as const;

interface Counters {
  orgId: string;
  appId: string;
  minuteS: number;
  reason: string;
  acceptedRecords: number;
  acceptedBytes: number;
  rejectedRecords: number;
  rateLimitedRecords: number;
  redactedRecords: number;
  redactedValues: number;
}

export interface IngestStatsRecorder {
  accepted(orgId: string, appId: string, records: number, bytes: number, nowMs: number): void;
  /** Records refused one by one (their error code) or as a batch that could not be queued. */
  rejected(orgId: string, appId: string, reason: string, records: number, nowMs: number): void;
  /** Records refused by the app's rate limit or daily quota (reason says which). */
  rateLimited(orgId: string, appId: string, reason: string, records: number, nowMs: number): void;
  /** What one redaction rule (by name) changed: records changed or dropped, values matched. */
  redacted(
    orgId: string,
    appId: string,
    rule: string,
    counts: { records: number; values: number },
    nowMs: number,
  ): void;
}

export interface IngestStats extends IngestStatsRecorder {
  /** Writes what was counted so far; the next counts start afresh. */
  flush(): Promise<void>;
  /** Stops the timer and flushes once more. */
  close(): Promise<void>;
}

export interface IngestStatsOptions {
  clickhouse: ClickHouseStore;
  flushIntervalMs: number;
  onError: (error: unknown) => void;
}

export function createIngestStats(options: IngestStatsOptions): IngestStats {
  // app → minute → reason: the app id string is the key cache's own instance, so V8 hashes it
  // once; a flat `${app}|${minute}|${reason}` key cost a fresh string and hash per request
  // (measured ~0.8 µs against ~0.1 µs for this on the 2-core box).
  let counters: CounterMap = new Map();
  // Redactions by rule name, apart: rule names and refusal reasons may coincide.
  let redactions: CounterMap = new Map();

  const entry = (
    orgId: string,
    appId: string,
    reason: string,
    nowMs: number,
    table = counters,
  ): Counters => {
    const minuteS = Math.floor(nowMs / 60_000) * 60;
    let minutes = table.get(appId);
    if (minutes === undefined) {
      minutes = new Map();
      table.set(appId, minutes);
    }
    let reasons = minutes.get(minuteS);
    if (reasons === undefined) {
      reasons = new Map();
      minutes.set(minuteS, reasons);
    }
    let c = reasons.get(reason);
    if (c === undefined) {
      c = {
        orgId,
        appId,
        minuteS,
        reason,
        acceptedRecords: 0,
        acceptedBytes: 0,
        rejectedRecords: 0,
        rateLimitedRecords: 0,
        redactedRecords: 0,
        redactedValues: 0,
      };
      reasons.set(reason, c);
    }
    return c;
  };

  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    const batch = counters;
    const redacted = redactions;
    if (batch.size === 0 && redacted.size === 0) return flushing;
    counters = new Map();
    redactions = new Map();
    // Flushes run one after another so a slow insert never overlaps the next.
    flushing = flushing
      .then(async () => {
        if (batch.size > 0) await write(options.clickhouse, batch);
        if (redacted.size > 0) await writeRedactions(options.clickhouse, redacted);
      })
      .catch(options.onError);
    return flushing;
  };
  const timer = setInterval(() => void flush(), options.flushIntervalMs);
  timer.unref();

  return {
    accepted(orgId, appId, records, bytes, nowMs) {
      const c = entry(orgId, appId, '', nowMs);
      c.acceptedRecords += records;
      c.acceptedBytes += bytes;
    },
    rejected(orgId, appId, reason, records, nowMs) {
      entry(orgId, appId, reason, nowMs).rejectedRecords += records;
    },
    rateLimited(orgId, appId, reason, records, nowMs) {
      entry(orgId, appId, reason, nowMs).rateLimitedRecords += records;
    },
    redacted(orgId, appId, rule, counts, nowMs) {
      const c = entry(orgId, appId, rule, nowMs, redactions);
      c.redactedRecords += counts.records;
      c.redactedValues += counts.values;
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

type CounterMap = Map<string, Map<number, Map<string, Counters>>>;

const entries = (batch: CounterMap): Counters[] =>
  [...batch.values()].flatMap((minutes) =>
    [...minutes.values()].flatMap((reasons) => [...reasons.values()]),
  );

async function writeRedactions(clickhouse: ClickHouseStore, batch: CounterMap): Promise<void> {
  const lines = entries(batch).map((c) =>
    JSON.stringify([c.orgId, c.appId, c.minuteS, c.reason, c.redactedRecords, c.redactedValues]),
  );
  await clickhouse.insertRaw(
    REDACTION_STATS_TABLE,
    Buffer.from(`${lines.join('\n')}\n`),
    {},
    { format: 'JSONCompactEachRow', columns: REDACTION_STATS_COLUMNS },
  );
}

async function write(clickhouse: ClickHouseStore, batch: CounterMap): Promise<void> {
  const lines = entries(batch).map((c) =>
    JSON.stringify([
      c.orgId,
      c.appId,
      c.minuteS,
      c.reason,
      c.acceptedRecords,
      c.acceptedBytes,
      c.rejectedRecords,
      c.rateLimitedRecords,
    ]),
  );
  await clickhouse.insertRaw(
    INGEST_STATS_TABLE,
    Buffer.from(`${lines.join('\n')}\n`),
    {},
    { format: 'JSONCompactEachRow', columns: INGEST_STATS_COLUMNS },
  );
}
