import t from 'tap';
import { RecordRejection } from '../../../src/modules/ingest/decode/index.ts';
import type { CanonicalRow } from '../../../src/modules/ingest/decode/index.ts';
import { normaliseRecord } from '../../../src/modules/ingest/decode/normalise-record.ts';
import type { JsonObject } from '../../../src/modules/ingest/decode/raw-record.ts';
import { NOW_TEXT, UUID_V7, ctx } from './fixtures.ts';

function row(fields: JsonObject, overrides = {}): CanonicalRow {
  const out = normaliseRecord({ source: 'json', fields }, ctx(overrides));
  if (out instanceof RecordRejection) throw new Error(`rejected: ${out.error}`);
  return out;
}

function rejection(fields: JsonObject, overrides = {}): RecordRejection {
  const out = normaliseRecord({ source: 'json', fields }, ctx(overrides));
  if (!(out instanceof RecordRejection)) throw new Error(`accepted: ${JSON.stringify(out)}`);
  return out;
}

const plain = (m: object) => JSON.parse(JSON.stringify(m)) as unknown;

t.test('a full record maps to the canonical row', async (t) => {
  const r = row({
    timestamp: '2026-01-15T13:00:00.123456789+01:00',
    level: 'warning',
    message: 'payment declined',
    service: 'checkout',
    host: 'web-3',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    user_id: 42,
    status: 502,
    ok: false,
    http: { method: 'POST', route: { path: '/pay' } },
    tags: ['a', 1, { b: null }],
    nothing: null,
  });
  t.match(r.id, UUID_V7);
  t.same(plain(r), {
    ts: '2026-01-15 12:00:00.123456789',
    observed_ts: NOW_TEXT,
    id: r.id,
    level: 'warn',
    severity_number: 13,
    service: 'checkout',
    host: 'web-3',
    message: 'payment declined',
    attributes: {
      status: '502',
      ok: 'false',
      'http.method': 'POST',
      'http.route.path': '/pay',
      tags: '["a",1,{"b":null}]',
    },
    resource: {},
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    user_id: '42',
  });
});

t.test('an empty record: receive time, info with severity 0, empty message', async (t) => {
  const r = row({});
  t.equal(r.ts, NOW_TEXT);
  t.equal(r.level, 'info');
  t.equal(r.severity_number, 0);
  t.equal(r.message, '');
  t.same(plain(r.attributes), {});
});

t.test('aliases: first present wins, the others stay attributes', async (t) => {
  const r = row({
    ts: 1768478400,
    time: '2026-01-15T11:59:00Z',
    msg: 'b',
    body: 'c',
    severity: 'error',
    hostname: 'h1',
  });
  t.equal(r.ts, '2026-01-15 11:59:00.000000000', 'time outranks ts');
  t.equal(r.message, 'b', 'msg outranks body');
  t.equal(r.level, 'error');
  t.equal(r.host, 'h1');
  t.same(plain(r.attributes), { ts: '1768478400', body: 'c' });
  t.equal(row({ '@timestamp': '2026-01-15T11:00:00Z' }).ts, '2026-01-15 11:00:00.000000000');
  t.equal(row({ log: 'from docker' }).message, 'from docker', 'log as a string is the message');
  t.equal(row({ severity_text: 'DEBUG' }).level, 'debug');
  t.equal(row({ 'log.level': 'error' }).level, 'error');
  t.equal(row({ message: 'x', msg: 'y' }).attributes['msg'], 'y');
});

t.test('ECS-shaped documents fill the columns from nested fields', async (t) => {
  const r = row({
    '@timestamp': '2026-01-15T11:00:00.5Z',
    log: { level: 'ERROR', logger: 'app' },
    message: 'boom',
    service: { name: 'api', version: '1.2' },
    host: { name: 'ip-10-0-0-1', os: { family: 'linux' } },
    trace: { id: 'abc' },
    user: { id: 'u-7' },
  });
  t.equal(r.level, 'error');
  t.equal(r.service, 'api');
  t.equal(r.host, 'ip-10-0-0-1');
  t.equal(r.trace_id, 'abc');
  t.equal(r.user_id, 'u-7');
  t.same(plain(r.attributes), {
    'log.logger': 'app',
    'service.version': '1.2',
    'host.os.family': 'linux',
  });
});

t.test(
  'attributes and resource objects merge into their maps (an exported row can be re-sent)',
  async (t) => {
    const r = row({
      message: 'm',
      attributes: { a: 1, nested: { b: 'c' } },
      resource: { 'k8s.pod': 'p1' },
      other: 'x',
    });
    t.same(plain(r.attributes), { a: '1', 'nested.b': 'c', other: 'x' });
    t.same(plain(r.resource), { 'k8s.pod': 'p1' });
    t.same(plain(row({ attributes: 'just a string' }).attributes), { attributes: 'just a string' });
  },
);

t.test('levels: unknown kept as level_raw, numbers by scale', async (t) => {
  const r = row({ level: 'LOUD' });
  t.equal(r.level, 'info');
  t.equal(r.severity_number, 0);
  t.equal(r.attributes['level_raw'], 'LOUD');
  t.equal(row({ level: 30 }).level, 'info', 'pino');
  t.equal(row({ level: 3 }).level, 'error', 'syslog');
  t.equal(row({ level: '50' }).level, 'error', 'numeric string');
  t.equal(row({ level: true }).attributes['level_raw'], 'true');
  const objLevel = row({ level: { name: 'x' } });
  t.equal(objLevel.level, 'info', 'a non-scalar level is not a level');
  t.equal(objLevel.attributes['level.name'], 'x');
});

