import t from 'tap';
import {
  decodeIngestBody,
  INSERT_COLUMNS,
  parseSerialisedRow,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import { LIMITS, NOW_MS, ndjson, TENANT } from './fixtures.ts';

const tenant = TENANT;

t.test(
  'JSONCompactEachRow: one array per line with every logs column in INSERT_COLUMNS order',
  async (t) => {
    const { rows } = await decodeIngestBody({
      kind: 'logs',
      contentType: 'application/x-ndjson',
      contentEncoding: undefined,
      body: ndjson([
        {
          message: 'line1\nline2 "quoted" \u0000 \u001f',
          level: 'error',
          service: 'svc"x',
          k: 'v',
        },
        { message: '世界 🎉', timestamp: '2026-01-15T12:00:00.000000009Z' },
      ]),
      limits: LIMITS,
      now: NOW_MS,
    });
    const buf = serialiseRows(rows, tenant);
    const text = buf.toString('utf8');
    t.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    t.equal(lines.length, 2, 'newlines inside values are escaped');
    t.ok(
      lines.every((l) => (JSON.parse(l) as unknown[]).length === INSERT_COLUMNS.length),
      'one value per column',
    );
    const parsed = lines.map((l) => parseSerialisedRow(l) as Record<string, unknown>);
    t.same(Object.keys(parsed[0] ?? {}).sort(), [
      'app_id',
      'attributes',
      'host',
      'id',
      'level',
      'message',
      'observed_ts',
      'org_id',
      'resource',
      'retention_days',
      'service',
      'severity_number',
      'span_id',
      'trace_id',
      'ts',
      'user_id',
    ]);
    t.same(parsed[0], { ...rows[0], ...tenant, attributes: { k: 'v' }, resource: {} });
    t.equal(
      parsed[0]?.['message'],
      'line1\nline2 "quoted" \u0000 \u001f',
      'control characters survive as data',
    );
    t.equal(parsed[1]?.['message'], '世界 🎉');
    t.equal(parsed[1]?.['ts'], '2026-01-15 12:00:00.000000009');
    t.equal(serialiseRows([], tenant).length, 0, 'no rows, no bytes');
  },
);

t.test('parseSerialisedRow refuses what is not a serialised logs row', async (t) => {
  t.throws(() => parseSerialisedRow('{"id":"x"}'), SyntaxError);
  t.throws(() => parseSerialisedRow('["too","short"]'), SyntaxError);
  t.throws(() => parseSerialisedRow('[1,'), SyntaxError);
});

t.test('retention_days must fit UInt16', async (t) => {
  t.throws(() => serialiseRows([], { ...tenant, retention_days: 70_000 }), RangeError);
  t.throws(() => serialiseRows([], { ...tenant, retention_days: 1.5 }), RangeError);
});

t.test('requests serialised one after another keep their own bytes, however large', async (t) => {
  const decode = async (count: number, text: string) =>
    (
      await decodeIngestBody({
        kind: 'logs',
        contentType: 'application/x-ndjson',
        contentEncoding: undefined,
        body: ndjson(Array.from({ length: count }, (_, i) => ({ message: `${text} ${i}` }))),
        limits: LIMITS,
        now: NOW_MS,
      })
    ).rows;
  const first = serialiseRows(await decode(3, 'first'), tenant);
  const firstText = first.toString('utf8');
  // Over the 4 MiB slab: the writer moves to a new one part-way.
  const big = serialiseRows(await decode(20_000, 'x'.repeat(300)), tenant);
  const last = serialiseRows(await decode(2, 'last'), tenant);
  t.equal(first.toString('utf8'), firstText, 'earlier bytes untouched by later requests');
  t.equal(big.toString('utf8').split('\n').length, 20_001);
  t.ok(
    big
      .toString('utf8')
      .split('\n')[19_999]
      ?.includes(`${'x'.repeat(300)} 19999`),
  );
  t.equal(last.toString('utf8').split('\n').length, 3);
  t.equal(parseSerialisedRow(last.toString('utf8').split('\n')[1] ?? '').message, 'last 1');
});
