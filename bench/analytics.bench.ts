/**
 * Aggregate API latency (POST /v1/logs/aggregate) on the search bench's dataset: 10 apps in 2
 * orgs over 7 days, generated inside chdb (bench/lib/generated-logs.ts).
 *
 * Run: npm run bench:analytics                       (10M rows, 20 runs per query)
 *      npm run bench:analytics -- --rows 100000000
 *      npm run bench:analytics -- --rows 15000000 --span-days 1
 *      npm run bench:analytics -- --rows 100000000 --dataset /var/tmp/mylog-bench-100m
 *      (keeps the generated rows in that directory: the next run with the same --rows and
 *      --span-days, of this bench or bench:search, reuses them instead of generating again)
 * (the last puts as many rows in the 24 h queries' range as 100M rows over 7 days do, ~6.5M
 * for the 4 apps read, in a seventh of the generation time; its 7 d queries read one day).
 * Prints cold time and p50/p95 per query, measured through the HTTP layer (read token, scope
 * lookup, ClickHouse, serialisation), with the answer's source (rollup or raw) and load average.
 * Targets (issue 14): 24 h group-by over 3 fields with a p95 measure < 1 s p95 at 100M rows;
 * rollup-served counts < 200 ms.
 */
import { parseArgs } from 'node:util';
import type { ClickHouseStore, QueryOptions, QueryParams } from '../src/infra/clickhouse/store.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { ensureGeneratedLogs, openBenchStore } from './lib/bench-dataset.ts';
import { createBenchTenants } from './lib/bench-tenants.ts';
import { percentile } from './lib/percentile.ts';
import { loadAverages } from './lib/load-average.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '10000000' },
    iterations: { type: 'string', default: process.env.BENCH_ITERATIONS ?? '20' },
    'batch-rows': { type: 'string', default: '1000000' },
    dataset: { type: 'string' },
    'span-days': { type: 'string', default: '7' },
  },
});
const ROWS = Number(args.rows);
const ITERATIONS = Number(args.iterations);
const SPAN_DAYS = Number(args['span-days']);

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

/** No query condition cache: 20 identical runs would otherwise measure the cache (see search.bench). */
function withoutConditionCache(store: ClickHouseStore): ClickHouseStore {
  return Object.assign(Object.create(store) as ClickHouseStore, {
    query: <T>(sql: string, params?: QueryParams, options?: QueryOptions) =>
      store.query<T>(sql, params, {
        ...options,
        settings: { ...options?.settings, use_query_condition_cache: 0 },
      }),
  });
}

const { app, config, db, clickhouse } = await buildTestApp(t, {
  clickhouse: withoutConditionCache(openBenchStore(t, args.dataset)),
  // The API's guardrail (10 s by default) would turn a slow answer into a 422: the bench wants the
  // time itself, so it lifts the limit.
  env: { LOG_LEVEL: 'warn', MYLOG_ROLES: 'api', SEARCH_QUERY_TIMEOUT_MS: '600000' },
});

const { apps, token } = await createBenchTenants(db, config);

interface Answer {
  source: string;
  skipped: number;
  rows?: { values: (number | null)[] }[];
  series?: { points: unknown[] }[];
}

async function post(body: unknown): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/logs/aggregate',
    headers: { authorization: `Bearer ${token}` },
    payload: body as Record<string, unknown>,
  });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)}`);
  return res.json() as Answer;
}

function describe(a: Answer): string {
  if (a.rows) {
    const total = a.rows.reduce((n, r) => n + (r.values[0] ?? 0), 0);
    return `${a.rows.length} rows, ${total.toLocaleString('en')} counted, ${a.source}`;
  }
  const series = a.series ?? [];
  return `${series.length} series × ${series[0]?.points.length ?? 0} points, ${a.source}`;
}

async function measure(name: string, body: unknown): Promise<void> {
  const coldStarted = performance.now();
  const first = await post(body);
  const cold = performance.now() - coldStarted;
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await post(body);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
  console.log(
    `  ${name.padEnd(58)} cold ${ms(cold)}  p50 ${ms(percentile(times, 50))}  p95 ${ms(percentile(times, 95))}  (${describe(first)})`,
  );
}

const GROUP3_P95 = {
  from: 'now-24h',
  to: 'now',
  measures: [{ op: 'count' }, { op: 'p95', field: 'duration_ms' }],
  group_by: ['service', 'status', 'http.method'],
  limit: 10,
  other: true,
};

try {
  console.log(
    `analytics bench: ${ROWS.toLocaleString('en')} rows over ${SPAN_DAYS} days, ${apps.length} apps in 2 orgs (the user reads 4); ${ITERATIONS} runs per query`,
  );
  console.log('generating (INSERT … SELECT inside chdb):');
  await ensureGeneratedLogs(clickhouse, args.dataset, {
    rows: ROWS,
    batchRows: Number(args['batch-rows']),
    spanDays: SPAN_DAYS,
    apps,
  });
  console.log(`load average before queries: ${loadAverages()}`);
  console.log('raw (group-by and percentiles over logs):');
  await measure('24h by service, status, http.method: count, p95 (rows)', GROUP3_P95);
  await measure('24h by service, status, http.method: count, p95 (series)', {
    ...GROUP3_P95,
    interval: 'auto',
  });
  await measure('24h by route: count_distinct user_id, avg, p99 duration', {
    from: 'now-24h',
    measures: [
      { op: 'count_distinct', field: 'user_id' },
      { op: 'avg', field: 'duration_ms' },
      { op: 'p99', field: 'duration_ms' },
    ],
    group_by: ['route'],
  });
  await measure('1h status>=500 by service: rate (series)', {
    q: 'status>=500',
    from: 'now-1h',
    measures: [{ op: 'rate' }],
    group_by: ['service'],
    interval: '1m',
  });
  console.log('rollup-served counts:');
  await measure('24h count by app, level (rows)', {
    from: 'now-24h',
    measures: [{ op: 'count' }],
    group_by: ['app', 'level'],
    limit: 50,
  });
  await measure('24h level:error count by service (series, auto)', {
    q: 'level:error',
    from: 'now-24h',
    measures: [{ op: 'count' }],
    group_by: ['service'],
    interval: 'auto',
  });
  await measure('7d count by level (series, 1h)', {
    from: 'now-7d',
    measures: [{ op: 'count' }],
    group_by: ['level'],
    interval: '1h',
  });
  await measure('7d rate (rows)', { from: 'now-7d', measures: [{ op: 'rate' }] });
  console.log(`load average after: ${loadAverages()}`);
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
