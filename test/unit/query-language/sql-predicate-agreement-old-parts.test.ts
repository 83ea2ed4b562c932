import t from 'tap';
import fc from 'fast-check';
import {
  compileQueryToPredicate,
  compileQueryToSql,
  parseQuery,
} from '../../../src/modules/search/query-language/index.ts';
import type { LogRow } from '../../../src/modules/search/query-language/index.ts';
import { openLogsTable } from './chdb-logs-table.ts';
import type { LogsTable } from './chdb-logs-table.ts';
import { logRowsArb, rowId } from './log-row-arbitraries.ts';
import { queryArb } from './query-arbitraries.ts';

/**
 * Attribute equality reads attr_kv (clickhouse/0004). Parts written before that migration do not
 * store it: ClickHouse computes it from attributes when reading them. Here every row predates the
 * column, and SQL must still select what the JS predicate selects.
 */
let table: LogsTable;
t.before(async () => {
  table = await openLogsTable({ pairsAfterInsert: true });
});
t.teardown(async () => {
  await table?.close();
});

async function agreement(rows: readonly LogRow[], query: string): Promise<void> {
  const ast = parseQuery(query);
  const { sql, params } = compileQueryToSql(ast);
  const fromSql = await table.matchingIds(sql, params);
  const fromJs = rows
    .filter(compileQueryToPredicate(ast))
    .map((row) => row.id)
    .sort();
  if (JSON.stringify(fromSql) !== JSON.stringify(fromJs)) {
    throw new Error(
      `SQL and JS disagree for ${JSON.stringify(query)}\nsql: ${sql}\nparams: ${JSON.stringify(params)}\n` +
        `SQL: ${fromSql.join(',')}\nJS: ${fromJs.join(',')}`,
    );
  }
}

function row(index: number, attributes: Record<string, string>): LogRow {
  return {
    id: rowId(index),
    ts: new Date().toISOString().replace('T', ' ').replace('Z', ''),
    org_id: '7d3f0a11-2b1c-4d5e-8f90-a1b2c3d4e5f6',
    app_id: '0b0e7a52-1c5a-4c1e-9a55-1f1b2c3d4e5f',
    level: 'info',
    service: '',
    host: '',
    message: '',
    attributes,
    resource: {},
    trace_id: '',
    span_id: '',
    user_id: '',
  };
}

t.test('pairs whose text is ambiguous, empty values and absent keys', async (t) => {
  const rows = [
    row(0, { a: 'b=c' }),
    row(1, { 'a=b': 'c' }),
    row(2, { status: '500' }),
    row(3, { status: '' }),
    row(4, {}),
    row(5, { status: '500', other: 'status=500' }),
  ];
  await table.replaceRows(rows);
  for (const query of [
    'a:"b=c"',
    'status:500',
    '-status:500',
    'status:""',
    '-status:""',
    'other:"status=500"',
    'status:500 OR a:"b=c"',
  ]) {
    await agreement(rows, query);
  }
  t.pass('agree');
});

t.test('random rows and random queries agree on parts without attr_kv', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      logRowsArb(25),
      fc.array(queryArb, { minLength: 1, maxLength: 8 }),
      async (rows, queries) => {
        await table.replaceRows(rows);
        for (const query of queries) await agreement(rows, query);
      },
    ),
    { numRuns: 40 },
  );
  t.pass('SQL and JS selected the same rows');
});
