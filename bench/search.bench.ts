/**
 * Search latency on a realistic dataset: several orgs and apps, skewed levels, services and hosts,
 * templated messages with a long tail of tokens, attributes, spread over the last 7 days.
 * Rows are generated inside ClickHouse (INSERT … SELECT FROM numbers) so 100M rows take minutes.
 *
 * Run: npm run bench:search                  (10M rows, 20 runs per query)
 *      npm run bench:search -- --rows 100000000 --iterations 30
 *      npm run bench:search -- --rows 100000000 --dataset /var/tmp/mylog-bench-100m
 *      (keeps the generated rows there for the next run of this bench or bench:analytics)
 * Prints p50/p95 per query of the fixed mix, measured through the HTTP layer (app.inject: auth,
 * scope lookup in Postgres, ClickHouse, serialisation), then index on/off comparisons.
 */
import { parseArgs } from 'node:util';
import type {
  ClickHouseStore,
  QueryOptions,
  QueryParams,
  StreamQueryOptions,
} from '../src/infra/clickhouse/store.ts';
import { encodeCursor, searchFingerprint } from '../src/modules/search/search-cursor.ts';
import { NS_PER_S, nowNanos } from '../src/modules/search/time-range.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { ensureGeneratedLogs, openBenchStore } from './lib/bench-dataset.ts';
import { createBenchTenants } from './lib/bench-tenants.ts';
import { percentile } from './lib/percentile.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '10000000' },
    iterations: { type: 'string', default: process.env.BENCH_ITERATIONS ?? '20' },
    'batch-rows': { type: 'string', default: '1000000' },
    dataset: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const ITERATIONS = Number(args.iterations);
const BATCH_ROWS = Math.min(ROWS, Number(args['batch-rows']));
const SPAN_DAYS = 7;

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

/**
 * ClickHouse 25.3+ remembers which granules failed a WHERE condition (the query condition cache),
 * so the 2nd run of an identical query skips most of the work. Real users do repeat queries, but
 * a benchmark that repeats one query 20 times would then measure the cache: it is off here, and
 * the first (cold) run is printed too.
 */
function withoutConditionCache(store: ClickHouseStore): ClickHouseStore {
  const off = (options?: QueryOptions) => ({
    ...options,
    settings: { ...options?.settings, use_query_condition_cache: 0 },
  });
  return Object.assign(Object.create(store) as ClickHouseStore, {
    query: <T>(sql: string, params?: QueryParams, options?: QueryOptions) =>
      store.query<T>(sql, params, off(options)),
    queryStream: (sql: string, params?: QueryParams, options?: StreamQueryOptions) =>
      store.queryStream(sql, params, { ...off(options), format: options?.format }),
  });
}

const { app, config, db, clickhouse } = await buildTestApp(t, {
  clickhouse: withoutConditionCache(openBenchStore(t, args.dataset)),
  env: { LOG_LEVEL: 'warn', MYLOG_ROLES: 'api' },
});

const { acme, apps, token } = await createBenchTenants(db, config);

// ---------------------------------------------------------------------------------------------
// The query mix.
async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, body: res.body };
}

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

interface Result {
  name: string;
  cold: number;
  p50: number;
  p95: number;
  detail: string;
}

async function measure(
  name: string,
  url: () => string,
  describe: (body: string) => string,
): Promise<Result> {
  const coldStarted = performance.now();
  const first = await get(url());
  const cold = performance.now() - coldStarted;
  if (first.status !== 200) throw new Error(`${name}: ${first.status} ${first.body.slice(0, 300)}`);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    const res = await get(url());
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${res.body.slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    cold,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    detail: describe(first.body),
  };
}

const rowsOf = (body: string): string =>
  `${(JSON.parse(body) as { rows: unknown[] }).rows.length} rows`;
const bucketsOf = (body: string): string => {
  const h = JSON.parse(body) as { source: string; buckets: { total: number }[] };
  return `${h.buckets.length} buckets, ${h.buckets.reduce((n, b) => n + b.total, 0)} rows, ${h.source}`;
};

async function deepCursor(): Promise<string> {
  // A cursor 5 days back into a 7-day search: what page N of a long walk would hold.
  const now = nowNanos();
  return encodeCursor({
    tsNs: now - 5n * 86_400n * NS_PER_S,
    id: 'ffffffff-ffff-7fff-bfff-ffffffffffff',
    range: { fromNs: now - 7n * 86_400n * NS_PER_S, toNs: now },
    order: 'desc',
    search: searchFingerprint('level:error', undefined),
  });
}

