// Rows as the tail handles them: the LogRow the query predicate reads, and the JSON a client gets
// (docs/architecture.md, "A log row"), serialised once per row however many sockets receive it.
import { parseSerialisedRow } from '../ingest/decode/index.ts';
import { LOG_ROW_FIELDS, type LogRow } from '../logs-table/logs-table.ts';
import { uuidV7Ms } from './resume-point.ts';

export interface TailRow {
  readonly id: string;
  readonly appId: string;
  readonly row: LogRow;
  /** The API JSON, built on first use: a busy query's sample never sends most rows. */
  readonly json: string;
  /** Size for the buffer budgets: `json.length`, or a little above it without building it. */
  readonly bytes: number;
  /** When ingest received the row (from the UUIDv7 id): the start of POST → delivery latency. */
  readonly receivedAtMs: number;
}

/** What `"name":` adds per field when a positional row becomes an object. */
const FIELD_NAMES_BYTES = LOG_ROW_FIELDS.reduce((n, field) => n + field.length + 3, 0);

class LazyTailRow implements TailRow {
  readonly id: string;
  readonly appId: string;
  readonly bytes: number;
  private serialised: string | undefined;

  /** `sourceBytes`: the length of the published line the row was read from. */
  constructor(
    readonly row: LogRow,
    sourceBytes: number | undefined,
  ) {
    this.id = row.id;
    this.appId = row.app_id;
    this.bytes = sourceBytes === undefined ? this.json.length : sourceBytes + FIELD_NAMES_BYTES;
  }

  /** Read for a few sampled rows per frame (delivery latency), so not kept for every row. */
  get receivedAtMs(): number {
    return uuidV7Ms(this.id);
  }

  get json(): string {
    if (this.serialised === undefined) {
      const api: Record<string, unknown> = {};
      for (const field of LOG_ROW_FIELDS) api[field] = this.row[field];
      this.serialised = JSON.stringify(api);
    }
    return this.serialised;
  }
}

/** ClickHouse DateTime64 text 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn' (UTC) → RFC 3339. */
export function rfc3339(dateTime64: string): string {
  return dateTime64.includes(' ') ? `${dateTime64.replace(' ', 'T')}Z` : dateTime64;
}

/** The stored row as ingest publishes it and ClickHouse returns it: the same fields, DateTime64 text `ts`. */
type StoredShape = LogRow;

/** `sourceBytes`: the length of the published line the row was read from, if it was. */
export function toTailRow(stored: StoredShape, sourceBytes?: number): TailRow {
  const row: LogRow = {
    id: stored.id,
    ts: rfc3339(stored.ts),
    org_id: stored.org_id,
    app_id: stored.app_id,
    level: stored.level,
    service: stored.service,
    host: stored.host,
    message: stored.message,
    attributes: stored.attributes,
    resource: stored.resource,
    trace_id: stored.trace_id,
    span_id: stored.span_id,
    user_id: stored.user_id,
  };
  return new LazyTailRow(row, sourceBytes);
}

/**
 * The publisher's message: the request's serialised rows (src/modules/ingest/tail-publisher.ts);
 * JSONEachRow objects from an instance of the previous version still read during a deploy.
 * A line that does not parse is skipped: the tail is best effort, the stored rows are the truth.
 */
export function parsePublishedRows(payload: Buffer): TailRow[] {
  const rows: TailRow[] = [];
  for (const line of payload.toString('utf8').split('\n')) {
    if (line.length === 0) continue;
    try {
      const stored = line.startsWith('{') ? JSON.parse(line) : parseSerialisedRow(line);
      rows.push(toTailRow(stored as StoredShape, line.length));
    } catch {
      // see above
    }
  }
  return rows;
}
