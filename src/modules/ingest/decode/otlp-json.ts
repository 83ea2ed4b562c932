import { bodyText, tooManyRecords } from './body-text.ts';
import type { DecodeBudget } from './decode-budget.ts';
import type { RecordRejection } from './ingest-errors.ts';
import { IngestInputError } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { countRecordElements, parseJsonText } from './json-body.ts';
import {
  OtlpRecordProblem,
  hexId,
  int64Value,
  nestingProblem,
  newJsonObject,
  resourceFrom,
  severityNumberFromJson,
  typeProblem,
} from './otlp-common.ts';
import { isPlainObject } from './raw-record.ts';
import type {
  DecodeResult,
  JsonObject,
  OtlpRawRecord,
  OtlpResource,
  RawRecord,
} from './raw-record.ts';

function arrayField(obj: JsonObject, name: string, where: string): unknown[] {
  const v = obj[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new IngestInputError(400, 'invalid_otlp', `${where}.${name} must be an array`);
  return v;
}

export function stringField(obj: JsonObject, name: string): string {
  const v = obj[name];
  return typeof v === 'string' ? v : '';
}

function nanosField(obj: JsonObject, name: string): string {
  const v = obj[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'invalid';
  if (v === undefined || v === null) return '';
  throw typeProblem(`'${name}' must be a decimal string`);
}

/**
 * A scalar AnyValue's JSON as text: strings as they are, numbers and booleans in their JSON form,
 * null as the proto3 default. An object or array here is the sender's error (String() of one can
 * even throw), so it rejects the record.
 */
function scalarText(value: unknown, field: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      if (value === null) return '';
      throw typeProblem(`${field} must be a string or a number`);
  }
}

function anyValue(v: unknown, level: number, max: number): unknown {
  if (!isPlainObject(v)) return undefined;
  if ('stringValue' in v) return scalarText(v.stringValue, 'stringValue');
  if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
  if ('intValue' in v) return int64Value(scalarText(v.intValue, 'intValue') || '0');
  if ('doubleValue' in v)
    return typeof v.doubleValue === 'number'
      ? v.doubleValue
      : Number(scalarText(v.doubleValue, 'doubleValue'));
  if ('bytesValue' in v) return scalarText(v.bytesValue, 'bytesValue');
  if ('arrayValue' in v) {
    if (level > max) throw nestingProblem(max);
    const values = isPlainObject(v.arrayValue) ? v.arrayValue.values : undefined;
    if (values === undefined) return [];
    if (!Array.isArray(values)) throw typeProblem('arrayValue.values must be an array');
    return values.map((item) => anyValue(item, level + 1, max) ?? null);
  }
  if ('kvlistValue' in v) {
    if (level > max) throw nestingProblem(max);
    const values = isPlainObject(v.kvlistValue) ? v.kvlistValue.values : undefined;
    return keyValues(values, level + 1, max);
  }
  return undefined;
}

/** KeyValue[] → object; `level` is the nesting level of the values. */
function keyValues(list: unknown, level: number, max: number): JsonObject {
  const out = newJsonObject();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw typeProblem('a KeyValue list must be an array');
  for (const kv of list) {
    if (!isPlainObject(kv) || typeof kv.key !== 'string')
      throw typeProblem('a KeyValue needs a string key');
    out[kv.key] = anyValue(kv.value, level, max);
  }
  return out;
}

/** The resource of a ResourceLogs object (the OTLP/JSON fast path passes `{ resource }`). */
export function resourceOf(rl: JsonObject, limits: IngestLimits): OtlpResource {
  const r = rl.resource;
  return resourceFrom(() =>
    isPlainObject(r) ? keyValues(r.attributes, 1, limits.maxNestingDepth) : newJsonObject(),
  );
}

function logRecord(
  lr: unknown,
  resource: OtlpResource,
  scope: JsonObject,
  limits: IngestLimits,
): OtlpRawRecord {
  if (!isPlainObject(lr)) throw typeProblem('a logRecord must be an object');
  const max = limits.maxNestingDepth;
  return {
    source: 'otlp',
    timeUnixNano: nanosField(lr, 'timeUnixNano'),
    observedTimeUnixNano: nanosField(lr, 'observedTimeUnixNano'),
    severityNumber: severityNumberFromJson(lr.severityNumber),
    severityText: stringField(lr, 'severityText'),
    body: anyValue(lr.body, 1, max),
    attributes: keyValues(lr.attributes, 1, max),
    resource,
    scopeName: stringField(scope, 'name'),
    scopeVersion: stringField(scope, 'version'),
    traceId: hexId(stringField(lr, 'traceId')),
    spanId: hexId(stringField(lr, 'spanId')),
  };
}

/** One parsed logRecords[] element: the record, or why it is rejected on its own. */
export function decodeLogRecordJson(
  lr: unknown,
  resource: OtlpResource,
  scope: JsonObject,
  limits: IngestLimits,
): OtlpRawRecord | RecordRejection {
  try {
    return logRecord(lr, resource, scope, limits);
  } catch (err) {
    if (!(err instanceof OtlpRecordProblem)) throw err;
    return err.rejection;
  }
}

/** An OTLP/HTTP JSON ExportLogsServiceRequest (lowerCamelCase keys, hex ids, int64 as strings). */
export function decodeOtlpJsonValue(
  root: unknown,
  limits: IngestLimits,
  budget: DecodeBudget,
): DecodeResult {
  if (!isPlainObject(root))
    throw new IngestInputError(
      400,
      'invalid_otlp',
      'an ExportLogsServiceRequest must be a JSON object',
    );
  const records: (RawRecord | RecordRejection)[] = [];
  for (const rl of arrayField(root, 'resourceLogs', 'request')) {
    if (!isPlainObject(rl))
      throw new IngestInputError(400, 'invalid_otlp', 'resourceLogs[] must hold objects');
    const resource = resourceOf(rl, limits);
    for (const sl of arrayField(rl, 'scopeLogs', 'resourceLogs[]')) {
      if (!isPlainObject(sl))
        throw new IngestInputError(400, 'invalid_otlp', 'scopeLogs[] must hold objects');
      const scope = isPlainObject(sl.scope) ? sl.scope : newJsonObject();
      for (const lr of arrayField(sl, 'logRecords', 'scopeLogs[]')) {
        if (records.length >= limits.maxRecordsPerRequest) throw tooManyRecords(limits);
        budget.tick();
        records.push(decodeLogRecordJson(lr, resource, scope, limits));
      }
    }
  }
  return { records };
}

/** Where OTLP/JSON keeps its records: resourceLogs[].scopeLogs[].logRecords[]. */
const RECORDS_PATH = ['resourceLogs', '*', 'scopeLogs', '*', 'logRecords'];

export function decodeOtlpJson(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
): DecodeResult {
  countRecordElements(body, RECORDS_PATH, limits, budget);
  return decodeOtlpJsonValue(parseJsonText(bodyText(body)), limits, budget);
}
