/** A log row as the live tail sees it: the canonical ingest row, all scalars as strings. */
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