async function runMix(): Promise<Result[]> {
  const results: Result[] = [];
  // The newest line of the last day (a kept dataset's newest rows may be hours old).
  const sample = JSON.parse(
    (await get(`/v1/logs?${qs({ from: 'now-24h', limit: '1' })}`)).body,
  ) as {
    rows: { id: string }[];
  };
  const contextId = sample.rows[0]?.id ?? '';
  const cursor = await deepCursor();
  const mix: [string, () => string, (b: string) => string][] = [
    ['last 15 min, first page', () => '/v1/logs', rowsOf],
    ['24h rare token (zircon)', () => `/v1/logs?${qs({ from: 'now-24h', q: 'zircon' })}`, rowsOf],
    [
      '24h phrase',
      () => `/v1/logs?${qs({ from: 'now-24h', q: '"payment declined for order 4242"' })}`,
      rowsOf,
    ],
    [
      '24h attribute equality',
      () => `/v1/logs?${qs({ from: 'now-24h', q: 'status:502 customer_tier:enterprise' })}`,
      rowsOf,
    ],
    [
      '24h regex',
      () =>
        `/v1/logs?${qs({ from: 'now-24h', q: 'route:/^\\/api\\/v[12]\\/orders$/ level:error' })}`,
      rowsOf,
    ],
    [
      '24h negation',
      () =>
        `/v1/logs?${qs({ from: 'now-24h', q: 'service:checkout -level:info -level:debug -status:200' })}`,
      rowsOf,
    ],
    ['7d rare token', () => `/v1/logs?${qs({ from: 'now-7d', q: 'zircon' })}`, rowsOf],
    ['histogram 24h (rollup)', () => `/v1/logs/histogram?${qs({ from: 'now-24h' })}`, bucketsOf],
    [
      'histogram 7d level:error (rollup)',
      () => `/v1/logs/histogram?${qs({ from: 'now-7d', q: 'level:error' })}`,
      bucketsOf,
    ],
    [
      'histogram 24h text (raw)',
      () => `/v1/logs/histogram?${qs({ from: 'now-24h', q: 'timeout' })}`,
      bucketsOf,
    ],
    [
      'top values status 24h',
      () => `/v1/logs/fields/status/values?${qs({ from: 'now-24h' })}`,
      (b) =>
        `${(JSON.parse(b) as { values: unknown[]; sampled: boolean }).values.length} values, sampled=${(JSON.parse(b) as { sampled: boolean }).sampled}`,
    ],
    [
      'fields 24h',
      () => `/v1/logs/fields?${qs({ from: 'now-24h' })}`,
      (b) => `${(JSON.parse(b) as { fields: unknown[] }).fields.length} keys`,
    ],
    [
      'deep cursor page (5 days back)',
      () => `/v1/logs?${qs({ q: 'level:error', cursor })}`,
      rowsOf,
    ],
    [
      'context of a line',
      () => `/v1/logs/${contextId}/context?before=20&after=20`,
      (b) =>
        `${(JSON.parse(b) as { before: unknown[] }).before.length}+1+${(JSON.parse(b) as { after: unknown[] }).after.length} rows`,
    ],
  ];
  for (const [name, url, describe] of mix) {
    const result = await measure(name, url, describe);
    results.push(result);
    console.log(
      `  ${name.padEnd(36)} cold ${result.cold.toFixed(0).padStart(5)} ms  p50 ${result.p50.toFixed(0).padStart(5)} ms  p95 ${result.p95.toFixed(0).padStart(5)} ms  ${result.detail}`,
    );
  }
  return results;
}

/** The same SQL with one skip index ignored: what the index buys. */
async function indexEffect(
  label: string,
  sql: string,
  params: Record<string, unknown>,
  index: string,
): Promise<void> {
  const time = async (settings: Record<string, string | number>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await clickhouse.query(sql, params, { settings });
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[2] as number;
  };
  const withIndex = await time({});
  const without = await time({ ignore_data_skipping_indices: index });
  console.log(
    `  ${label.padEnd(44)} with ${withIndex.toFixed(0).padStart(5)} ms   without ${without.toFixed(0).padStart(5)} ms`,
  );
}

try {
  console.log(
    `search bench: ${ROWS.toLocaleString('en')} rows over ${SPAN_DAYS} days, ${apps.length} apps in 2 orgs; ${ITERATIONS} runs per query`,
  );
  console.log('generating (INSERT … SELECT inside chdb):');
  await ensureGeneratedLogs(clickhouse, args.dataset, {
    rows: ROWS,
    batchRows: BATCH_ROWS,
    spanDays: SPAN_DAYS,
    apps,
  });
  const [parts] = await clickhouse.query<{ parts: string; bytes: string }>(
    "SELECT toString(count()) AS parts, formatReadableSize(sum(bytes_on_disk)) AS bytes FROM system.parts WHERE table = 'logs' AND active AND database = currentDatabase()",
  );
  console.log(`  logs: ${parts?.parts} active parts, ${parts?.bytes} on disk`);
  console.log('query mix (through HTTP handlers; user sees 4 of the 10 apps):');
  await runMix();
  console.log('skip indexes (same SQL, index ignored):');
  const scope = { apps: apps.filter((a) => a.orgId === acme.id).map((a) => a.id) };
  const day = {
    from: new Date(Date.now() - 86_400_000).toISOString().replace('T', ' ').replace('Z', ''),
  };
  await indexEffect(
    'rare token 24h (tokenbf on lower(message))',
    "SELECT count() FROM logs WHERE app_id IN {apps:Array(UUID)} AND ts >= toDateTime64({from:String}, 9, 'UTC') AND hasToken(lower(message), 'zircon')",
    { ...scope, ...day },
    'idx_message',
  );
  await indexEffect(
    'attribute pair 24h (bloom on attr_kv)',
    "SELECT count() FROM logs WHERE app_id IN {apps:Array(UUID)} AND ts >= toDateTime64({from:String}, 9, 'UTC') AND has(attr_kv, 'customer_tier=enterprise')",
    { ...scope, ...day },
    'idx_attr_kv',
  );
  const [anyRow] = await clickhouse.query<{ id: string; o: string }>(
    'SELECT toString(id) AS id, toString(observed_ts) AS o FROM logs WHERE app_id IN {apps:Array(UUID)} AND ts >= now() - INTERVAL 2 DAY LIMIT 1',
    scope,
  );
  await indexEffect(
    'row by id, 8-day ts window (minmax observed_ts)',
    "SELECT * FROM logs WHERE app_id IN {apps:Array(UUID)} AND ts >= now64(9) - INTERVAL 8 DAY AND id = {id:UUID} AND observed_ts BETWEEN toDateTime64({o:String}, 9, 'UTC') - INTERVAL 10 MINUTE AND toDateTime64({o:String}, 9, 'UTC') + INTERVAL 1 SECOND",
    { ...scope, id: anyRow?.id, o: anyRow?.o },
    'idx_observed_ts',
  );
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
