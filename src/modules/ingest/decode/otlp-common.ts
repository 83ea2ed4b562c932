import { RecordRejection } from './ingest-errors.ts';
import type { JsonObject, OtlpResource } from './raw-record.ts';

/** Thrown inside AnyValue conversion and caught per record, so one bad record rejects only itself. */
export class OtlpRecordProblem extends Error {
  constructor(readonly rejection: RecordRejection) {
    super(rejection.error);
  }
}

export function nestingProblem(max: number): OtlpRecordProblem {
  return new OtlpRecordProblem(
    new RecordRejection('nesting_too_deep', `an AnyValue is nested deeper than ${max} levels`),
  );
}

export function typeProblem(what: string): OtlpRecordProblem {
  return new OtlpRecordProblem(new RecordRejection('invalid_field_type', what));
}

/**
 * A resource whose attributes cannot be read (too deep, wrong type) rejects every record under it
 * with the reason, through the normaliser's cache, instead of failing the whole request.
 */
export function resourceFrom(readAttributes: () => JsonObject): OtlpResource {
  try {
    return { attributes: readAttributes() };
  } catch (err) {
    if (!(err instanceof OtlpRecordProblem)) throw err;
    return { attributes: newJsonObject(), flattened: err.rejection };
  }
}

/** A null-prototype object, so a KeyValue key of `__proto__` is just a key. */
export function newJsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

const SAFE_INT = /^-?\d{1,15}$/;

/** int64 as a JS number when exact, else as its decimal text (which is what a search would match). */
export function int64Value(text: string): number | string {
  return SAFE_INT.test(text) || Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

const HEX_ID = /^[0-9a-fA-F]*$/;
const ZERO_ID = /^0*$/;

/** trace/span id as lowercase hex; the all-zero id is OTLP's "no id". */
export function hexId(hex: string): string {
  if (ZERO_ID.test(hex)) return '';
  if (HEX_ID.test(hex)) return hex.toLowerCase();
  // Some older exporters wrote ids as base64 (the generic protobuf JSON mapping for bytes).
  const bytes = Buffer.from(hex, 'base64');
  return bytes.length === 16 || bytes.length === 8 ? bytes.toString('hex') : hex.toLowerCase();
}

export function bytesToHexId(bytes: unknown): string {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return '';
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return ZERO_ID.test(hex) ? '' : hex;
}

const SEVERITY_NAMES = [
  'UNSPECIFIED',
  'TRACE',
  'TRACE2',
  'TRACE3',
  'TRACE4',
  'DEBUG',
  'DEBUG2',
  'DEBUG3',
  'DEBUG4',
  'INFO',
  'INFO2',
  'INFO3',
  'INFO4',
  'WARN',
  'WARN2',
  'WARN3',
  'WARN4',
  'ERROR',
  'ERROR2',
  'ERROR3',
  'ERROR4',
  'FATAL',
  'FATAL2',
  'FATAL3',
  'FATAL4',
];

/** OTLP/JSON writes enums as integers, but generic protobuf JSON writers use the enum name. */
export function severityNumberFromJson(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const i = SEVERITY_NAMES.indexOf(v.replace(/^SEVERITY_NUMBER_/, ''));
    return i === -1 ? Number(v) || 0 : i;
  }
  return 0;
}
