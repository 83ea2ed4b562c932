// The JSON array fast path must answer a /v1/logs application/json body exactly as the general
// path (JSON.parse of the body, decodeJsonValue, normalise, serialise) does, or hand the body back
// to it before writing anything: the same rows, rejections and errors.
import t from 'tap';
import { DecodeBudget } from '../../../src/modules/ingest/decode/decode-budget.ts';
import { serialiseJsonArray } from '../../../src/modules/ingest/decode/json-array-fast.ts';
import { createNormaliseContext } from '../../../src/modules/ingest/decode/normalise-record.ts';
import { RowWriter } from '../../../src/modules/ingest/decode/serialise-rows.ts';
import {
  checkTotals,
  compareOnGenerated,
  limits,
  LOW_LIMITS,
  NOW_MS,
  pick,
  random,
  serialiseArgs,
  TENANT,
} from './fixtures.ts';
import { isClean, line, REDACTOR, setClean } from './generated-lines.ts';

/** Elements that are not records, and text that breaks the array. */
const ODD_ELEMENTS = ['7', 'null', '"text"', '[1,{"a":2}]', 'true', '{}', '[]'];
const SPACES = ['', ' ', '\n', '\r\n  ', '\t'];

function element(rnd: () => number): string {
  if (!isClean() && rnd() < 0.1) return pick(rnd, ODD_ELEMENTS);
  return line(rnd).replace(/\r$/, '');
}

function body(rnd: () => number): string {
  const r = isClean() ? 1 : rnd();
  // A single object, NDJSON and a JSON stream labelled application/json, and bodies JSON.parse
  // refuses: all the general path's.
  if (r < 0.03) return element(rnd);
  if (r < 0.05) return `${element(rnd)}\n${element(rnd)}\n`;
  if (r < 0.07) return `${element(rnd)}${element(rnd)}`;
  if (r < 0.08) return '[{"message":"a"},]';
  if (r < 0.09) return '[{"message":"a"}] trailing';
  if (r < 0.1) return '[{"message":"a"}';
  const space = (): string => pick(rnd, SPACES);
  const elements = Array.from({ length: Math.floor(rnd() * 8) }, () => element(rnd));
  return (
    (rnd() < 0.05 ? '\ufeff' : '') +
    space() +
    '[' +
    space() +
    elements.join(space() + ',' + space()) +
    space() +
    ']' +
    space()
  );
}

t.test('the JSON array fast path answers what the general path answers', async (t) => {
  const variants = [limits({}), LOW_LIMITS, limits({ maxRecordsPerRequest: 3 })];
  const totals = await compareOnGenerated(t, 4000, (seed) => {
    const rnd = random(seed);
    setClean(seed % 4 >= 2);
    const text = body(rnd);
    const input = {
      kind: 'logs' as const,
      contentType: 'application/json',
      contentEncoding: undefined,
      body: Buffer.from(text),
      limits: variants[seed % variants.length] ?? limits({}),
      now: NOW_MS,
      redactor: seed % 5 === 0 ? REDACTOR : undefined,
    };
    const counted = isClean() && input.redactor === undefined;
    const fastRows = () =>
      serialiseJsonArray(input.body, ...serialiseArgs(input.limits))?.fast ?? 0;
    return { input, text: () => JSON.stringify(text), ...(counted ? { fastRows } : {}) };
  });
  checkTotals(t, totals, { records: 6000, refused: 100, fastShare: 0.5 });
});

t.test('what the fast path hands back, and a typical batch it takes whole', async (t) => {
  const ctx = createNormaliseContext(limits({ maxRecordsPerRequest: 2 }), NOW_MS);
  const budget = new DecodeBudget(limits({}).decodeCpuBudgetMs);
  for (const text of [
    '{"message":"one"}',
    '[{"message":"a"},{"message":"b"},{"message":"c"}]',
    '[{"a":1}',
    '[1] 2',
    '[{"a":1}x{"b":2}]',
  ]) {
    const writer = new RowWriter(TENANT);
    t.equal(serialiseJsonArray(Buffer.from(text), ctx, writer, [], budget), undefined, text);
    t.equal(writer.finish(), undefined, `${text}: nothing written`);
  }
  const batch = Buffer.from(
    JSON.stringify(
      Array.from({ length: 50 }, (_, i) => ({
        date: (NOW_MS - 60_000) / 1000 + i,
        log: `GET /api/orders/${i} 200`,
        level: 'info',
        kubernetes: { pod_name: 'web-1', namespace_name: 'shop' },
      })),
    ),
  );
  const writer = new RowWriter(TENANT);
  const counts = serialiseJsonArray(
    batch,
    createNormaliseContext(limits({}), NOW_MS),
    writer,
    [],
    budget,
  );
  t.same(counts, { accepted: 50, dropped: 0, fast: 50 }, "Fluent Bit's json batch: every row fast");
});
