// OTLP/JSON AnyValues of the wrong JSON type (hardening issue 21, finding 5): the record holding one
// is rejected alone, with invalid_field_type; a resource holding one rejects the records under it;
// the request as a whole still succeeds and nothing throws past the decoder (which was a 500).
import t from 'tap';
import { decodeIngestBody } from '../../../src/modules/ingest/decode/index.ts';
import { LIMITS, NOW_MS } from './fixtures.ts';

const HOSTILE: unknown[] = [
  { toString: 1 },
  { valueOf: 'x' },
  ['a'],
  { a: { b: 1 } },
  { toString: null, valueOf: null },
];
const KINDS = ['stringValue', 'intValue', 'doubleValue', 'bytesValue'] as const;

function otlp(resource: unknown, logRecords: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ logRecords }] }] }));
}

const decode = (body: Buffer) =>
  decodeIngestBody({
    kind: 'otlp',
    contentType: 'application/json',
    contentEncoding: undefined,
    body,
    limits: LIMITS,
    now: NOW_MS,
  });

const good = { body: { stringValue: 'fine' } };

t.test('a wrong-typed AnyValue in a body or attribute rejects that record only', async (t) => {
  for (const kind of KINDS) {
    for (const bad of HOSTILE) {
      const label = `${kind}: ${JSON.stringify(bad)}`;
      const inBody = { body: { [kind]: bad } };
      const inAttribute = { attributes: [{ key: 'k', value: { [kind]: bad } }] };
      const inNested = {
        body: { kvlistValue: { values: [{ key: 'k', value: { [kind]: bad } }] } },
      };
      const result = await decode(otlp(undefined, [good, inBody, inAttribute, inNested, good]));
      t.equal(result.rows.length, 2, `${label}: the good records are kept`);
      t.same(
        result.rejected.map((r) => [r.index, r.code]),
        [
          [1, 'invalid_field_type'],
          [2, 'invalid_field_type'],
          [3, 'invalid_field_type'],
        ],
        `${label}: each bad record is rejected alone`,
      );
    }
  }
});

t.test('a wrong-typed resource attribute rejects the records under that resource', async (t) => {
  for (const kind of KINDS) {
    for (const bad of HOSTILE) {
      const resource = { attributes: [{ key: 'service.name', value: { [kind]: bad } }] };
      const result = await decode(
        Buffer.from(
          JSON.stringify({
            resourceLogs: [
              { resource, scopeLogs: [{ logRecords: [good, good] }] },
              { scopeLogs: [{ logRecords: [good] }] },
            ],
          }),
        ),
      );
      t.equal(result.rows.length, 1, `${kind} ${JSON.stringify(bad)}: other resources are kept`);
      t.same(
        result.rejected.map((r) => r.code),
        ['invalid_field_type', 'invalid_field_type'],
      );
    }
  }
});

t.test('well-typed values keep their meaning', async (t) => {
  const result = await decode(
    otlp(undefined, [
      { body: { stringValue: 'text' } },
      { body: { intValue: '42' } },
      { body: { intValue: 7 } },
      { body: { doubleValue: 1.5 } },
      { body: { bytesValue: 'AQID' } },
      { body: { stringValue: null } },
    ]),
  );
  t.same(result.rejected, []);
  t.same(
    result.rows.map((r) => r.message),
    ['text', '42', '7', '1.5', 'AQID', ''],
  );
});
