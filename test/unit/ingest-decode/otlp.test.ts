import protobuf from 'protobufjs';
import t from 'tap';
import { decodeIngestBody, IngestInputError } from '../../../src/modules/ingest/decode/index.ts';
import type { CanonicalRow } from '../../../src/modules/ingest/decode/index.ts';
import { LIMITS, NOW_MS, NOW_TEXT, UUID_V7, limits } from './fixtures.ts';

// The real OTLP messages (opentelemetry-proto v1), as .proto text, so the test encodes with an
// independent schema from the decoder's reflection JSON.
const PROTO = `
syntax = "proto3";
package opentelemetry.proto;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
  double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
enum SeverityNumber { SEVERITY_NUMBER_UNSPECIFIED = 0; SEVERITY_NUMBER_TRACE = 1; SEVERITY_NUMBER_DEBUG = 5;
  SEVERITY_NUMBER_INFO = 9; SEVERITY_NUMBER_WARN = 13; SEVERITY_NUMBER_ERROR = 17; SEVERITY_NUMBER_ERROR2 = 18;
  SEVERITY_NUMBER_FATAL = 21; }
message LogRecord { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; SeverityNumber severity_number = 2;
  string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7;
  fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10; string event_name = 12; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
`;
const Request = protobuf
  .parse(PROTO)
  .root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');

const TRACE = '5B8EFFF798038103D269B633813FC60C';
const SPAN = 'EEE19B7EC3C1B174';
const T1 = '1768478400123456789'; // 2026-01-15 12:00:00.123456789
const T_OBS = '1768478400200000001';

/** One request in OTLP/JSON form (lowerCamelCase, hex ids, int64 as strings). */
const jsonRequest = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'checkout' } },
          { key: 'host.name', value: { stringValue: 'web-1' } },
          {
            key: 'k8s',
            value: { kvlistValue: { values: [{ key: 'pod', value: { stringValue: 'p-1' } }] } },
          },
        ],
      },
      scopeLogs: [
        {
          scope: { name: 'my.logger', version: '1.0.0' },
          logRecords: [
            {
              timeUnixNano: T1,
              observedTimeUnixNano: T_OBS,
              severityNumber: 17,
              severityText: 'Error',
              body: { stringValue: 'payment déclined 💳' },
              attributes: [
                { key: 'http.status_code', value: { intValue: '502' } },
                { key: 'big', value: { intValue: '9007199254740993' } },
                { key: 'ratio', value: { doubleValue: 0.5 } },
                { key: 'retry', value: { boolValue: true } },
                {
                  key: 'tags',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } },
                },
                { key: 'raw', value: { bytesValue: 'AQID' } },
                { key: 'enduser.id', value: { stringValue: 'u-42' } },
              ],
              traceId: TRACE,
              spanId: SPAN,
            },
            {
              severityText: 'WARN',
              body: {
                kvlistValue: {
                  values: [
                    { key: 'event', value: { stringValue: 'login' } },
                    { key: 'n', value: { intValue: 3 } },
                  ],
                },
              },
            },
            {
              timeUnixNano: '0',
              observedTimeUnixNano: T_OBS,
              severityNumber: 5,
              body: { intValue: '7' },
            },
          ],
        },
      ],
    },
  ],
};

