import zlib from 'node:zlib';
import t from 'tap';
import { decodeIngestBody, IngestInputError } from '../../../src/modules/ingest/decode/index.ts';
import { LIMITS, NOW_MS, limits, ndjson } from './fixtures.ts';

function decode(body: Buffer, contentEncoding?: string, lim = LIMITS) {
  return decodeIngestBody({
    kind: 'logs',
    contentType: 'application/x-ndjson',
    contentEncoding,
    body,
    limits: lim,
    now: NOW_MS,
  });
}

t.test('one object per line; blank lines and CRLF are framing', async (t) => {
  const body = Buffer.from('{"message":"a"}\r\n\n   \n{"message":"b","level":"debug"}\r\n\n');
  const r = await decode(body);
  t.same(
    r.rows.map((x) => [x.message, x.level]),
    [
      ['a', 'info'],
      ['b', 'debug'],
    ],
  );
  t.same(r.rejected, []);
  t.same(
    await decode(Buffer.alloc(0)),
    { rows: [], rejected: [], dropped: 0 },
    'an empty body is an empty batch',
  );
});

t.test('a malformed line rejects that record only, indexes count records', async (t) => {
  const body = Buffer.from(
    [
      '{"message":"ok0"}',
      '',
      '{"message": nope}',
      '[1,2]',
      '{"message":"ok3","timestamp":"2026-01-15T12:00:00.987654321Z"}',
      '{"message":{"a":1}}',
      'null',
    ].join('\n'),
  );
  const r = await decode(body);
  t.same(
    r.rows.map((x) => [x.message, x.ts]),
    [
      ['ok0', '2026-01-15 12:00:00.250000000'],
      ['ok3', '2026-01-15 12:00:00.987654321'],
    ],
  );
  t.same(
    r.rejected.map((x) => [x.index, x.code]),
    [
      [1, 'invalid_json'],
      [2, 'not_an_object'],
      [4, 'invalid_field_type'],
      [5, 'not_an_object'],
    ],
  );
  t.match(r.rejected[0]?.error, /^line 3 is not valid JSON/, 'the error names the physical line');
});

t.test('invalid UTF-8 rejects only its line', async (t) => {
  const body = Buffer.concat([
    Buffer.from('{"message":"good"}\n{"message":"'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('"}\n{"message":"ünïcode"}\n'),
  ]);
  const r = await decode(body);
  t.same(
    r.rows.map((x) => x.message),
    ['good', 'ünïcode'],
  );
  t.same(r.rejected, [{ index: 1, code: 'invalid_utf8', error: 'line 2 is not valid UTF-8' }]);
});

t.test('gzip-encoded NDJSON, 10k records, 64 KiB messages', async (t) => {
  const records = Array.from({ length: 10_000 }, (_, i) => ({
    ts: String(BigInt(NOW_MS) * 1_000_000n + BigInt(i)),
    message: i === 0 ? 'x'.repeat(64 * 1024) : `m${i}`,
    level: i % 2 === 0 ? 'warn' : 'err',
  }));
  const r = await decode(zlib.gzipSync(ndjson(records)), 'gzip');
  t.equal(r.rows.length, 10_000);
  t.equal(r.rows[0]?.message.length, 64 * 1024);
  t.equal(r.rows[7]?.ts, '2026-01-15 12:00:00.250000007', 'nanosecond epoch string');
  t.equal(r.rows[7]?.level, 'error');
});

t.test('more lines than the record limit → 413 before parsing', async (t) => {
  try {
    await decode(ndjson([{}, {}, {}]), undefined, limits({ maxRecordsPerRequest: 2 }));
    t.fail('expected 413');
  } catch (err) {
    t.ok(err instanceof IngestInputError);
    t.equal((err as IngestInputError).statusCode, 413);
  }
});
