// The row of the `logs` table as the application sees it. Types only and no imports: the SPA
// imports this file (src/web/src/lib/types.ts), so the server and the browser share one shape.

/** A row as ingest publishes it to the live tail and the query predicate reads it: all scalars as strings. */
export interface LogRow {
  id: string;
  ts: string;
  org_id: string;
  app_id: string;
  level: string;
  service: string;
  host: string;
  message: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  trace_id: string;
  span_id: string;
  user_id: string;
}

/** The API's row (docs/architecture.md, "A log row"): the canonical row without org_id, `ts` in RFC 3339. */
export type LogRowJson = Omit<LogRow, 'org_id'>;
