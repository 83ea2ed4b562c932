// The OTLP/JSON fast path must write exactly what the general path (JSON.parse, normalise,
// serialise) writes, record for record, or leave the record (or the whole body) to it. Generated
// requests exercise every rule both apply, the text forms JSON allows, limits and broken bodies.
import t from 'tap';
import {
  decodeAndSerialiseIngestBody,
  decodeIngestBody,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import { transcodeLogRecordJson } from '../../../src/modules/ingest/decode/otlp-json-fast.ts';
import { RowWriter } from '../../../src/modules/ingest/decode/serialise-rows.ts';
import {
  compareWithGeneralPath,
  ctx,
  limits,
  maskIds,
  NOW_MS,
  pick,
  random,
  requestOf,
  sameAsGeneralPath,
  shown,
  TENANT,
} from './fixtures.ts';
import { REDACTOR } from './generated-lines.ts';

// Each kind of value as the usual ones (what SDKs send, all taken by the fast path) and the odd
// ones (each taken only as the general path writes it, or left to it).
const STRINGS = [
  'GET /api/orders/1 200',
  '',
  'line1\nline2\ttab "quoted" back\\slash',
  'é 世界 🎉',
  '\u2028 separator',
  'x'.repeat(300),
  'paid with 4111 1111 1111 1111',
];
const ODD_STRINGS = ['\u0001\u001f\u007f control', 'a/b', 'é'];
const KEYS = [
  'http.method',
  'http.status_code',
  'user.id',
  'enduser.id',
  'service.name',
  'host.name',
  'a',
  'a.b',
  '__proto__',
  '',
  'ключ',
];
const ODD_KEYS = ['level_raw', '1', '2xx', 'otel.scope.name', 'k"q\n', 'x'.repeat(13)];
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const TIMES = [
  String(NOW_NS),
  String(NOW_NS - 123_456_789n),
  String(NOW_NS - 3_600_000_000_000n),
  '',
];
const ODD_TIMES: unknown[] = [
  '0',
  '000',
  '00' + String(NOW_NS),
  String(NOW_NS - 400n * 86_400_000_000_000n),
  String(NOW_NS + 3_600_000_000_000n),
  '999999999',
  '18446744073709551615',
  '123456789012345678901',
  '12a',
  '-5',
  ' 5',
  Number(NOW_NS),
  0,
  1.5,
  null,
  true,
];
const INTS: unknown[] = [
  '0',
  '1',
  '-1',
  '200',
  '9007199254740991',
  '9007199254740993',
  '-9007199254740992',
  '12345678901234567890123',
  200,
  -7,
  0,
];
const ODD_INTS: unknown[] = [
  '007',
  '-0',
  '',
  '+5',
  '1e3',
  ' 5',
  1.5,
  Number('12345678901234567'),
  true,
  null,
];
const DOUBLES: unknown[] = [0.5, 12.25, 100, -3.75];
const ODD_DOUBLES: unknown[] = [-0, 1e21, 1e-7, 0.1 + 0.2, '1.5', null];
const ODD_BOOLS: unknown[] = ['true', 'false', 1, null];
const IDS: unknown[] = [
  '5b8efff798038103d269b633813fc60c',
  '5B8EFFF798038103D269B633813FC60C',
  '00000000000000000000000000000000',
  '',
];
const ODD_IDS: unknown[] = ['W47/95gDgQPSabYzgT/GDA==', 'xyz', null, 7];
const SPANS: unknown[] = ['eee19b7ec3c1b174', 'EEE19B7EC3C1B174', '0000000000000000'];
const ODD_SPANS: unknown[] = ['7u4Zfs', null];

/** Members a record gives twice. */
const DUPLICATES = [
  '"severityNumber":17',
  '"body":{"stringValue":"again"}',
  '"attributes":[{"key":"again","value":{"stringValue":"x"}}]',
  '"traceId":"abcdef0123456789abcdef0123456789"',
  '"timeUnixNano":"1"',
];

let clean = false;
/** In other requests, how often a value is one of the odd ones (most records keep one or none). */
const ODD = 0.1;

/** A value from `usual`, or in a request that is not clean sometimes one from `odd`. */
function choose<T>(rnd: () => number, usual: readonly T[], odd: readonly T[]): T {
  return !clean && rnd() < ODD ? pick(rnd, odd) : pick(rnd, usual);
}

function anyValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (r < 0.4) return { stringValue: choose(rnd, STRINGS, ODD_STRINGS) };
  if (r < 0.55) return { intValue: choose(rnd, INTS, ODD_INTS) };
  if (r < 0.65) return { boolValue: choose(rnd, [true, false], ODD_BOOLS) };
  if (r < 0.73) return { doubleValue: choose(rnd, DOUBLES, ODD_DOUBLES) };
  if (r < 0.78) return { bytesValue: choose<unknown>(rnd, ['AQL6', ''], [5]) };
  if (r < 0.8) return {};
  if (r < 0.82) return { stringValue: 'flat', droppedField: [1, { a: 'b' }] };
  // Keys one byte off the usual ones (the fast path matches the usual text whole).
  if (!clean && r < 0.825) return pick(rnd, [{ stringValues: 'near' }, { intValu: '5' }]);
  if (clean || depth > 2 || rnd() > ODD * 2) return { stringValue: 'flat' };
  if (r < 0.84) return { string_value: 'snake' };
  if (r < 0.86) return { stringValue: 'two', intValue: '5' };
  if (r < 0.88) return { stringValue: null };
  if (r < 0.9) return pick(rnd, [null, 'plain', 5, []]);
  if (r < 0.95) return { arrayValue: { values: [anyValue(rnd, depth + 1), {}] } };
  return { kvlistValue: { values: attributes(rnd, 2, depth + 1) } };
}

