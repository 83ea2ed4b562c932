// Rows as the tail handles them: the LogRow the query predicate reads, and the JSON a client gets
// (docs/architecture.md, "A log row"), serialised once per row however many sockets receive it.
import { parseSerialisedRow } from '../ingest/decode/index.ts';
import { LOG_ROW_FIELDS, type LogRow } from '../logs-table/logs-table.ts';
import { uuidV7Ms } from './resume-point.ts';

export interface TailRow {
  readonly id: string;
  readonly appId: string;
  readonly row: LogRow;
  readonly json: string;
  /** When ingest received the row (from the UUIDv7 id): the start of POST → delivery latency. */
  readonly receivedAtMs: number;
}

/** ClickHouse DateTime64 text 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn' (UTC) → RFC 3339. */
export function rfc3339(dateTime64: string): string {
  return dateTime64.includes(' ') ? `${dateTime64.replace(' ', 'T')}Z` : dateTime64;
}

/** The stored row as ingest publishes it and ClickHouse returns it: the same fields, DateTime64 text `ts`. */
type StoredShape = LogRow;

export function toTailRow(stored: StoredShape): TailRow {
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
  const api: Record<string, unknown> = {};
  for (const field of LOG_ROW_FIELDS) api[field] = row[field];
  const json = JSON.stringify(api);
  return { id: row.id, appId: row.app_id, row, json, receivedAtMs: uuidV7Ms(row.id) };
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
      rows.push(toTailRow(stored as StoredShape));
    } catch {
      // see above
    }
  }
  return rows;
}
