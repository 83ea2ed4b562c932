import type { RawInsertTarget } from '../../../infra/clickhouse/store.ts';
import type { CanonicalRow } from './normalise-record.ts';

/** The tenant columns the caller adds to every row of one request. */
export interface TenantColumns {
  readonly org_id: string;
  readonly app_id: string;
  readonly retention_days: number;
}

const CHUNK_CHARS = 256 * 1024;

/**
 * The payload format of the ingest pipeline: what ingest serialises, the worker inserts and the
 * live tail reads. JSONCompactEachRow (one JSON array per row, values in INSERT_COLUMNS order)
 * rather than JSONEachRow: ClickHouse parses it with ~20 % less CPU because it matches no keys,
 * and the payload is ~28 % smaller in Redis and its fsync'd log (bench/lib/chdb-insert-probe.ts).
 */
export const INSERT_FORMAT = 'JSONCompactEachRow';

/** The logs-table columns of a serialised row, in order (attr_kv is MATERIALIZED: not sent). */
export const INSERT_COLUMNS = [
  'org_id',
  'app_id',
  'ts',
  'observed_ts',
  'id',
  'level',
  'severity_number',
  'service',
  'host',
  'message',
  'attributes',
  'resource',
  'trace_id',
  'span_id',
  'user_id',
  'retention_days',
] as const;

/** What the insert of serialised rows tells ClickHouse. */
export const INSERT_TARGET: RawInsertTarget = { format: INSERT_FORMAT, columns: INSERT_COLUMNS };

export type SerialisedRow = Record<(typeof INSERT_COLUMNS)[number], unknown>;

/**
 * Rows → INSERT_FORMAT bytes, one array per line. ts, observed_ts, id and level are built by the
 * normaliser from digits, hex and fixed words, so they are written without escaping; every
 * sender-controlled string goes through JSON.stringify (control characters become \u escapes and
 * are kept as data).
 */
export function serialiseRows(rows: readonly CanonicalRow[], tenant: TenantColumns): Buffer {
  if (
    !Number.isInteger(tenant.retention_days) ||
    tenant.retention_days < 0 ||
    tenant.retention_days > 65_535
  ) {
    throw new RangeError(`retention_days must be a UInt16, got ${tenant.retention_days}`);
  }
  const head = '[' + JSON.stringify(tenant.org_id) + ',' + JSON.stringify(tenant.app_id) + ',"';
  const tail = ',' + String(tenant.retention_days) + ']\n';
  // OTLP rows of one resource share their resource map object: stringify it once.
  let lastResource: object | undefined;
  let lastResourceJson = '{}';
  // Rows are joined into ~256 KiB strings, each encoded once: one huge concatenated string
  // would be flattened at the end and double the peak memory of a large batch.
  const chunks: Buffer[] = [];
  let out = '';
  for (const row of rows) {
    if (row.resource !== lastResource) {
      lastResource = row.resource;
      lastResourceJson = JSON.stringify(row.resource);
    }
    out +=
      head +
      row.ts +
      '","' +
      row.observed_ts +
      '","' +
      row.id +
      '","' +
      row.level +
      '",' +
      row.severity_number +
      ',' +
      JSON.stringify(row.service) +
      ',' +
      JSON.stringify(row.host) +
      ',' +
      JSON.stringify(row.message) +
      ',' +
      JSON.stringify(row.attributes) +
      ',' +
      lastResourceJson +
      ',' +
      JSON.stringify(row.trace_id) +
      ',' +
      JSON.stringify(row.span_id) +
      ',' +
      JSON.stringify(row.user_id) +
      tail;
    if (out.length > CHUNK_CHARS) {
      chunks.push(Buffer.from(out, 'utf8'));
      out = '';
    }
  }
  if (out.length > 0) chunks.push(Buffer.from(out, 'utf8'));
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** One serialised line back to named columns (the live tail reads published rows with it). */
export function parseSerialisedRow(line: string): SerialisedRow {
  const values = JSON.parse(line) as unknown;
  if (!Array.isArray(values) || values.length !== INSERT_COLUMNS.length) {
    throw new SyntaxError(`not a ${INSERT_FORMAT} logs row`);
  }
  const row = {} as SerialisedRow;
  for (let i = 0; i < INSERT_COLUMNS.length; i++)
    row[INSERT_COLUMNS[i] as keyof SerialisedRow] = values[i];
  return row;
}
