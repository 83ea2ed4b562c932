// The OTLP protobuf fast path must write exactly what the general path (protobufjs, normalise,
// serialise) writes, or leave the record to it. Generated requests exercise every rule both apply.
import protobuf from 'protobufjs';
import t from 'tap';
import {
  decodeAndSerialiseIngestBody,
  decodeIngestBody,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import { transcodeLogRecord } from '../../../src/modules/ingest/decode/otlp-protobuf-fast.ts';
import { RowWriter } from '../../../src/modules/ingest/decode/serialise-rows.ts';
import { ctx, limits, maskIds, NOW_MS, pick, random, TENANT } from './fixtures.ts';

// The real OTLP messages (opentelemetry-proto v1) with every string field declared as bytes (the
// same wire type), so that a test can also send bytes that are not UTF-8.
const PROTO = `
syntax = "proto3";
message AnyValue { oneof value { bytes string_value = 1; bool bool_value = 2; int64 int_value = 3;
  double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { bytes key = 1; AnyValue value = 2; }
message InstrumentationScope { bytes name = 1; bytes version = 2; }
message Resource { repeated KeyValue attributes = 1; }
message LogRecord { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; int32 severity_number = 2;
  bytes severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7;
  fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10; bytes event_name = 12; }
message ScopeLogs { InstrumentationScope scope = 1; repeated bytes log_records = 2; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
`;
const root = protobuf.parse(PROTO).root;
const Request = root.lookupType('ExportLogsServiceRequest');
const LogRecord = root.lookupType('LogRecord');

const b = (s: string): Buffer => Buffer.from(s, 'utf8');
const STRINGS = [
  'GET /api/orders/1 200',
  '',
  'line1\nline2\ttab "quoted" back\\slash',
  'é 世界 🎉',
  '\u0001\u001f\u007f control',
  '\u2028 separator',
  'x'.repeat(300),
].map(b);
const NOT_UTF8 = [Buffer.from([0xff, 0x41]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80])];
const KEYS = [
  'http.method',
  'http.status_code',
  'user.id',
  'enduser.id',
  'service.name',
  'host.name',
  'otel.scope.name',
  'level_raw',
  'a',
  'a.b',
  '1',
  '2xx',
  '__proto__',
  '',
  'ключ',
  'k"q\n',
].map(b);
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const TIMES = [
  0n,
  NOW_NS,
  NOW_NS - 123_456_789n,
  NOW_NS - 3_600_000_000_000n,
  NOW_NS - 400n * 86_400_000_000_000n,
  NOW_NS + 3_600_000_000_000n,
  999_999_999n,
  18_446_744_073_709_551_615n,
  1_000_000_000n,
];
const INTS = [
  0n,
  1n,
  -1n,
  200n,
  9_007_199_254_740_991n,
  9_007_199_254_740_993n,
  -9_007_199_254_740_992n,
];

const CLEAN_KEYS = KEYS.filter((k) => !['1', '2xx', 'otel.scope.name'].includes(k.toString()));
const CLEAN_TIMES = TIMES.slice(0, 4);
let clean = false;

function anyValue(rnd: () => number, depth: number): Record<string, unknown> {
  const r = rnd();
  if (r < 0.45 || (clean && r < 0.7)) return { stringValue: pick(rnd, STRINGS) };
  if (r < 0.5 && !clean) return { stringValue: pick(rnd, NOT_UTF8) };
  if (r < 0.6 || (clean && r < 0.8)) return { intValue: String(pick(rnd, INTS)) };
  if (r < 0.7 || (clean && r < 0.9)) return { boolValue: rnd() < 0.5 };
  if (r < 0.78) return { doubleValue: pick(rnd, [0.5, -0, 1e21, 12.25, NaN, Infinity]) };
  if (r < 0.83) return { bytesValue: Buffer.from([1, 2, 250]) };
  if (r < 0.86) return {};
  if (clean || depth > 2) return { stringValue: b('flat') };
  if (r < 0.93) return { arrayValue: { values: [anyValue(rnd, depth + 1), {}] } };
  return { kvlistValue: { values: attributes(rnd, 2, depth + 1) } };
}

function attributes(rnd: () => number, max: number, depth = 1): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const n = Math.floor(rnd() * (max + 1));
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const key = pick(rnd, clean ? CLEAN_KEYS : KEYS);
    if (clean && used.has(key.toString())) continue;
    used.add(key.toString());
    out.push(rnd() < 0.05 ? { key } : { key, value: anyValue(rnd, depth) });
  }
  return out;
}