function attributes(rnd: () => number, max: number, depth = 1): unknown[] {
  const out: unknown[] = [];
  const n = Math.floor(rnd() * (max + 1));
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const key = choose(rnd, KEYS, ODD_KEYS);
    if (clean && used.has(key)) continue;
    used.add(key);
    const r = rnd();
    if (clean || r > ODD) out.push({ key, value: anyValue(rnd, depth) });
    else if (r < ODD * 0.1)
      out.push(
        pick(rnd, [
          { keys: key, value: {} },
          { key, values: {} },
        ]),
      );
    else if (r < ODD * 0.3) out.push({ key });
    else if (r < ODD * 0.5) out.push({ key, value: null });
    else if (r < ODD * 0.7) out.push({ value: { stringValue: 'no key' } });
    else out.push(pick(rnd, [{ key: 5, value: {} }, 'kv', { value: {}, key, extra: true }]));
  }
  return out;
}

function shuffled<T>(rnd: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function logRecord(rnd: () => number): unknown {
  const fields: [string, unknown][] = [];
  if (rnd() < 0.9) fields.push(['timeUnixNano', choose(rnd, TIMES, ODD_TIMES)]);
  if (rnd() < 0.5) fields.push(['observedTimeUnixNano', choose(rnd, TIMES, ODD_TIMES)]);
  if (rnd() < 0.8)
    fields.push([
      'severityNumber',
      choose(rnd, [0, 1, 9, 13, 17, 24], [25, -3, 9.5, 'SEVERITY_NUMBER_WARN', '9', null]),
    ]);
  if (rnd() < 0.5)
    fields.push(['severityText', choose(rnd, ['INFO', 'Error', 'fatal', ''], ['bogus', null, 5])]);
  if (rnd() < 0.9)
    fields.push([
      'body',
      !clean && rnd() < 0.25
        ? anyValue(rnd, 1)
        : { stringValue: choose(rnd, STRINGS, ODD_STRINGS) },
    ]);
  if (clean || rnd() > ODD) fields.push(['attributes', attributes(rnd, clean ? 8 : 6)]);
  else fields.push(['attributes', pick(rnd, [null, {}, 'x'])]);
  if (rnd() < 0.3) fields.push(['flags', 1]);
  if (rnd() < 0.2) fields.push(['droppedAttributesCount', 2]);
  if (rnd() < 0.1) fields.push(['eventName', 'evt/1']);
  if (rnd() < 0.8) fields.push(['traceId', choose(rnd, IDS, ODD_IDS)]);
  if (rnd() < 0.8) fields.push(['spanId', choose(rnd, SPANS, ODD_SPANS)]);
  if (!clean && rnd() < ODD / 2) fields.push(['time_unix_nano', String(NOW_NS)]);
  // Replaced in the text by a member given twice (JSON.parse keeps the last).
  if (!clean && rnd() < ODD / 2) fields.push(['__dup__', 1]);
  // A member's key one byte off the one the records before had there: longer, shorter, or with
  // one byte changed.
  if (!clean && rnd() < ODD && fields.length > 0) {
    const field = pick(rnd, fields);
    const key = field[0];
    const at = Math.floor(rnd() * key.length);
    field[0] = pick(rnd, [key + 's', key.slice(0, -1), key.slice(0, at) + '_' + key.slice(at + 1)]);
  }
  const record = Object.fromEntries(rnd() < 0.3 ? shuffled(rnd, fields) : fields);
  if (clean) cleanRecords.push(Buffer.from(JSON.stringify(record)));
  return !clean && rnd() < ODD / 4 ? pick(rnd, [null, 5, 'record', [record]]) : record;
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
          : { name: pick(rnd, ['my.lib', '', 'é']), version: pick(rnd, ['1.0', '']) };
      const logRecords = Array.from({ length: Math.floor(rnd() * 5) }, () => logRecord(rnd));
      // A scope after its records only leaves the fast path; the general path reads it anyway.
      scopeLogs.push(
        !clean && rnd() < 0.02
          ? { logRecords, scope }
          : { scope, logRecords, ...(rnd() < 0.1 ? { schemaUrl: 'https://x/1' } : {}) },
      );
    }
    const resource = rnd() < 0.1 ? undefined : { attributes: attributes(rnd, 3) };
    resourceLogs.push(
      !clean && rnd() < 0.02 ? { scopeLogs, resource } : { resource, scopeLogs, schemaUrl: '' },
    );
  }
  const root: Record<string, unknown> = { resourceLogs };
  if (!clean && rnd() < 0.1) root.extra = { nested: [1, 2.5e-3, true, null, 'a\\u00e9'] };
  let text = JSON.stringify(root, null, !clean && rnd() < 0.1 ? 2 : undefined);
  text = text.replace(/"__dup__": ?1/g, () => pick(rnd, DUPLICATES));
  if (!clean) {
    // Escapes JSON.stringify never writes, and other text the general path reads the same.
    if (rnd() < 0.05) text = text.replaceAll('/', '\\/');
    if (rnd() < 0.05) text = text.replaceAll('é', '\\u00e9');
    if (rnd() < 0.01) text = text.replaceAll('"logRecords"', '"log\\u0052ecords"');
    if (rnd() < 0.01) text = text.replace('{"resourceLogs":', '{"resourceLogs":[],"resourceLogs":');
    if (rnd() < 0.03) text = '\ufeff' + text;
    if (rnd() < 0.02) text = text + pick(rnd, [' x', '\n', ' {}', ']']);
    if (rnd() < 0.01) text = '[' + text + ']';
  }
  let body = Buffer.from(text);
  if (!clean && rnd() < 0.03) body = body.subarray(0, Math.floor(body.length * rnd()));
  if (!clean && rnd() < 0.03 && body.length > 0) {
    body = Buffer.from(body);
    body[Math.floor(rnd() * body.length)] = Math.floor(rnd() * 256);
  }
  return body;
}

