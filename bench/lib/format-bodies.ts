// One batch of typical access-log records in each format MyLog ingests, as the shippers send it:
// what bench:ingest's senders POST and what bench/decode.bench.ts decodes. The records are the
// same in every format, so formats are compared on equal content.
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

export const FORMATS = [
  'ndjson',
  'json',
  'otlp-proto',
  'otlp-json',
  'bulk',
  'loki',
  'loki-proto',
] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export interface FormatRequest {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

/** The batch's records as NDJSON objects (what the NDJSON bench always sent). */
function records(batchSize: number, sender: number, nowMs: number): Record<string, unknown>[] {
  const timestamp = new Date(nowMs).toISOString();
  return Array.from({ length: batchSize }, (_, i) => ({
    timestamp,
    level: i % 10 === 0 ? 'error' : 'info',
    message: `GET /api/orders/${i} 200 in ${i % 97} ms`,
    service: 'checkout',
    host: `web-${sender % 8}`,
    trace_id: TRACE,
    user_id: `u${i % 1000}`,
    http: { method: 'GET', status: 200 },
    sender,
    seq: i,
  }));
}

/**
 * An OTLP/JSON ExportLogsServiceRequest of the batch's records as an OpenTelemetry SDK sends them:
 * resource (service, host, SDK), scope, both times, severity number and text, string body, the
 * other fields as attributes, ids and flags.
 */
export function otlpJsonRequest(
  batchSize: number,
  sender: number,
  nowMs: number,
): { resourceLogs: unknown[] } {
  const nanos = String(BigInt(Math.floor(nowMs)) * 1_000_000n + 123n);
  const logRecords = Array.from({ length: batchSize }, (_, i) => ({
    timeUnixNano: nanos,
    observedTimeUnixNano: nanos,
    severityNumber: i % 10 === 0 ? 17 : 9,
    severityText: i % 10 === 0 ? 'ERROR' : 'INFO',
    body: { stringValue: `GET /api/orders/${i} 200 in ${i % 97} ms` },
    attributes: [
      { key: 'http.method', value: { stringValue: 'GET' } },
      { key: 'http.status_code', value: { intValue: '200' } },
      { key: 'user.id', value: { stringValue: `u${i % 1000}` } },
      { key: 'sender', value: { intValue: String(sender) } },
      { key: 'seq', value: { intValue: String(i) } },
    ],
    flags: 1,
    traceId: TRACE,
    spanId: SPAN,
  }));
  const resource = {
    attributes: [
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'host.name', value: { stringValue: `web-${sender % 8}` } },
      { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
    ],
  };
  const scope = { name: '@opentelemetry/winston-transport', version: '0.7.0' };
  return { resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords }] }] };
}

// The real OTLP schema (opentelemetry-proto v1, the fields the requests above use).
const OTLP_PROTO = `syntax = "proto3";
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
  double double_value = 4; bytes bytes_value = 7; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Resource { repeated KeyValue attributes = 1; }
message LogRecord { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2; string severity_text = 3; AnyValue body = 5;
  repeated KeyValue attributes = 6; fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }`;

/** An OTLP/JSON request in protobuf, encoded with the real schema (hex ids become bytes). */
export function otlpProtobuf(request: { resourceLogs: unknown[] }): Buffer {
  const Request = protobuf.parse(OTLP_PROTO).root.lookupType('ExportLogsServiceRequest');
  const hexToBytes = (_key: string, value: unknown): unknown =>
    typeof value === 'string' && /^[0-9a-f]{16,32}$/.test(value)
      ? Buffer.from(value, 'hex')
      : value;
  const message = JSON.parse(JSON.stringify(request), hexToBytes) as Record<string, unknown>;
  return Buffer.from(Request.encode(Request.fromObject(message)).finish());
}

/** A Loki push request: one stream (service, host labels), the records as JSON lines. */
function lokiRequest(
  batchSize: number,
  sender: number,
  nowMs: number,
): { streams: { stream: Record<string, string>; values: [string, string][] }[] } {
  const nanos = String(BigInt(Math.floor(nowMs)) * 1_000_000n);
  const values = records(batchSize, sender, nowMs).map(
    ({ service: _service, host: _host, timestamp: _ts, ...rest }): [string, string] => [
      nanos,
      JSON.stringify(rest),
    ],
  );
  return {
    streams: [{ stream: { service_name: 'checkout', host: `web-${sender % 8}` }, values }],
  };
}

// Loki's logproto.PushRequest (grafana/loki pkg/push/push.proto), the fields Promtail sends.
const LOKI_PROTO = `syntax = "proto3";
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message EntryAdapter { Timestamp timestamp = 1; string line = 2; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; }
message PushRequest { repeated StreamAdapter streams = 1; }`;

/** The Loki request as Promtail and Alloy send it: logproto, snappy-compressed, label text. */
function lokiProtobuf(request: ReturnType<typeof lokiRequest>): Buffer {
  const Request = protobuf.parse(LOKI_PROTO).root.lookupType('PushRequest');
  const message = Request.fromObject({
    streams: request.streams.map(({ stream, values }) => ({
      labels: `{${Object.entries(stream)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        .join(', ')}}`,
      entries: values.map(([ns, line]) => ({
        timestamp: {
          seconds: Number(BigInt(ns) / 1_000_000_000n),
          nanos: Number(BigInt(ns) % 1_000_000_000n),
        },
        line,
      })),
    })),
  });
  return Buffer.from(snappy.compress(Buffer.from(Request.encode(message).finish())));
}

/** One batch of `batchSize` records from sender number `sender`, as `format` sends it. */
export function formatRequest(
  format: Format,
  batchSize: number,
  sender: number,
  nowMs = Date.now(),
): FormatRequest {
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  switch (format) {
    case 'ndjson':
      return {
        path: '/v1/logs',
        contentType: 'application/x-ndjson',
        body: Buffer.from(
          records(batchSize, sender, nowMs)
            .map((r) => JSON.stringify(r))
            .join('\n'),
        ),
      };
    case 'json':
      return {
        path: '/v1/logs',
        contentType: 'application/json',
        body: json(records(batchSize, sender, nowMs)),
      };
    case 'otlp-proto':
      return {
        path: '/otlp/v1/logs',
        contentType: 'application/x-protobuf',
        body: otlpProtobuf(otlpJsonRequest(batchSize, sender, nowMs)),
      };
    case 'otlp-json':
      return {
        path: '/otlp/v1/logs',
        contentType: 'application/json',
        body: json(otlpJsonRequest(batchSize, sender, nowMs)),
      };
    case 'bulk':
      return {
        path: '/_bulk',
        contentType: 'application/x-ndjson',
        body: Buffer.from(
          records(batchSize, sender, nowMs)
            .map((r) => '{"create":{"_index":"logs"}}\n' + JSON.stringify(r) + '\n')
            .join(''),
        ),
      };
    case 'loki':
      return {
        path: '/loki/api/v1/push',
        contentType: 'application/json',
        body: json(lokiRequest(batchSize, sender, nowMs)),
      };
    case 'loki-proto':
      return {
        path: '/loki/api/v1/push',
        contentType: 'application/x-protobuf',
        body: lokiProtobuf(lokiRequest(batchSize, sender, nowMs)),
      };
  }
}