/** The same request for protobufjs: bytes as buffers, int64 as strings it understands. */
function protobufRequest(): Uint8Array {
  const kv = (key: string, value: object) => ({ key, value });
  const message = Request.fromObject({
    resourceLogs: [
      {
        resource: {
          attributes: [
            kv('service.name', { stringValue: 'checkout' }),
            kv('host.name', { stringValue: 'web-1' }),
            kv('k8s', { kvlistValue: { values: [kv('pod', { stringValue: 'p-1' })] } }),
          ],
        },
        scopeLogs: [
          {
            scope: { name: 'my.logger', version: '1.0.0' },
            logRecords: [
              {
                timeUnixNano: T1,
                observedTimeUnixNano: T_OBS,
                severityNumber: 'SEVERITY_NUMBER_ERROR',
                severityText: 'Error',
                body: { stringValue: 'payment déclined 💳' },
                attributes: [
                  kv('http.status_code', { intValue: '502' }),
                  kv('big', { intValue: '9007199254740993' }),
                  kv('ratio', { doubleValue: 0.5 }),
                  kv('retry', { boolValue: true }),
                  kv('tags', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }] } }),
                  kv('raw', { bytesValue: Buffer.from([1, 2, 3]) }),
                  kv('enduser.id', { stringValue: 'u-42' }),
                ],
                traceId: Buffer.from(TRACE, 'hex'),
                spanId: Buffer.from(SPAN, 'hex'),
              },
              {
                severityText: 'WARN',
                body: {
                  kvlistValue: {
                    values: [kv('event', { stringValue: 'login' }), kv('n', { intValue: 3 })],
                  },
                },
              },
              {
                timeUnixNano: 0,
                observedTimeUnixNano: T_OBS,
                severityNumber: 5,
                body: { intValue: 7 },
              },
            ],
          },
        ],
      },
    ],
  });
  return Request.encode(message).finish();
}

function decode(body: Buffer | Uint8Array, contentType: string, lim = LIMITS) {
  return decodeIngestBody({
    kind: 'otlp',
    contentType,
    contentEncoding: undefined,
    body: Buffer.from(body),
    limits: lim,
    now: NOW_MS,
  });
}

const plain = (rows: CanonicalRow[]) =>
  rows.map((r) => JSON.parse(JSON.stringify({ ...r, id: 'x' })) as unknown);

const resource = { 'service.name': 'checkout', 'host.name': 'web-1', 'k8s.pod': 'p-1' };
const expected = [
  {
    ts: '2026-01-15 12:00:00.123456789',
    observed_ts: '2026-01-15 12:00:00.200000001',
    id: 'x',
    level: 'error',
    severity_number: 17,
    service: 'checkout',
    host: 'web-1',
    message: 'payment déclined 💳',
    attributes: {
      'http.status_code': '502',
      big: '9007199254740993',
      ratio: '0.5',
      retry: 'true',
      tags: '["a",1]',
      raw: 'AQID',
      'otel.scope.name': 'my.logger',
      'otel.scope.version': '1.0.0',
    },
    resource,
    trace_id: TRACE.toLowerCase(),
    span_id: SPAN.toLowerCase(),
    user_id: 'u-42',
  },
  {
    ts: NOW_TEXT,
    observed_ts: NOW_TEXT,
    id: 'x',
    level: 'warn',
    severity_number: 13,
    service: 'checkout',
    host: 'web-1',
    message: '{"event":"login","n":3}',
    attributes: { 'otel.scope.name': 'my.logger', 'otel.scope.version': '1.0.0' },
    resource,
    trace_id: '',
    span_id: '',
    user_id: '',
  },
  {
    ts: '2026-01-15 12:00:00.200000001',
    observed_ts: '2026-01-15 12:00:00.200000001',
    id: 'x',
    level: 'debug',
    severity_number: 5,
    service: 'checkout',
    host: 'web-1',
    message: '7',
    attributes: { 'otel.scope.name': 'my.logger', 'otel.scope.version': '1.0.0' },
    resource,
    trace_id: '',
    span_id: '',
    user_id: '',
  },
];

t.test('OTLP/JSON maps to canonical rows', async (t) => {
  const r = await decode(Buffer.from(JSON.stringify(jsonRequest)), 'application/json');
  t.same(r.rejected, []);
  t.ok(r.rows.every((row) => UUID_V7.test(row.id)));
  t.same(plain(r.rows), expected);
});

t.test('OTLP/protobuf (encoded by protobufjs from the .proto) maps to the same rows', async (t) => {
  const r = await decode(protobufRequest(), 'application/x-protobuf');
  t.same(r.rejected, []);
  t.same(plain(r.rows), expected);
  const r2 = await decode(protobufRequest(), 'application/protobuf');
  t.equal(r2.rows.length, 3, 'application/protobuf too');
});