function logRecord(rnd: () => number): Buffer {
  const lr: Record<string, unknown> = {};
  if (rnd() < 0.9) lr.timeUnixNano = String(pick(rnd, clean ? CLEAN_TIMES : TIMES));
  if (rnd() < 0.5) lr.observedTimeUnixNano = String(pick(rnd, clean ? CLEAN_TIMES : TIMES));
  if (rnd() < 0.8) lr.severityNumber = pick(rnd, [0, 1, 9, 13, 17, 24, 25, -3]);
  if (rnd() < 0.5)
    lr.severityText = b(pick(rnd, ['INFO', 'Error', clean ? 'fatal' : 'bogus', '', 'warn2']));
  if (rnd() < 0.9) {
    const r = rnd();
    lr.body = r < 0.75 || clean ? { stringValue: pick(rnd, STRINGS) } : anyValue(rnd, 1);
  }
  lr.attributes = attributes(rnd, clean ? 8 : 6);
  if (rnd() < 0.3) lr.flags = 1;
  if (rnd() < 0.2) lr.droppedAttributesCount = 2;
  if (rnd() < 0.1) lr.eventName = b('evt');
  if (rnd() < 0.8)
    lr.traceId = Buffer.from(
      pick(rnd, ['5b8efff798038103d269b633813fc60c', '00', '', 'abcdef']),
      'hex',
    );
  if (rnd() < 0.8)
    lr.spanId = Buffer.from(pick(rnd, ['eee19b7ec3c1b174', '0000000000000000']), 'hex');
  let bytes = Buffer.from(LogRecord.encode(LogRecord.fromObject(lr)).finish());
  // A singular field given twice (protobuf concatenation merges messages): last wins.
  if (!clean && rnd() < 0.05)
    bytes = Buffer.concat([
      bytes,
      LogRecord.encode(LogRecord.fromObject({ severityNumber: 17 })).finish(),
    ]);
  if (clean) cleanRecords.push(bytes);
  return bytes;
}
/** The records of clean requests, to see how many the fast path takes. */
const cleanRecords: Buffer[] = [];

function request(rnd: () => number): Buffer {
  const resourceLogs = [];
  for (let r = 0; r < 1 + Math.floor(rnd() * 2); r++) {
    const scopeLogs = [];
    for (let s = 0; s < 1 + Math.floor(rnd() * 2); s++) {
      const scope =
        rnd() < 0.3
          ? undefined
          : { name: b(pick(rnd, ['my.lib', '', 'é'])), version: b(pick(rnd, ['1.0', ''])) };
      const logRecords = Array.from({ length: Math.floor(rnd() * 5) }, () => logRecord(rnd));
      scopeLogs.push({ scope, logRecords });
    }
    const resource = { attributes: attributes(rnd, 3) };
    resourceLogs.push({ resource, scopeLogs });
  }
  let body = Buffer.from(Request.encode(Request.fromObject({ resourceLogs })).finish());
  if (!clean && rnd() < 0.05) body = body.subarray(0, Math.floor(body.length * rnd()));
  if (!clean && rnd() < 0.05 && body.length > 0) {
    body = Buffer.from(body);
    body[Math.floor(rnd() * body.length)] = Math.floor(rnd() * 256);
  }
  return body;
}

t.test('the OTLP fast path writes what the general path writes, record for record', async (t) => {
  const variants = [
    limits({}),
    limits({
      maxAttributes: 4,
      maxAttributeValueBytes: 20,
      maxAttributeKeyBytes: 12,
      maxMessageBytes: 25,
      maxNestingDepth: 2,
    }),
  ];
  let records = 0;
  let mismatches = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const rnd = random(seed);
    clean = seed % 2 === 0;
    const input = {
      kind: 'otlp' as const,
      contentType: 'application/x-protobuf',
      contentEncoding: undefined,
      body: request(rnd),
      limits: variants[seed % 4 === 1 ? 1 : 0] ?? limits({}),
      now: NOW_MS,
    };
    const general = await decodeIngestBody(input).catch((error: Error) => error);
    const fast = await decodeAndSerialiseIngestBody(input, TENANT).catch((error: Error) => error);
    if (general instanceof Error || fast instanceof Error) {
      // A body refused whole (400, 413) is refused by both, with the same error.
      if (String(general) !== String(fast) && mismatches++ < 3)
        t.equal(String(fast), String(general), `seed ${seed}`);
      continue;
    }
    const expected = general.rows.length === 0 ? undefined : serialiseRows(general.rows, TENANT);
    records += general.rows.length + general.rejected.length;
    const same =
      fast.accepted === general.rows.length &&
      JSON.stringify(fast.rejected) === JSON.stringify(general.rejected) &&
      maskIds(fast.serialised?.toString('utf8') ?? '') ===
        maskIds(expected?.toString('utf8') ?? '');
    if (!same && mismatches++ < 3) {
      t.equal(
        maskIds(fast.serialised?.toString('utf8') ?? ''),
        maskIds(expected?.toString('utf8') ?? ''),
        `seed ${seed}`,
      );
      t.same(fast.rejected, general.rejected, `seed ${seed}: rejections`);
    }
  }
  t.ok(records > 5000, `${records} records generated`);
  t.equal(mismatches, 0, `${records} generated records, none written differently`);
});

t.test('most records of clean requests take the fast path', async (t) => {
  const group = { resource: { attributes: {} }, scopeName: 'my.lib', scopeVersion: '1.0' };
  let fast = 0;
  let writtenWhenLeft = 0;
  for (const record of cleanRecords) {
    const writer = new RowWriter(TENANT);
    const taken = transcodeLogRecord(record, [0, record.length], group, ctx(), writer);
    if (taken) fast++;
    if ((writer.finish() !== undefined) !== taken) writtenWhenLeft++;
  }
  t.equal(writtenWhenLeft, 0, 'a row is written exactly when the record is taken');
  t.ok(fast > cleanRecords.length * 0.5, `${fast} of ${cleanRecords.length} taken`);
});
