// What a search reads from `logs`, in the order of the API's row shape (ARCHITECTURE.md, "a log
// row"). With OUTPUT_SETTINGS, ClickHouse writes that shape itself (ts as RFC 3339 with
// nanoseconds, UUIDs as text), so pages and exports pass rows through without rebuilding them.
import type { ClickHouseSettings } from '../../infra/clickhouse/store.ts';
import type { LogRow } from './query-language/index.ts';

export const LOG_ROW_COLUMNS =
  'id, ts, app_id, level, service, host, message, attributes, resource, trace_id, span_id, user_id';

/** CSV has no maps: attributes and resource become JSON text in their cells. */
export const LOG_CSV_COLUMNS =
  'id, ts, app_id, level, service, host, message, toJSONString(attributes) AS attributes, ' +
  'toJSONString(resource) AS resource, trace_id, span_id, user_id';

/** The CSV header line, written by us once (see exportWindow). */
export const LOG_CSV_HEADER = `${LOG_ROW_COLUMNS.split(', ')
  .map((name) => `"${name}"`)
  .join(',')}\n`;

export const OUTPUT_SETTINGS: ClickHouseSettings = {
  date_time_output_format: 'iso',
  output_format_json_escape_forward_slashes: 0,
};

/** The API's row (ARCHITECTURE.md "a log row"): the canonical row without org_id, `ts` in RFC 3339. */
export type LogRowJson = Omit<LogRow, 'org_id'>;
