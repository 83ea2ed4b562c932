import t from 'tap';
import { decodeIngestBody, IngestInputError } from '../../../src/modules/ingest/decode/index.ts';
import type { DecodeIngestBodyInput } from '../../../src/modules/ingest/decode/index.ts';
import { LIMITS, NOW_MS, NOW_TEXT, limits } from './fixtures.ts';

function decode(body: string | Buffer, over: Partial<DecodeIngestBodyInput> = {}) {
  return decodeIngestBody({
    kind: 'logs',
    contentType: 'application/json',
    contentEncoding: undefined,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    limits: LIMITS,
    now: NOW_MS,
    ...over,
  });
}

async function errorOf(p: Promise<unknown>): Promise<IngestInputError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IngestInputError) return err;
    throw err;
  }
  throw new Error('expected an IngestInputError');
}

t.test('one object, an array, an empty array', async (t) => {
  const one = await decode(
    '{"message":"hi","level":"error","timestamp":"2026-01-15T11:00:00.000000123Z"}',
  );
  t.equal(one.rows.length, 1);
  t.equal(one.rows[0]?.ts, '2026-01-15 11:00:00.000000123');
  t.equal(one.rows[0]?.level, 'error');
  const many = await decode(JSON.stringify([{ message: 'a' }, { message: 'b' }]));
  t.same(
    many.rows.map((r) => r.message),
    ['a', 'b'],
  );
  t.same(many.rejected, []);
  const empty = await decode('[]');
  t.same(empty, { rows: [], rejected: [], dropped: 0 });
});

t.test('array elements that are not objects are rejected alone', async (t) => {
  const r = await decode(
    JSON.stringify([{ message: 'a' }, 'str', 5, null, [1], { message: 'b', timestamp: false }]),
  );
  t.same(
    r.rows.map((x) => x.message),
    ['a'],
  );
  t.same(
    r.rejected.map((x) => [x.index, x.code]),
    [
      [1, 'not_an_object'],
      [2, 'not_an_object'],
      [3, 'not_an_object'],
      [4, 'not_an_object'],
      [5, 'invalid_field_type'],
    ],
  );
});

t.test('malformed JSON, scalars, invalid UTF-8, empty body → 400', async (t) => {
  for (const [body, code] of [
    ['{"message": "a"', 'invalid_json'],
    ['', 'invalid_json'],
    ['"just a string"', 'invalid_body'],
    ['42', 'invalid_body'],
    [Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'invalid_utf8'],
  ] as const) {
    const err = await errorOf(decode(body));
    t.equal(err.statusCode, 400, String(body));
    t.equal(err.code, code, String(body));
  }
});

t.test('a UTF-8 BOM is ignored; control characters are data', async (t) => {
  const r = await decode(
    Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"message":"a\\u0000b\\u001b[31m"}'),
    ]),
  );
  t.equal(r.rows[0]?.message, 'a\u0000b\u001b[31m');
  t.equal(r.rows[0]?.observed_ts, NOW_TEXT);
});

t.test('too many records → 413', async (t) => {
  const err = await errorOf(decode('[{},{},{}]', { limits: limits({ maxRecordsPerRequest: 2 }) }));
  t.equal(err.statusCode, 413);
  t.equal(err.code, 'too_many_records');
});

t.test(
  'NDJSON labelled application/json (as some shippers send it) is read as NDJSON',
  async (t) => {
    const r = await decode('{"message":"a"}\n{"message":"b"}\n{bad\n');
    t.same(
      r.rows.map((x) => x.message),
      ['a', 'b'],
    );
    t.same(
      r.rejected.map((x) => [x.index, x.code]),
      [[2, 'invalid_json']],
    );
    const noType = await decode('{"message":"a"}', { contentType: undefined });
    t.equal(noType.rows.length, 1, 'no Content-Type is read as JSON');
  },
);

t.test('10k-record array', async (t) => {
  const records = Array.from({ length: 10_000 }, (_, i) => ({ message: `m${i}`, i }));
  const r = await decode(JSON.stringify(records));
  t.equal(r.rows.length, 10_000);
  t.equal(r.rows[9999]?.attributes['i'], '9999');
  t.equal(new Set(r.rows.map((x) => x.id)).size, 10_000, 'unique ids');
});
