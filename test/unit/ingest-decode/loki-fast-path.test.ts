// The Loki fast path must answer a push request (JSON or snappy protobuf) exactly as the general
// path (the decoder's records, normalised, serialised) does: the same rows, rejections and errors.
// Generated requests exercise the labels' rules (which label fills which column, which become
// attributes, a line's own key winning) on the NDJSON tests' generated lines and on text lines.
import snappy from 'snappyjs';
import t from 'tap';
import { DecodeBudget } from '../../../src/modules/ingest/decode/decode-budget.ts';
import { serialiseLokiPush } from '../../../src/modules/ingest/decode/loki-push-fast.ts';
import { createNormaliseContext } from '../../../src/modules/ingest/decode/normalise-record.ts';
import { RowWriter } from '../../../src/modules/ingest/decode/serialise-rows.ts';
import {
  checkTotals,
  compareOnGenerated,
  compareWithGeneralPath,
  limits,
  LOW_LIMITS,
  NOW_MS,
  pick,
  random,
  requestOf,
  rfc3339Seconds,
  serialiseArgs,
  TENANT,
} from './fixtures.ts';
import { PushRequest } from './loki-push-request.ts';
import { isClean, line as jsonLine, REDACTOR, setClean } from './generated-lines.ts';

// Column labels and their aliases, names the generated lines also use, and names the normaliser
// treats specially.
const LABEL_NAMES = [
  'service_name',
  'service',
  'job',
  'host',
  'hostname',
  'level',
  'detected_level',
  'severity',
  'filename',
  'env',
  'timestamp',
  'message',
  'http',
  'status',
  'a',
  'attributes',
  'service.name',
  'user.id',
  'trace_id',
  'level_raw',
  'ключ',
  // Flattened keys of the generated lines' nested objects.
  'a.name',
  'a.x',
  'http.method',
];
const ODD_LABEL_NAMES = ['1x', '', '__proto__', 'k'.repeat(80)];
const LABEL_VALUES = [
  'checkout',
  'web-1',
  'error',
  'WARN',
  'info',
  'bogus',
  'é 世界',
  'line\nbreak "q"',
  '',
  'v'.repeat(300),
];
const ODD_LABEL_VALUES = ['\ud800 lone', '\u0001 control'];
const TEXT_LINES = [
  'GET /api/orders/1 200 in 4 ms',
  '',
  '   ',
  'tab\there "quoted" back\\slash',
  'é 世界 🎉',
  '\u0001 control',
  '{not json',
  '  {"message":"leading spaces"}',
  '\u00a0{"message":"nbsp first"}',
  '[1,2]',
  'x'.repeat(400),
  // Lone surrogates, which the normaliser replaces.
  '\ud800 lone',
  '{"message":"\ud800 lone in JSON"}',
];

function labels(rnd: () => number): [string, string][] {
  const out = new Map<string, string>();
  for (let i = Math.floor(rnd() * 5); i > 0; i--) {
    const name = isClean() || rnd() < 0.9 ? pick(rnd, LABEL_NAMES) : pick(rnd, ODD_LABEL_NAMES);
    const value = isClean() || rnd() < 0.9 ? pick(rnd, LABEL_VALUES) : pick(rnd, ODD_LABEL_VALUES);
    out.set(name, value);
  }
  return [...out];
}

/** Unix nanoseconds around the receive time, now and then one the normaliser refuses. */
function nanos(rnd: () => number): bigint {
  const r = rnd();
  if (!isClean() && r < 0.05) return 1n;
  if (!isClean() && r < 0.1) return BigInt(NOW_MS + 400 * 86_400_000) * 1_000_000n;
  return (
    BigInt(NOW_MS - Math.floor(rnd() * 3_600_000)) * 1_000_000n + BigInt(Math.floor(rnd() * 1e6))
  );
}

function entryLine(rnd: () => number): string {
  return rnd() < 0.6 ? jsonLine(rnd) : pick(rnd, TEXT_LINES);
}

function metadata(rnd: () => number): [string, string][] | undefined {
  const r = rnd();
  if (r < 0.8) return undefined;
  if (r < 0.85) return [];
  if (r < 0.9) return [['trace_id', 'abc123']];
  return [
    [pick(rnd, LABEL_NAMES), pick(rnd, LABEL_VALUES)],
    ['pod', 'p-1'],
  ];
}

interface GeneratedStream {
  labels: [string, string][];
  entries: { ns: bigint; line: string; meta: [string, string][] | undefined }[];
}

function streams(rnd: () => number): GeneratedStream[] {
  return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
    labels: labels(rnd),
    entries: Array.from({ length: Math.floor(rnd() * 6) }, () => ({
      ns: nanos(rnd),
      line: entryLine(rnd),
      meta: metadata(rnd),
    })),
  }));
}