t.test('the OTLP/JSON fast path writes what the general path writes', async (t) => {
  const variants = [
    limits({}),
    limits({
      maxAttributes: 4,
      maxAttributeValueBytes: 20,
      maxAttributeKeyBytes: 12,
      maxMessageBytes: 25,
      maxNestingDepth: 2,
    }),
    limits({ maxRecordsPerRequest: 3 }),
  ];
  let records = 0;
  let mismatches = 0;
  let refused = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const rnd = random(seed);
    clean = seed % 2 === 0;
    const input = {
      kind: 'otlp' as const,
      contentType: 'application/json',
      contentEncoding: undefined,
      body: request(rnd),
      limits: variants[seed % 4 === 1 ? 1 : seed % 20 === 3 ? 2 : 0] ?? limits({}),
      now: NOW_MS,
      redactor: seed % 10 === 7 ? REDACTOR : undefined,
    };
    const general = await decodeIngestBody(input).catch((error: Error) => error);
    const fast = await decodeAndSerialiseIngestBody(input, TENANT).catch((error: Error) => error);
    if (general instanceof Error || fast instanceof Error) {
      // A body refused whole (400, 413) is refused by both, with the same error.
      refused++;
      if (String(general) !== String(fast) && mismatches++ < 3)
        t.equal(shown(String(fast)), shown(String(general)), `seed ${seed}`);
      continue;
    }
    const expected = general.rows.length === 0 ? undefined : serialiseRows(general.rows, TENANT);
    records += general.rows.length + general.rejected.length;
    const same = sameAsGeneralPath(fast, general, expected);
    if (!same && mismatches++ < 3) {
      t.equal(
        shown(maskIds(fast.serialised?.toString('utf8') ?? '')),
        shown(maskIds(expected?.toString('utf8') ?? '')),
        `seed ${seed}: ${shown(JSON.stringify(input.body.toString('utf8').slice(0, 4000)))}`,
      );
      t.same(fast.rejected, general.rejected, `seed ${seed}: rejections`);
    }
  }
  t.ok(records > 5000, `${records} records generated`);
  t.ok(refused > 50, `${refused} bodies refused whole by both`);
  t.equal(mismatches, 0, `${records} generated records, none written differently`);
});