t.test('empty requests', async (t) => {
  for (const [body, type] of [
    [Buffer.alloc(0), 'application/x-protobuf'],
    [Buffer.from('{}'), 'application/json'],
    [Buffer.from('{"resourceLogs":[{"scopeLogs":[{}]}]}'), 'application/json'],
  ] as const) {
    const { rows, rejected } = await decode(body, type);
    t.same({ rows, rejected }, { rows: [], rejected: [] }, body.toString());
  }
});

t.test('per-record problems reject only that record', async (t) => {
  let deep: object = { stringValue: 'leaf' };
  for (let i = 0; i < 20; i++) deep = { kvlistValue: { values: [{ key: 'k', value: deep }] } };
  const body = {
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              { body: { stringValue: 'ok' } },
              { timeUnixNano: '99999999999999999999', body: { stringValue: 'year 5138' } },
              { timeUnixNano: 'soon' },
              { attributes: 'nope' },
              { attributes: [{ key: 'deep', value: deep }] },
              { body: { stringValue: 'x'.repeat(100) } },
            ],
          },
        ],
      },
    ],
  };
  const r = await decode(
    Buffer.from(JSON.stringify(body)),
    'application/json',
    limits({ maxMessageBytes: 50 }),
  );
  t.same(
    r.rows.map((x) => x.message),
    ['ok'],
  );
  t.same(
    r.rejected.map((x) => [x.index, x.code]),
    [
      [1, 'timestamp_out_of_range'],
      [2, 'invalid_timestamp'],
      [3, 'invalid_field_type'],
      [4, 'nesting_too_deep'],
      [5, 'message_too_large'],
    ],
  );
});

t.test('a resource that breaks the limits rejects each of its records', async (t) => {
  const attributes = Array.from({ length: 300 }, (_, i) => ({
    key: `r${i}`,
    value: { stringValue: 'v' },
  }));
  const body = {
    resourceLogs: [{ resource: { attributes }, scopeLogs: [{ logRecords: [{}, {}] }] }],
  };
  const r = await decode(Buffer.from(JSON.stringify(body)), 'application/json');
  t.equal(r.rows.length, 0);
  t.same(
    r.rejected.map((x) => x.code),
    ['too_many_attributes', 'too_many_attributes'],
  );
});

t.test('whole-request errors', async (t) => {
  const cases: [Buffer, string, number, string][] = [
    [Buffer.from('{"resourceLogs": 5}'), 'application/json', 400, 'invalid_otlp'],
    [Buffer.from('[1]'), 'application/json', 400, 'invalid_otlp'],
    [Buffer.from('{nope'), 'application/json', 400, 'invalid_json'],
    [
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      'application/x-protobuf',
      400,
      'invalid_protobuf',
    ],
    [Buffer.from('{}'), 'text/plain', 415, 'unsupported_media_type'],
  ];
  for (const [body, type, status, code] of cases) {
    try {
      await decode(body, type);
      t.fail(`expected ${code}`);
    } catch (err) {
      t.ok(err instanceof IngestInputError);
      t.equal((err as IngestInputError).statusCode, status, code);
      t.equal((err as IngestInputError).code, code);
    }
  }
  try {
    await decode(protobufRequest(), 'application/x-protobuf', limits({ maxRecordsPerRequest: 2 }));
    t.fail('expected 413');
  } catch (err) {
    t.equal((err as IngestInputError).statusCode, 413);
  }
});

t.test('severity names from generic protobuf-JSON writers and base64 ids', async (t) => {
  const body = {
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              {
                severityNumber: 'SEVERITY_NUMBER_ERROR2',
                traceId: Buffer.from(TRACE, 'hex').toString('base64'),
                spanId: '0000000000000000',
              },
            ],
          },
        ],
      },
    ],
  };
  const r = await decode(Buffer.from(JSON.stringify(body)), 'application/json');
  t.equal(r.rows[0]?.level, 'error');
  t.equal(r.rows[0]?.severity_number, 18);
  t.equal(r.rows[0]?.trace_id, TRACE.toLowerCase());
  t.equal(r.rows[0]?.span_id, '', 'the all-zero id is no id');
});
