// How a search writes the logs table's API row (LOG_ROW_COLUMNS, src/modules/logs-table). With
// OUTPUT_SETTINGS, ClickHouse writes that shape itself (ts as RFC 3339 with nanoseconds, UUIDs as
// text), so pages and exports pass rows through without rebuilding them.
import type { ClickHouseSettings } from '../../infra/clickhouse/store.ts';
import { LOG_ROW_FIELDS } from '../logs-table/logs-table.ts';

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
const CSV_PLAIN = new Set<string>(['id', 'ts', 'app_id']);
const CSV_MAPS = new Set<string>(['attributes', 'resource']);
export const LOG_CSV_COLUMNS = LOG_ROW_FIELDS.map((name) =>
  CSV_PLAIN.has(name)
    ? name
    : CSV_MAPS.has(name)
      ? `toJSONString(${name}) AS csv_${name}`
      : csvText(name),
).join(', ');

/** The CSV header line, written by us once (see exportWindow). */
export const LOG_CSV_HEADER = `${LOG_ROW_FIELDS.map((name) => `"${name}"`).join(',')}\n`;

export const OUTPUT_SETTINGS: ClickHouseSettings = {
  date_time_output_format: 'iso',
  output_format_json_escape_forward_slashes: 0,
};
