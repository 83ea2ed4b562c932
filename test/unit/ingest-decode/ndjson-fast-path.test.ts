// The NDJSON fast path must write exactly what the general path (JSON.parse, normalise, serialise)
// writes, or leave the line to it. Generated records exercise every rule both paths apply.
import t from 'tap';
import {
  decodeAndSerialiseIngestBody,
  decodeIngestBody,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import { transcodeLine } from '../../../src/modules/ingest/decode/ndjson-fast-path.ts';
import { RowWriter } from '../../../src/modules/ingest/decode/serialise-rows.ts';
import {
  ctx,
  limits,
  maskIds,
  NOW_MS,
  random,
  sameAsGeneralPath,
  shown,
  TENANT,
} from './fixtures.ts';
import { isClean, line, REDACTOR, setClean } from './generated-lines.ts';

const tenant = TENANT;

t.test('the fast path writes what the general path writes, line for line', async (t) => {
  const variants = [
    limits({}),
    limits({
      maxNestingDepth: 2,
      maxAttributes: 5,
      maxAttributeValueBytes: 40,
      maxAttributeKeyBytes: 6,
      maxMessageBytes: 30,
    }),
  ];
  let lines = 0;
  let mismatches = 0;
  for (let seed = 1; seed <= 6000; seed++) {
    const rnd = random(seed);
    setClean(seed % 4 >= 2);
    const body = Buffer.from(
      Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => line(rnd)).join('\n') +
        (rnd() < 0.5 ? '\n' : ''),
    );
    const input = {
      kind: 'logs' as const,
      // Shippers label NDJSON application/json too; a body that is one JSON document stays JSON.
      contentType: seed % 3 === 0 ? 'application/json' : 'application/x-ndjson',
      contentEncoding: undefined,
      body,
      limits: variants[seed % 2] ?? limits({}),
      now: NOW_MS,
      redactor: seed % 5 < 2 ? REDACTOR : undefined,
    };
    const general = await decodeIngestBody(input).catch((error: Error) => error);
    const fast = await decodeAndSerialiseIngestBody(input, tenant).catch((error: Error) => error);
    if (general instanceof Error || fast instanceof Error) {
      // A body refused whole (400, 413) is refused by both, with the same error.
      if (String(general) !== String(fast) && mismatches++ < 3)
        t.equal(String(fast), String(general), `seed ${seed}: ${body.toString('utf8')}`);
      continue;
    }
    const expected = general.rows.length === 0 ? undefined : serialiseRows(general.rows, tenant);
    lines += general.rows.length + general.rejected.length;
    const same = sameAsGeneralPath(fast, general, expected);
    if (!same && mismatches++ < 3) {
      t.equal(
        maskIds(fast.serialised?.toString('utf8') ?? ''),
        maskIds(expected?.toString('utf8') ?? ''),
        `seed ${seed}: ${body.toString('utf8')}`,
      );
      t.same(fast.rejected, general.rejected, `seed ${seed}: rejections`);
    }
  }
  t.equal(mismatches, 0, `${lines} generated records, none written differently`);
  const fired = REDACTOR.drainCounts();
  for (const id of ['r1', 'r2', 'r3', 'r4', 'r5'])
    t.ok((fired.get(id)?.records ?? 0) > 0, `rule ${id} changed generated records`);
});

t.test('typical records take the fast path', async (t) => {
  const records = [
    {
      timestamp: '2026-01-15T12:00:00.123Z',
      level: 'error',
      message: 'GET /api/orders/1 200 in 3 ms',
      service: 'checkout',
      host: 'web-1',
      trace_id: '5b8efff798038103d269b633813fc60c',
      user_id: 'u1',
      http: { method: 'GET', status: 200 },
      duration_ms: 12.5,
    },
    {
      ts: 1768478400,
      msg: 'nested ECS',
      service: { name: 'api' },
      log: { level: 'warn' },
      host: { name: 'h1' },
      user: { id: 'u2' },
      ok: true,
      gone: null,
    },
    {
      '@timestamp': '2026-01-15T12:00:00Z',
      message: 'quoted "text"\nwith escapes é',
      attributes: { region: 'eu' },
    },
    // rsyslog omelasticsearch's stock template, and syslog-ng elasticsearch-http()'s.
    {
      message: ' disk full',
      fromhost: 'web-1',
      facility: 'user',
      priority: 'err',
      timereported: '2026-01-15T12:00:00+00:00',
      timegenerated: '2026-01-15T12:00:01.123456+00:00',
    },
    {
      PROGRAM: 'sshd',
      PRIORITY: 'notice',
      PID: '42',
      MESSAGE: 'accepted',
      HOST: 'bastion',
      FACILITY: 'auth',
      ISODATE: '2026-01-15T12:00:00+00:00',
      '@timestamp': '2026-01-15T12:00:00+00:00',
    },
  ];
  for (const record of records) {
    const text = Buffer.from(JSON.stringify(record));
    const writer = new RowWriter(tenant);
    t.ok(transcodeLine(text, 0, text.length, ctx(), writer), JSON.stringify(record));
    t.ok(writer.finish(), 'a row was written');
  }
  const bail = Buffer.from('{"message":"a\\/b"}');
  const writer = new RowWriter(tenant);
  t.notOk(
    transcodeLine(bail, 0, bail.length, ctx(), writer),
    'an escape JSON.stringify would not write leaves the fast path',
  );
  t.equal(writer.finish(), undefined, 'nothing written for a line that left');
});

