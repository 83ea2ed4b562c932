import t from 'tap';
import {
  bulkResponseBody,
  decodeIngestBody,
  IngestInputError,
} from '../../../src/modules/ingest/decode/index.ts';
import { LIMITS, NOW_MS, UUID_V7 } from './fixtures.ts';

function decode(
  lines: readonly (string | object)[],
  bulkIndex?: string,
  contentType = 'application/x-ndjson',
) {
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  return decodeIngestBody({
    kind: 'bulk',
    contentType,
    contentEncoding: undefined,
    body: Buffer.from(text),
    limits: LIMITS,
    now: NOW_MS,
    ...(bulkIndex === undefined ? {} : { bulkIndex }),
  });
}

t.test(
  'mixed actions: index/create accepted, delete/update and bad documents answered per item',
  async (t) => {
    const r = await decode(
      [
        { index: { _index: 'logs-app', _id: 'a1' } },
        {
          '@timestamp': '2026-01-15T11:59:59.5Z',
          message: 'first',
          log: { level: 'warn' },
          host: { name: 'h' },
        },
        { create: {} },
        { message: 'second', 'log.level': 'ERROR' },
        { delete: { _index: 'logs-app', _id: 'old' } },
        { update: { _id: 'u1' } },
        { doc: { message: 'ignored' } },
        { index: {} },
        '{"message": broken',
        { index: {} },
        { message: 'third', '@timestamp': true },
      ],
      'default-index',
    );
    t.same(
      r.rows.map((x) => [x.message, x.level, x.ts]),
      [
        ['first', 'warn', '2026-01-15 11:59:59.500000000'],
        ['second', 'error', '2026-01-15 12:00:00.250000000'],
      ],
    );
    t.equal(r.rows[0]?.host, 'h');
    t.same(
      r.rejected.map((x) => [x.index, x.code]),
      [
        [2, 'unsupported_bulk_action'],
        [3, 'unsupported_bulk_action'],
        [4, 'invalid_json'],
        [5, 'invalid_field_type'],
      ],
    );
    const items = r.bulkItems ?? [];
    t.same(
      items.map((i) => [i.action, i.index, i.status]),
      [
        ['index', 'logs-app', 201],
        ['create', 'default-index', 201],
        ['delete', 'logs-app', 400],
        ['update', 'default-index', 400],
        ['index', 'default-index', 400],
        ['index', 'default-index', 400],
      ],
    );
    t.equal(items[0]?.id, 'a1', 'the shipper’s _id is echoed');
    t.match(items[1]?.id, UUID_V7, 'otherwise the row id');
    t.equal(items[1]?.id, r.rows[1]?.id);
    t.equal(items[2]?.error?.type, 'illegal_argument_exception');
    t.equal(items[4]?.error?.type, 'mapper_parsing_exception');

    const response = bulkResponseBody(items, 12.4) as {
      took: number;
      errors: boolean;
      items: Record<string, { status: number }>[];
    };
    t.equal(response.took, 12);
    t.equal(response.errors, true);
    t.equal(response.items.length, 6);
    t.same(response.items[0], {
      index: {
        _index: 'logs-app',
        _id: 'a1',
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
        status: 201,
      },
    });
    t.equal(response.items[2]?.['delete']?.status, 400);
  },
);

t.test('all good → errors: false; empty body → no items', async (t) => {
  const r = await decode([{ index: {} }, { message: 'a' }], undefined, 'application/json');
  t.equal((bulkResponseBody(r.bulkItems ?? [], 1) as { errors: boolean }).errors, false);
  const empty = await decodeIngestBody({
    kind: 'bulk',
    contentType: undefined,
    contentEncoding: undefined,
    body: Buffer.alloc(0),
    limits: LIMITS,
    now: NOW_MS,
  });
  t.same(empty, { rows: [], rejected: [], bulkItems: [], dropped: 0 });
});

t.test('an index action at the end without its document is a failed item', async (t) => {
  const r = await decode([{ index: {} }, { message: 'a' }, { index: {} }]);
  t.equal(r.rows.length, 1);
  t.same(
    r.rejected.map((x) => x.code),
    ['missing_document'],
  );
});

t.test('malformed action lines fail the whole request, as in Elasticsearch', async (t) => {
  for (const bad of ['{not json', '{"index": {}, "create": {}}', '{"upsert": {}}', '[1]']) {
    try {
      await decode([bad, { message: 'a' }]);
      t.fail(bad);
    } catch (err) {
      t.ok(err instanceof IngestInputError, bad);
      t.equal((err as IngestInputError).statusCode, 400, bad);
      t.equal((err as IngestInputError).code, 'invalid_bulk', bad);
    }
  }
});