t.test('timestamps: precision, epochs, skew', async (t) => {
  t.equal(row({ timestamp: '2026-01-15T12:00:00.000000001Z' }).ts, '2026-01-15 12:00:00.000000001');
  t.equal(row({ timestamp: '1768478400123456789' }).ts, '2026-01-15 12:00:00.123456789');
  t.equal(row({ timestamp: 1768478400123 }).ts, '2026-01-15 12:00:00.123000000');
  t.equal(row({ timestamp: 1768478400.5 }).ts, '2026-01-15 12:00:00.500000000');
  t.equal(
    row({ timestamp: '2026-01-15T12:10:00Z' }).ts,
    '2026-01-15 12:10:00.000000000',
    'within future skew',
  );
  const future = rejection({ timestamp: '9999-12-31T23:59:59Z' });
  t.equal(future.code, 'timestamp_out_of_range');
  t.match(future.error, /future/);
  t.equal(rejection({ timestamp: '2020-01-01T00:00:00Z' }).code, 'timestamp_out_of_range');
  t.equal(rejection({ timestamp: 0 }).code, 'timestamp_out_of_range');
  t.equal(
    rejection({ timestamp: '2026-01-15T12:00:00Z' }, { maxPastSkewMs: 100 }).code,
    'timestamp_out_of_range',
  );
  const bool = rejection({ timestamp: true });
  t.equal(bool.code, 'invalid_field_type');
  t.match(bool.error, /'timestamp'.*boolean/);
  t.equal(rejection({ ts: { s: 1 } }).code, 'invalid_field_type');
  t.equal(rejection({ time: 'yesterday' }).code, 'invalid_timestamp');
  t.equal(row({ timestamp: null }).ts, NOW_TEXT, 'null is absent');
});

t.test('wrong types and limits reject the record with a clear error', async (t) => {
  const msgObj = rejection({ message: { text: 'hi' } });
  t.equal(msgObj.code, 'invalid_field_type');
  t.match(msgObj.error, /'message' must be a string, not an object/);
  t.equal(rejection({ msg: ['a'] }).code, 'invalid_field_type');
  t.equal(row({ message: 12.5 }).message, '12.5', 'numbers are written as text');

  const big = 'x'.repeat(256 * 1024 + 1);
  t.equal(rejection({ message: big }).code, 'message_too_large');
  t.equal(
    rejection({ message: 'é'.repeat(6) }, { maxMessageBytes: 11 }).code,
    'message_too_large',
    'counted in UTF-8 bytes',
  );
  t.equal(row({ message: 'é'.repeat(6) }, { maxMessageBytes: 12 }).message, 'é'.repeat(6));

  const many: JsonObject = {};
  for (let i = 0; i < 10_000; i++) many[`k${i}`] = i;
  const tooMany = rejection(many);
  t.equal(tooMany.code, 'too_many_attributes');
  t.match(tooMany.error, /more than 256 attributes/);
  t.equal(rejection({ ['k'.repeat(257)]: 1 }).code, 'attribute_key_too_large');
  t.equal(rejection({ k: 'v'.repeat(32 * 1024 + 1) }).code, 'attribute_value_too_large');
  t.equal(
    rejection({ k: ['v'.repeat(32 * 1024)] }).code,
    'attribute_value_too_large',
    'arrays count as their JSON',
  );
});

t.test('nesting depth is bounded, also inside arrays, without recursion limits', async (t) => {
  let deep: JsonObject = { leaf: 1 };
  for (let i = 0; i < 16; i++) deep = { n: deep };
  t.equal(rejection({ deep }).code, 'nesting_too_deep', '17 levels');
  let ok: JsonObject = { leaf: 1 };
  for (let i = 0; i < 15; i++) ok = { n: ok };
  t.equal(
    Object.keys(row({ ok }).attributes)[0],
    'ok' + '.n'.repeat(15) + '.leaf',
    '16 levels pass',
  );
  const hugeArray = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
  const r = rejection({ a: hugeArray });
  t.equal(r.code, 'nesting_too_deep', 'a 100k-deep array is refused, not a stack overflow');
  t.equal(rejection({ a: { b: 1 } }, { maxNestingDepth: 0 }).code, 'nesting_too_deep');
  t.equal(row({ a: [1, 2] }, { maxNestingDepth: 1 }).attributes['a'], '[1,2]');
});

t.test('keys that look like prototype properties are plain keys', async (t) => {
  const fields = JSON.parse(
    '{"__proto__": {"polluted": "yes"}, "constructor": "c", "message": "m"}',
  ) as JsonObject;
  const r = row(fields);
  t.equal(r.attributes['__proto__.polluted'], 'yes');
  t.equal(r.attributes['constructor'], 'c');
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype untouched');
  t.same(Object.keys(r.attributes).sort(), ['__proto__.polluted', 'constructor']);
});

t.test('unicode, control characters and lone surrogates', async (t) => {
  const r = row({ message: 'héllo 世界 🎉\u0000\u0007\ttab\r\n', ключ: 'значение' });
  t.equal(r.message, 'héllo 世界 🎉\u0000\u0007\ttab\r\n', 'control characters kept as data');
  t.equal(r.attributes['ключ'], 'значение');
  const lone = row(JSON.parse('{"message": "a\\ud800b", "k\\udfff": "\\udc00"}') as JsonObject);
  t.equal(lone.message, 'a\ufffdb');
  t.equal(lone.attributes['k\ufffd'], '\ufffd');
  t.equal(row({ message: 'x'.repeat(64 * 1024) }).message.length, 64 * 1024, '64 KiB message');
});
