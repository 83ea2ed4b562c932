import protobuf from 'protobufjs';
import { tooManyRecords } from './body-text.ts';
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
const ExportLogsServiceRequest = root.lookupType('ExportLogsServiceRequest');

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
interface PbRequest {
  resourceLogs: {
    resource?: { attributes: PbKeyValue[] } | null;
    scopeLogs: { scope?: { name: string; version: string } | null; logRecords: PbLogRecord[] }[];
  }[];
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

function logRecord(
  lr: PbLogRecord,
  resource: OtlpResource,
  scopeName: string,
  scopeVersion: string,
  max: number,
): OtlpRawRecord {
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

/** An OTLP/HTTP protobuf ExportLogsServiceRequest. A body that is not one → 400. */
export function decodeOtlpProtobuf(body: Buffer, limits: IngestLimits): DecodeResult {
  let request: PbRequest;
  try {
    request = ExportLogsServiceRequest.decode(body) as unknown as PbRequest;
  } catch (err) {
    // Also catches the stack overflow of absurdly nested AnyValues inside protobufjs.
    throw new IngestInputError(
      400,
      'invalid_protobuf',
      `the body is not an OTLP ExportLogsServiceRequest: ${(err as Error).message}`,
    );
  }
  const records: (RawRecord | RecordRejection)[] = [];
  for (const rl of request.resourceLogs) {
    const resource = resourceOf(rl.resource?.attributes ?? [], limits);
    for (const sl of rl.scopeLogs) {
      const scopeName = sl.scope?.name ?? '';
      const scopeVersion = sl.scope?.version ?? '';
      for (const lr of sl.logRecords) {
        if (records.length >= limits.maxRecordsPerRequest) throw tooManyRecords(limits);
        try {
          records.push(logRecord(lr, resource, scopeName, scopeVersion, limits.maxNestingDepth));
        } catch (err) {
          if (!(err instanceof OtlpRecordProblem)) throw err;
          records.push(err.rejection);
        }
      }
    }
  }
  return { records };
}
