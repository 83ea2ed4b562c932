import protobuf from 'protobufjs';
import { tooManyRecords } from './body-text.ts';
import type { DecodeBudget } from './decode-budget.ts';
import { IngestInputError } from './ingest-errors.ts';
import type { RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import {
  OtlpRecordProblem,
  bytesToHexId,
  int64Value,
  nestingProblem,
  newJsonObject,
  resourceFrom,
} from './otlp-common.ts';
import type {
  DecodeResult,
  JsonObject,
  OtlpRawRecord,
  OtlpResource,
  RawRecord,
} from './raw-record.ts';

/*
 * The OTLP logs schema (opentelemetry-proto, collector/logs/v1 + logs/v1 + common/v1 + resource/v1),
 * written with protobufjs' reflection JSON: field numbers and wire types are what matter, so no
 * .proto file or codegen step is needed. SeverityNumber is read as int32 (same wire type as the
 * enum) so that unknown values pass through as numbers. Unused fields (schema_url, dropped counts,
 * flags, event_name) are left out: the decoder skips unknown fields.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    ExportLogsServiceRequest: {
      fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } },
    },
    ResourceLogs: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
      },
    },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    ScopeLogs: {
      fields: {
        scope: { type: 'InstrumentationScope', id: 1 },
        logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
      },
    },
    InstrumentationScope: {
      fields: { name: { type: 'string', id: 1 }, version: { type: 'string', id: 2 } },
    },
    LogRecord: {
      fields: {
        timeUnixNano: { type: 'fixed64', id: 1 },
        observedTimeUnixNano: { type: 'fixed64', id: 11 },
        severityNumber: { type: 'int32', id: 2 },
        severityText: { type: 'string', id: 3 },
        body: { type: 'AnyValue', id: 5 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 6 },
        traceId: { type: 'bytes', id: 9 },
        spanId: { type: 'bytes', id: 10 },
      },
    },
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            'stringValue',
            'boolValue',
            'intValue',
            'doubleValue',
            'arrayValue',
            'kvlistValue',
            'bytesValue',
          ],
        },
      },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
        kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
  },
});
const Resource = root.lookupType('Resource');
const InstrumentationScope = root.lookupType('InstrumentationScope');
const LogRecord = root.lookupType('LogRecord');

/* Shapes of the decoded messages: set fields are own properties, unset ones prototype defaults. */
interface PbLong {
  toString(): string;
}
interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | PbLong;
  doubleValue?: number;
  arrayValue?: { values: PbAnyValue[] };
  kvlistValue?: { values: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}
interface PbLogRecord {
  timeUnixNano: number | PbLong;
  observedTimeUnixNano: number | PbLong;
  severityNumber: number;
  severityText: string;
  body?: PbAnyValue | null;
  attributes: PbKeyValue[];
  traceId: Uint8Array;
  spanId: Uint8Array;
}

function anyValue(v: PbAnyValue | null | undefined, level: number, max: number): unknown {
  switch (v?.value) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return int64Value(String(v.intValue));
    case 'doubleValue':
      return v.doubleValue;
    case 'bytesValue':
      return Buffer.from(v.bytesValue ?? []).toString('base64');
    case 'arrayValue':
      if (level > max) throw nestingProblem(max);
      return (v.arrayValue?.values ?? []).map((item) => anyValue(item, level + 1, max) ?? null);
    case 'kvlistValue':
      if (level > max) throw nestingProblem(max);
      return keyValues(v.kvlistValue?.values ?? [], level + 1, max);
    default:
      return undefined;
  }
}

function keyValues(list: PbKeyValue[], level: number, max: number): JsonObject {
  const out = newJsonObject();
  for (const kv of list) out[kv.key] = anyValue(kv.value, level, max);
  return out;
}

function resourceOf(attributes: PbKeyValue[], limits: IngestLimits): OtlpResource {
  return resourceFrom(() => keyValues(attributes, 1, limits.maxNestingDepth));
}

function logRecord(lr: PbLogRecord, group: RecordGroup, max: number): OtlpRawRecord {
  const { resource, scopeName, scopeVersion } = group;
  return {
    source: 'otlp',
    // fixed64 arrives as an unsigned Long; its decimal text is OTLP/JSON's form of the same value.
    timeUnixNano: String(lr.timeUnixNano),
    observedTimeUnixNano: String(lr.observedTimeUnixNano),
    severityNumber: lr.severityNumber,
    severityText: lr.severityText,
    body: anyValue(lr.body, 1, max),
    attributes: keyValues(lr.attributes, 1, max),
    resource,
    scopeName,
    scopeVersion,
    traceId: bytesToHexId(lr.traceId),
    spanId: bytesToHexId(lr.spanId),
  };
}

/** Wire type of length-delimited fields: embedded messages, strings, bytes. */
const LENGTH_DELIMITED = 2;