/** As Promtail's JSON client writes it, with now and then a value or stream the decoder refuses. */
function jsonBody(rnd: () => number, generated: GeneratedStream[]): Buffer {
  if (!isClean() && rnd() < 0.03)
    return Buffer.from('{"streams":[{"stream":{"a":1},"values":[]}]}');
  if (!isClean() && rnd() < 0.03) return Buffer.from('{"streams":{}}');
  const body = {
    streams: generated.map((s) => ({
      stream: Object.fromEntries(s.labels),
      values: s.entries.map((e) => {
        if (!isClean() && rnd() < 0.05) return [Number(e.ns / 1_000_000n), e.line];
        const value: unknown[] = [e.ns.toString(), e.line];
        if (e.meta !== undefined) value.push(Object.fromEntries(e.meta));
        else if (!isClean() && rnd() < 0.05) value.push({ k: 1 });
        return value;
      }),
    })),
  };
  return Buffer.from(JSON.stringify(body));
}

function goQuoted(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** As Promtail and Alloy send it: snappy-compressed logproto, labels as `{name="value"}` text. */
function protobufBody(generated: GeneratedStream[]): Buffer {
  const message = PushRequest.fromObject({
    streams: generated.map((s) => ({
      // Loki's label text has Prometheus names only.
      labels:
        '{' +
        s.labels
          .filter(([name]) => /^[A-Za-z_][\w.]*$/.test(name))
          .map(([name, value]) => `${name}=${goQuoted(value)}`)
          .join(', ') +
        '}',
      entries: s.entries.map((e) => ({
        timestamp: { seconds: Number(e.ns / 1_000_000_000n), nanos: Number(e.ns % 1_000_000_000n) },
        line: e.line,
        structuredMetadata: (e.meta ?? []).map(([name, value]) => ({ name, value })),
      })),
    })),
  });
  return Buffer.from(snappy.compress(Buffer.from(PushRequest.encode(message).finish())));
}

t.test('the Loki fast path answers what the general path answers', async (t) => {
  const variants = [limits({}), LOW_LIMITS, limits({ maxRecordsPerRequest: 3 })];
  const bigints = (_key: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);
  const totals = await compareOnGenerated(t, 4000, (seed) => {
    const rnd = random(seed);
    setClean(seed % 4 >= 2);
    const generated = streams(rnd);
    const encoding = seed % 3 === 0 ? 'protobuf' : 'json';
    const input = {
      kind: 'loki' as const,
      contentType: encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
      contentEncoding: undefined,
      body: encoding === 'protobuf' ? protobufBody(generated) : jsonBody(rnd, generated),
      limits: variants[seed % variants.length] ?? limits({}),
      now: NOW_MS,
      redactor: seed % 7 === 0 ? REDACTOR : undefined,
    };
    const counted = isClean() && input.redactor === undefined;
    const fastRows = () =>
      serialiseLokiPush(encoding, input.body, ...serialiseArgs(input.limits)).fast;
    return {
      input,
      text: () => JSON.stringify(generated, bigints),
      ...(counted ? { fastRows } : {}),
    };
  });
  // Clean requests still carry labels named as their lines' keys, empty and unknown level labels,
  // metadata and control characters, which the general path takes.
  checkTotals(t, totals, { records: 8000, refused: 50, fastShare: 0.25 });
});

t.test('typical pushes take the fast path, entry for entry', async (t) => {
  const ns = (BigInt(NOW_MS - 1000) * 1_000_000n).toString();
  const lines = [
    '{"level":"info","msg":"GET /api/orders/1 200","duration_ms":12.5,"user_id":"u1"}',
    JSON.stringify({
      time: rfc3339Seconds(NOW_MS - 1000),
      level: 'error',
      message: 'payment declined',
      order: { id: 42 },
    }),
    '127.0.0.1 - - "GET / HTTP/1.1" 200 612 "-" "curl/8.5"',
    'panic: runtime error\n\tgoroutine 1',
  ];
  const labelSets: [string, string][][] = [
    [
      ['service_name', 'checkout'],
      ['host', 'web-1'],
    ],
    [
      ['job', 'varlogs'],
      ['filename', '/var/log/nginx/access.log'],
      ['level', 'warn'],
    ],
    [
      ['service_name', 'api'],
      ['detected_level', 'error'],
      ['env', 'prod'],
    ],
  ];
  // The third stream's entries carry what an OpenTelemetry-fed Alloy puts in structured metadata.
  const meta: [string, string][] = [
    ['trace_id', '5b8efff798038103d269b633813fc60c'],
    ['span_id', 'eee19b7ec3c1b174'],
    ['k8s_pod_name', 'web-1'],
  ];
  const generated: GeneratedStream[] = labelSets.map((set, i) => ({
    labels: set,
    entries: lines.map((line) => ({ ns: BigInt(ns), line, meta: i === 2 ? meta : undefined })),
  }));
  setClean(true);
  for (const encoding of ['json', 'protobuf'] as const) {
    const body = encoding === 'json' ? jsonBody(random(1), generated) : protobufBody(generated);
    const writer = new RowWriter(TENANT);
    const counts = serialiseLokiPush(
      encoding,
      body,
      createNormaliseContext(limits({}), NOW_MS),
      writer,
      [],
      new DecodeBudget(limits({}).decodeCpuBudgetMs),
    );
    t.equal(counts.accepted, 12, `${encoding}: every entry is a row`);
    t.equal(counts.fast, 12, `${encoding}: every row written by the fast path`);
    const rows = (writer.finish()?.toString('utf8') ?? '').trim().split('\n');
    t.match(
      rows[6],
      /"varlogs","","127.0.0.1 - - \\"GET/,
      `${encoding}: a text line is the message`,
    );
    t.match(
      rows[6],
      /\{"filename":"\/var\/log\/nginx\/access.log"\}/,
      `${encoding}: a label that fills no column is an attribute`,
    );
  }
});

t.test('edge cases of the labels, one by one', async (t) => {
  const ns = (BigInt(NOW_MS - 1000) * 1_000_000n).toString();
  const cases: [string, Record<string, string>, string, Record<string, string>?][] = [
    [
      'a label named as a nested key',
      { service_name: 'api', 'http.method': 'label' },
      '{"http":{"method":"GET"}}',
    ],
    [
      'a label named as a top-level key',
      { service_name: 'api', status: 'label' },
      '{"status":200}',
    ],
    ['a timestamp label when the entry time is added', { timestamp: 'label' }, '{"msg":"m"}'],
    [
      'a timestamp label when the line names a time',
      { timestamp: 'label' },
      JSON.stringify({ time: rfc3339Seconds(NOW_MS - 3_600_000) }),
    ],
    ['a level label not understood', { level: 'loud' }, '{"msg":"m"}'],
    ['a level label under a line level', { level: 'loud' }, '{"level":"info"}'],
    [
      'a service label under a service object',
      { service_name: 'api' },
      '{"service":{"name":"own"}}',
    ],
    ['an empty service label', { service_name: '' }, '{"service.name":"own"}'],
    ['a line with its own attributes', { env: 'prod' }, '{"attributes":{"region":"eu"}}'],
    ['a label named as an ECS key', { 'host.name': 'h' }, 'text line'],
    ['a lone surrogate in a line', { env: 'prod' }, '{"message":"\ud800"}'],
    ['a line longer than the fast path reads', { env: 'prod' }, 'y'.repeat(100_000)],
    ['a JSON line longer than that', { env: 'prod' }, JSON.stringify({ m: 'z'.repeat(100_000) })],
  ];
  const otel = { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7e', pod: 'p-1' };
  cases.push(
    ['OTel ids and a pod in metadata', { service_name: 'api' }, '{"msg":"m"}', otel],
    ['metadata ids under the line’s own', { job: 'j' }, '{"trace_id":"own","span_id":null}', otel],
    ['metadata named as a label', { env: 'prod' }, 'text', { env: 'meta', user_id: 'u1' }],
    ['an empty id in metadata', { env: 'prod' }, '{"trace.id":"ecs"}', { trace_id: '' }],
  );
  for (const [name, labels, line, metadata] of cases) {
    const value = metadata === undefined ? [ns, line] : [ns, line, metadata];
    const body = JSON.stringify({ streams: [{ stream: labels, values: [value] }] });
    const compared = await compareWithGeneralPath(requestOf('loki', 'application/json', body));
    t.equal(compared.shownFast, compared.shownGeneral, name);
  }
});

t.test('ids from one entry’s metadata are not left for the lines decoded after it', async (t) => {
  // The fast path keeps a Loki entry's metadata ids in module state while it writes the entry's
  // row: the next entry without them, and the next NDJSON body, must not be written with them.
  const ns = (BigInt(NOW_MS - 1000) * 1_000_000n).toString();
  const ids = { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7e', user_id: 'u9' };
  const request = (kind: 'loki' | 'logs', body: string) =>
    requestOf(kind, kind === 'loki' ? 'application/json' : 'application/x-ndjson', body);
  const push = JSON.stringify({
    streams: [
      {
        stream: { service_name: 'api' },
        values: [
          [ns, '{"msg":"with ids"}', ids],
          [ns, '{"msg":"without"}'],
        ],
      },
    ],
  });
  const inLoki = await compareWithGeneralPath(request('loki', push));
  t.equal(inLoki.fast?.accepted, 2, 'both entries are rows');
  t.equal(inLoki.shownFast, inLoki.shownGeneral, 'the entry after has no ids');
  t.match(inLoki.shownFast, /"5b8efff798038103d269b633813fc60c","eee19b7e","u9"/);

  // The metadata entry last, so the state it leaves is what the NDJSON body meets.
  const last = JSON.stringify({
    streams: [{ stream: { service_name: 'api' }, values: [[ns, '{"msg":"m"}', ids]] }],
  });
  await compareWithGeneralPath(request('loki', last));
  const ndjson = await compareWithGeneralPath(request('logs', '{"msg":"plain"}\n'));
  t.equal(ndjson.fast?.accepted, 1, 'the NDJSON line is a row');
  t.equal(ndjson.shownFast, ndjson.shownGeneral, 'the NDJSON row has no ids');
  t.notMatch(ndjson.shownFast, /5b8efff7|u9/);
});