t.test('most records of clean requests take the fast path', async (t) => {
  const group = { resource: { attributes: {} }, scopeName: 'my.lib', scopeVersion: '1.0' };
  let fast = 0;
  let writtenWhenLeft = 0;
  for (const record of cleanRecords) {
    const writer = new RowWriter(TENANT);
    const taken = transcodeLogRecordJson(record, group, ctx(), writer);
    if (taken) fast++;
    if ((writer.finish() !== undefined) !== taken) writtenWhenLeft++;
  }
  t.equal(writtenWhenLeft, 0, 'a row is written exactly when the record is taken');
  t.ok(fast > cleanRecords.length * 0.6, `${fast} of ${cleanRecords.length} taken`);
});

t.test('a key one byte off the usual text is read as the key it is', async (t) => {
  // The fast path matches each member key against the text it expects there (the usual forms,
  // and the previous record's key at the same place) a word at a time: a key that differs in
  // any one byte must not be taken for the expected one.
  const usual = {
    timeUnixNano: String(NOW_NS),
    observedTimeUnixNano: String(NOW_NS - 1000n),
    severityNumber: 17,
    severityText: 'ERROR',
    body: { stringValue: 'GET /api/orders/1 200' },
    attributes: [
      { key: 'http.status_code', value: { intValue: '200' } },
      { key: 'user.id', value: { stringValue: 'u1' } },
    ],
    flags: 1,
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
  };
  const first = JSON.stringify(usual);
  const variants: string[] = [];
  const keys = [...Object.keys(usual), 'key', 'value', 'stringValue', 'intValue'];
  for (const key of keys) {
    for (let at = 0; at < key.length; at++) {
      const near = key.slice(0, at) + '_' + key.slice(at + 1);
      variants.push(first.replaceAll(`"${key}":`, `"${near}":`));
    }
  }
  let differing = 0;
  for (const second of variants) {
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${first},${second}]}]}]}`;
    const compared = await compareWithGeneralPath(requestOf('otlp', 'application/json', body));
    if (!compared.same && differing++ < 3)
      t.equal(compared.shownFast, compared.shownGeneral, shown(second));
  }
  t.ok(variants.length > 100, `${variants.length} records with a key one byte off`);
  t.equal(differing, 0, 'each written as the general path writes it');
});
