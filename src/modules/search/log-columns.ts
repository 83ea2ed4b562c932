// What a search reads from `logs`, in the order of the API's row shape (docs/architecture.md, "a log
// row"). With OUTPUT_SETTINGS, ClickHouse writes that shape itself (ts as RFC 3339 with
// nanoseconds, UUIDs as text), so pages and exports pass rows through without rebuilding them.
import type { ClickHouseSettings } from '../../infra/clickhouse/store.ts';
import type { LogRow } from './query-language/index.ts';

export const LOG_ROW_COLUMNS =
  'id, ts, app_id, level, service, host, message, attributes, resource, trace_id, span_id, user_id';

/**
 * A CSV cell a spreadsheet would run as a formula (OWASP "CSV injection": a leading =, +, -, @,
 * tab or CR) gets a leading apostrophe, which spreadsheets show as text. Only CSV: NDJSON keeps
 * every value as stored.
 */
function csvText(column: string): string {
  return `if(match(${column}, '^[-=+@\\t\\r]'), concat('\\'', ${column}), ${column}) AS csv_${column}`;
}

/**
 * CSV has no maps: attributes and resource become JSON text in their cells. Aliases never reuse a
 * column name: ClickHouse substitutes aliases in WHERE too, so `toJSONString(attributes) AS
 * attributes` made `attributes['k']` read a String (a 500) and resource filters match nothing.
 * CSV carries no names (we write the header), so the aliases are never seen.
 */
export const LOG_CSV_COLUMNS = [
  'id',
  'ts',
  'app_id',
  csvText('level'),
  csvText('service'),
  csvText('host'),
  csvText('message'),
  'toJSONString(attributes) AS csv_attributes',
  'toJSONString(resource) AS csv_resource',
  csvText('trace_id'),
  csvText('span_id'),
  csvText('user_id'),
].join(', ');

/** The CSV header line, written by us once (see exportWindow). */
export const LOG_CSV_HEADER = `${LOG_ROW_COLUMNS.split(', ')
  .map((name) => `"${name}"`)
  .join(',')}\n`;

export const OUTPUT_SETTINGS: ClickHouseSettings = {
  date_time_output_format: 'iso',
  output_format_json_escape_forward_slashes: 0,
};

/** The API's row (docs/architecture.md, "A log row"): the canonical row without org_id, `ts` in RFC 3339. */
export type LogRowJson = Omit<LogRow, 'org_id'>;
