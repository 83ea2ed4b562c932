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
 * The live tail (JS predicate) and search (SQL) must select exactly the same rows for any query.
 * Rows go into a real ClickHouse `logs` table (chdb); no part of ClickHouse is mocked.
 */
const QUERY_RUNS = 1000;

let table: LogsTable;
t.before(async () => {
  table = await openLogsTable();
});
t.teardown(async () => {
  await table?.close();
});

async function agreement(rows: readonly LogRow[], query: string): Promise<void> {
  const ast = parseQuery(query);
  const { sql, params } = compileQueryToSql(ast);
  const predicate = compileQueryToPredicate(ast);
  const fromSql = await table.matchingIds(sql, params);
  const fromJs = rows
    .filter(predicate)
    .map((row) => row.id)
    .sort();
  if (JSON.stringify(fromSql) !== JSON.stringify(fromJs)) {
    const onlySql = fromSql.filter((id) => !fromJs.includes(id));
    const onlyJs = fromJs.filter((id) => !fromSql.includes(id));
    const differing = rows.filter((r) => onlySql.includes(r.id) || onlyJs.includes(r.id));
    throw new Error(
      `SQL and JS disagree for ${JSON.stringify(query)}\nsql: ${sql}\nparams: ${JSON.stringify(params)}\n` +
        `only SQL: ${onlySql.join(',')}\nonly JS: ${onlyJs.join(',')}\nrows: ${JSON.stringify(differing)}`,
    );
  }
}

t.test('a fixed random corpus agrees on many random queries', async (t) => {
  const [rows] = fc.sample(
    logRowsArb(400).filter((r) => r.length >= 300),
    { numRuns: 1, seed: 42 },
  );
  await table.replaceRows(rows!);
  let matchedSomething = 0;
  await fc.assert(
    fc.asyncProperty(queryArb, async (query) => {
      await agreement(rows!, query);
      const predicate = compileQueryToPredicate(parseQuery(query));
      if (rows!.some(predicate)) matchedSomething++;
    }),
    { numRuns: QUERY_RUNS },
  );
  // Guards the generators: a property over queries that never match proves nothing.
  t.ok(
    matchedSomething > QUERY_RUNS / 4,
    `queries matching at least one row: ${matchedSomething}/${QUERY_RUNS}`,
  );
});

t.test('random rows and random queries agree', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      logRowsArb(25),
      fc.array(queryArb, { minLength: 1, maxLength: 8 }),
      async (rows, queries) => {
        await table.replaceRows(rows);
        for (const query of queries) await agreement(rows, query);
      },
    ),
    { numRuns: 80 },
  );
  t.pass('SQL and JS selected the same rows');
});

const numericTextArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e4, max: 1e4 }).map((n) => n.toFixed(3)),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom(
    '0',
    '-0',
    '1e308',
    '1e400',
    '5e-324',
    '.5',
    '5.',
    '+7',
    '00012',
    '1E3',
    'inf',
    ' 5',
    '',
  ),
);

t.test('numeric comparisons parse stored text and query numbers alike', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(numericTextArb, { minLength: 1, maxLength: 30 }),
      fc.constantFrom('>=', '>', '<=', '<'),
      fc.nat(),
      async (values, op, pick) => {
        const rows = values.map((value, i) => ({ ...baseRow(i), attributes: { n: value } }));
        await table.replaceRows(rows);
        const threshold = values[pick % values.length]!;
        if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(threshold)) return;
        if (!Number.isFinite(Number(threshold))) return;
        await agreement(rows, `n${op}${threshold}`);
        await agreement(rows, `-n${op}${threshold}`);
      },
    ),
    { numRuns: 150 },
  );
  t.pass('numeric comparisons agree');
});

function baseRow(index: number): LogRow {
  return {
    id: rowId(index),
    ts: new Date().toISOString().replace('T', ' ').replace('Z', ''),
    org_id: '7d3f0a11-2b1c-4d5e-8f90-a1b2c3d4e5f6',
    app_id: '0b0e7a52-1c5a-4c1e-9a55-1f1b2c3d4e5f',
    level: 'info',
    service: '',
    host: '',
    message: '',
    attributes: {},
    resource: {},
    trace_id: '',
    span_id: '',
    user_id: '',
  };
}
