import type { RecordRejection } from './ingest-errors.ts';

export type JsonObject = { [key: string]: unknown };

/** A record from a JSON, NDJSON or Elasticsearch bulk body: the sender's object as parsed. */
export interface JsonRawRecord {
  readonly source: 'json';
  readonly fields: JsonObject;
}

/** Shared by every record of one OTLP ResourceLogs; the normaliser caches its flattened form. */
export interface OtlpResource {
  readonly attributes: JsonObject;
  flattened?: Readonly<Record<string, string>> | RecordRejection;
}

/**
 * A record from OTLP (JSON or protobuf), already reduced to plain values: AnyValue → JS value
 * (kvlist → object, array → array, int → number when safe else decimal string, bytes → base64),
 * ids → lowercase hex, times → decimal nanosecond strings as OTLP/JSON writes them.
 */
export interface OtlpRawRecord {
  readonly source: 'otlp';
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: unknown;
  readonly attributes: JsonObject;
  readonly resource: OtlpResource;
  readonly scopeName: string;
  readonly scopeVersion: string;
  readonly traceId: string;
  readonly spanId: string;
}

export type RawRecord = JsonRawRecord | OtlpRawRecord;

/** A decoder's answer: one entry per record index, either the record or why it was rejected. */
export interface DecodeResult {
  readonly records: (RawRecord | RecordRejection)[];
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
