import type { CanonicalRow } from './normalise-record.ts';

/** The tenant columns the caller adds to every row of one request. */
export interface TenantColumns {
  readonly org_id: string;
  readonly app_id: string;
  readonly retention_days: number;
}

const CHUNK_CHARS = 256 * 1024;

/**
 * Rows → JSONEachRow bytes for `INSERT INTO logs FORMAT JSONEachRow`, one object per line, keys
 * in table column order. ts, observed_ts, id and level are built by the normaliser from digits,
 * hex and fixed words, so they are written without escaping; every sender-controlled string goes
 * through JSON.stringify (control characters become \u escapes and are kept as data).
 */
export function serialiseRows(rows: readonly CanonicalRow[], tenant: TenantColumns): Buffer {
  if (
    !Number.isInteger(tenant.retention_days) ||
    tenant.retention_days < 0 ||
    tenant.retention_days > 65_535
  ) {
    throw new RangeError(`retention_days must be a UInt16, got ${tenant.retention_days}`);
  }
  const head =
    '{"org_id":' +
    JSON.stringify(tenant.org_id) +
    ',"app_id":' +
    JSON.stringify(tenant.app_id) +
    ',"ts":"';
  const tail = ',"retention_days":' + String(tenant.retention_days) + '}\n';
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
      '","observed_ts":"' +
      row.observed_ts +
      '","id":"' +
      row.id +
      '","level":"' +
      row.level +
      '","severity_number":' +
      row.severity_number +
      ',"service":' +
      JSON.stringify(row.service) +
      ',"host":' +
      JSON.stringify(row.host) +
      ',"message":' +
      JSON.stringify(row.message) +
      ',"attributes":' +
      JSON.stringify(row.attributes) +
      ',"resource":' +
      lastResourceJson +
      ',"trace_id":' +
      JSON.stringify(row.trace_id) +
      ',"span_id":' +
      JSON.stringify(row.span_id) +
      ',"user_id":' +
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