t.test('a body over the record limit is refused whole, blank lines not counted', async (t) => {
  const body = Buffer.from('{"message":"a"}\n\n  \r\n{"message":"b"}\n{"message":"c"}\n');
  const input = {
    kind: 'logs' as const,
    contentType: 'application/x-ndjson',
    contentEncoding: undefined,
    body,
    limits: limits({ maxRecordsPerRequest: 2 }),
    now: NOW_MS,
  };
  await t.rejects(decodeAndSerialiseIngestBody(input, tenant), {
    statusCode: 413,
    code: 'too_many_records',
  });
  const ok = await decodeAndSerialiseIngestBody(
    { ...input, limits: limits({ maxRecordsPerRequest: 3 }) },
    tenant,
  );
  t.equal(ok.accepted, 3);
});

t.test("records beyond the fast path's own bounds go to the general path", async (t) => {
  const manyKeys = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, {}]));
  let deep: unknown = 'leaf';
  for (let i = 0; i < 40; i++) deep = { d: deep };
  for (const record of [manyKeys, { message: 'deep', deep }]) {
    const text = Buffer.from(JSON.stringify(record));
    const big = limits({ maxNestingDepth: 100 });
    t.notOk(
      transcodeLine(text, 0, text.length, ctx({ maxNestingDepth: 100 }), new RowWriter(tenant)),
    );
    const input = {
      kind: 'logs' as const,
      contentType: 'application/x-ndjson',
      contentEncoding: undefined,
      body: text,
      limits: big,
      now: NOW_MS,
    };
    const general = await decodeIngestBody(input);
    const fast = await decodeAndSerialiseIngestBody(input, tenant);
    t.equal(fast.accepted, 1);
    t.equal(fast.accepted, general.rows.length);
  }
});

/** An action line of a bulk body: mostly index/create, some with _id/_index, some refused. */
function bulkAction(rnd: () => number): string {
  const r = rnd();
  if (!isClean() && r < 0.02) return '{"index":';
  if (!isClean() && r < 0.03) return '["index"]';
  if (r < 0.08) return '{"delete":{"_id":"d1"}}';
  if (r < 0.12) return '{"update":{"_id":"u1"}}';
  const action = r < 0.6 ? 'index' : 'create';
  const meta =
    rnd() < 0.3
      ? `{"_id":"${Math.floor(rnd() * 1000)}","_index":"logs-x"}`
      : rnd() < 0.5
        ? '{}'
        : '{"_index":7}';
  return `{"${action}":${meta}}`;
}

/** Items with generated ids blanked (the paths draw different random ids). */
function maskedItems(items: readonly { id: string | null }[] | undefined): string {
  return JSON.stringify(items ?? []).replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    '<id>',
  );
}

t.test('the bulk fast path answers what the general path answers, item for item', async (t) => {
  let items = 0;
  let mismatches = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const rnd = random(seed);
    setClean(seed % 4 >= 2);
    const parts: string[] = [];
    for (let i = 1 + Math.floor(rnd() * 6); i > 0; i--) {
      parts.push(bulkAction(rnd));
      // A missing document line at the end, now and then.
      if (i > 1 || rnd() < 0.9) parts.push(line(rnd));
    }
    const body = Buffer.from(
      (seed % 7 === 0 ? '\ufeff' : '') + parts.join(rnd() < 0.2 ? '\r\n' : '\n') + '\n',
    );
    const input = {
      kind: 'bulk' as const,
      contentType: 'application/x-ndjson',
      contentEncoding: undefined,
      body,
      limits: seed % 10 === 0 ? limits({ maxRecordsPerRequest: 2 }) : limits({}),
      now: NOW_MS,
      bulkIndex: seed % 3 === 0 ? 'from-path' : undefined,
      redactor: seed % 5 < 2 ? REDACTOR : undefined,
    };
    const general = await decodeIngestBody(input).catch((error: Error) => error);
    const fast = await decodeAndSerialiseIngestBody(input, tenant).catch((error: Error) => error);
    if (general instanceof Error || fast instanceof Error) {
      if (String(general) !== String(fast) && mismatches++ < 3)
        t.equal(
          shown(String(fast)),
          shown(String(general)),
          `seed ${seed}: ${shown(JSON.stringify(body.toString('utf8')))}`,
        );
      continue;
    }
    const expected = general.rows.length === 0 ? undefined : serialiseRows(general.rows, tenant);
    items += general.bulkItems?.length ?? 0;
    // A generated id in an item is the id of a row the same request wrote (a record a
    // drop_record rule dropped reports an id too, of a row never written).
    const fastText = fast.serialised?.toString('utf8') ?? '';
    const idsInRows = (fast.dropped > 0 ? [] : (fast.bulkItems ?? [])).every(
      (item) =>
        item.status !== 201 ||
        item.id === null ||
        !/^[0-9a-f]{8}-/.test(item.id) ||
        fastText.includes(`"${item.id}"`),
    );
    const same =
      sameAsGeneralPath(fast, general, expected) &&
      maskedItems(fast.bulkItems) === maskedItems(general.bulkItems) &&
      idsInRows;
    if (!same && mismatches++ < 3) {
      t.equal(maskIds(fastText), maskIds(expected?.toString('utf8') ?? ''), `seed ${seed}: rows`);
      t.equal(maskedItems(fast.bulkItems), maskedItems(general.bulkItems), `seed ${seed}: items`);
      t.ok(idsInRows, `seed ${seed}: item ids are row ids`);
    }
  }
  t.ok(items > 5000, `${items} items generated`);
  t.equal(mismatches, 0, 'no bulk body answered differently');
});