export interface ProtobufDecode {
  readonly reader: protobuf.Reader;
  readonly limits: IngestLimits;
  readonly budget: DecodeBudget;
  /** Messages found so far per level (resourceLogs, scopeLogs, logRecords), each ≤ the record limit. */
  readonly found: [number, number, number];
}

/** The ResourceLogs and ScopeLogs around a LogRecord: one object per ScopeLogs. */
export interface RecordGroup {
  readonly resource: OtlpResource;
  readonly scopeName: string;
  readonly scopeVersion: string;
}

/** What a walk over the request does with each LogRecord, in order. */
export type LogRecordVisitor = (d: ProtobufDecode, span: Span, group: RecordGroup) => void;

/** Where a message sits in the body: [start, end) of its content. */
export type Span = readonly [number, number];

/**
 * One pass over the fields between the reader's position and `end`: the span of the last
 * `headerField` message (resource or scope, which may come before or after the rest) and the spans
 * of the `itemField` messages, counted at `level` as they are found so that a body of millions of
 * tiny messages is refused before any is built. Every other field is skipped.
 */
function scan(
  d: ProtobufDecode,
  end: number,
  headerField: number | undefined,
  itemField: number,
  level: 0 | 1 | 2,
): { header: Span | undefined; items: Span[] } {
  const { reader } = d;
  let header: Span | undefined;
  const items: Span[] = [];
  while (reader.pos < end) {
    d.budget.tick();
    const tag = reader.uint32();
    const field = tag >>> 3;
    if ((tag & 7) !== LENGTH_DELIMITED || (field !== headerField && field !== itemField)) {
      reader.skipType(tag & 7);
      continue;
    }
    const length = reader.uint32();
    const span: Span = [reader.pos, reader.pos + length];
    if (span[1] > end) throw new RangeError(`a field runs past its message at ${reader.pos}`);
    if (field === itemField) {
      if (++d.found[level] > d.limits.maxRecordsPerRequest) throw tooManyRecords(d.limits);
      items.push(span);
    } else header = span;
    reader.pos = span[1];
  }
  return { header, items };
}

function decodeAt<T>(d: ProtobufDecode, type: protobuf.Type, [start, end]: Span): T {
  d.reader.pos = start;
  return type.decode(d.reader, end - start) as unknown as T;
}

/** The LogRecord at `span` as the general path's record (or its rejection). */
export function decodeLogRecord(
  d: ProtobufDecode,
  span: Span,
  group: RecordGroup,
): RawRecord | RecordRejection {
  const lr = decodeAt<PbLogRecord>(d, LogRecord, span);
  try {
    return logRecord(lr, group, d.limits.maxNestingDepth);
  } catch (err) {
    if (!(err instanceof OtlpRecordProblem)) throw err;
    return err.rejection;
  }
}

function readScopeLogs(
  d: ProtobufDecode,
  [start, end]: Span,
  resource: OtlpResource,
  visit: LogRecordVisitor,
): void {
  d.reader.pos = start;
  const { header, items } = scan(d, end, 1, 2, 2);
  const scope =
    header && decodeAt<{ name: string; version: string }>(d, InstrumentationScope, header);
  const group: RecordGroup = {
    resource,
    scopeName: scope?.name ?? '',
    scopeVersion: scope?.version ?? '',
  };
  for (const span of items) {
    d.budget.tick();
    visit(d, span, group);
  }
}

function readResourceLogs(d: ProtobufDecode, [start, end]: Span, visit: LogRecordVisitor): void {
  d.reader.pos = start;
  const { header, items } = scan(d, end, 1, 2, 1);
  const found = header && decodeAt<{ attributes: PbKeyValue[] }>(d, Resource, header);
  const resource = resourceOf(found?.attributes ?? [], d.limits);
  for (const span of items) readScopeLogs(d, span, resource, visit);
}

/**
 * Walks an OTLP/HTTP protobuf ExportLogsServiceRequest message by message, so that records (and
 * the groups holding them) are counted, and the limit enforced, before any is decoded; `visit`
 * gets each LogRecord. A body that is not one → 400.
 */
export function walkOtlpProtobuf(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
  visit: LogRecordVisitor,
): void {
  const reader = protobuf.Reader.create(body);
  const d: ProtobufDecode = { reader, limits, budget, found: [0, 0, 0] };
  try {
    for (const span of scan(d, reader.len, undefined, 1, 0).items) readResourceLogs(d, span, visit);
  } catch (err) {
    if (err instanceof IngestInputError) throw err;
    // Also catches the stack overflow of absurdly nested AnyValues inside protobufjs.
    throw new IngestInputError(
      400,
      'invalid_protobuf',
      `the body is not an OTLP ExportLogsServiceRequest: ${(err as Error).message}`,
    );
  }
}

/** The request's records for the general path (decodeIngestBody). */
export function decodeOtlpProtobuf(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
): DecodeResult {
  const records: (RawRecord | RecordRejection)[] = [];
  walkOtlpProtobuf(body, limits, budget, (d, span, group) =>
    records.push(decodeLogRecord(d, span, group)),
  );
  return { records };
}
