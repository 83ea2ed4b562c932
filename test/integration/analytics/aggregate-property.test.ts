// The aggregate API against a JS oracle on generated data (real chdb): every op, numeric reads
// with skipped values, group-by up to 3 fields, limit + other, rows and series (empty buckets
// filled), rollup-served and raw answers alike. Each run writes its own tenant's rows plus a
// neighbour's, and queries with the run's scope only.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import { loadConfig } from '../../../src/config.ts';
import { migrateClickHouse } from '../../../src/infra/clickhouse/migrations.ts';
import { aggregate, aggregateDeps } from '../../../src/modules/analytics/aggregate.service.ts';
import {
  AGGREGATE_OPS,
  type AggregateRequest,
} from '../../../src/modules/analytics/aggregate.schemas.ts';
import { autoIntervalS } from '../../../src/modules/search/histogram-interval.ts';
import { toRfc3339 } from '../../../src/modules/search/time-range.ts';
import { createTestClickHouse } from '../../helpers/services.ts';
import { insertRows, makeRow, nowNs, NS_PER_MS } from '../search/search-fixtures.ts';
import { oracle, type OracleRow } from './aggregate-oracle.ts';

const MINUTE_NS = 60_000n * NS_PER_MS;
const SPAN_MINUTES = 180;

const NUMBERS = ['0', '7', '12', '12.5', '250', '999', '1e3', '.5', '+7', 'n/a', '', 'slow'];
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const rowSpec = fc.record({
  minute: fc.integer({ min: 0, max: SPAN_MINUTES - 1 }),
  nanos: fc.bigInt({ min: 0n, max: MINUTE_NS - 1n }),
  app: fc.integer({ min: 0, max: 1 }),
  level: fc.constantFrom('info', 'warn', 'error'),
  service: fc.constantFrom('api', 'web', 'db', ''),
  host: fc.constantFrom('h1', 'h2'),
  user_id: fc.constantFrom('', 'u1', 'u2', 'u3'),
  duration: maybe(fc.constantFrom(...NUMBERS)),
  status: maybe(fc.constantFrom('200', '404', '500', 'oops')),
  user: maybe(fc.constantFrom('a', 'b', 'c', 'd')),
});

const FIELDS = ['duration_ms', 'status', 'user', 'user_id', 'service'];
const measureArb = fc.record({
  op: fc.constantFrom(...AGGREGATE_OPS),
  field: fc.constantFrom(...FIELDS),
});
const QUERIES = [
  '',
  'level:error',
  'service:(api OR web)',
  'status>=400',
  '-level:info',
  'duration_ms:*',
];

const requestArb = fc
  .record({
    q: fc.constantFrom(...QUERIES),
    measures: fc.array(measureArb, { minLength: 1, maxLength: 3 }),
    group_by: fc.uniqueArray(fc.constantFrom('service', 'level', 'status', 'app', 'host'), {
      maxLength: 3,
    }),
    interval: fc.constantFrom(null, '10m', '1h', 'auto', '1m', '90s'),
    limit: fc.integer({ min: 1, max: 4 }),
    other: fc.boolean(),
    orderMeasure: fc.nat(),
    dir: fc.constantFrom('asc' as const, 'desc' as const),
    fromMinute: fc.integer({ min: -5, max: SPAN_MINUTES }),
    lengthMinutes: fc.integer({ min: 1, max: SPAN_MINUTES }),
    wholeMinutes: fc.boolean(),
    fromNanos: fc.bigInt({ min: 1n, max: MINUTE_NS - 1n }),
    toNanos: fc.bigInt({ min: 1n, max: MINUTE_NS - 1n }),
    // Half the requests count only, so that the rollup answers some of them in every run: left
    // to the op arbitrary, few requests could go to the rollup, and a CI run had none.
    countsOnly: fc.boolean(),
  })
  .map(({ countsOnly, ...r }) => ({
    ...r,
    measures: r.measures.map((m) =>
      countsOnly
        ? { op: m.op === 'rate' ? ('rate' as const) : ('count' as const) }
        : m.op === 'count' || m.op === 'rate'
          ? { op: m.op }
          : { op: m.op, field: m.field },
    ),
  }));

/** Numbers equal to 1e-9 relative (sums and averages may add in another order); the rest exact. */
function near(actual: unknown, expected: unknown, path = '$'): string | null {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    return Math.abs(actual - expected) <= 1e-9 * scale ? null : `${path}: ${actual} ≠ ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `${path}: length ${Array.isArray(actual) ? actual.length : 'n/a'} ≠ ${expected.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const d = near(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path}: not an object`;
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      const d = near(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : `${path}: ${String(actual)} ≠ ${String(expected)}`;
}

t.test('aggregate answers agree with the oracle', async (t) => {
  const clickhouse = await createTestClickHouse(t);
  await migrateClickHouse(clickhouse);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' });
  const deps = aggregateDeps(clickhouse, config);
  const now = Date.now();
  const base = (nowNs() / MINUTE_NS) * MINUTE_NS - BigInt(SPAN_MINUTES + 10) * MINUTE_NS;
  let runs = 0;
  let rollupAnswers = 0;

  await fc.assert(
    fc.asyncProperty(
      fc.array(rowSpec, { minLength: 0, maxLength: 150 }),
      fc.array(requestArb, { minLength: 4, maxLength: 8 }),
      async (specs, requests) => {
        runs++;
        const orgId = randomUUID();
        const appIds = [randomUUID(), randomUUID()];
        const stored: OracleRow[] = [];
        const rows = specs.map((s) => {
          const attributes: Record<string, string> = {};
          if (s.duration !== undefined) attributes.duration_ms = s.duration;
          if (s.status !== undefined) attributes.status = s.status;
          if (s.user !== undefined) attributes.user = s.user;
          const tsNs = base + BigInt(s.minute) * MINUTE_NS + s.nanos;
          const tenant = { orgId, appId: appIds[s.app] as string };
          const row = makeRow(tenant, { tsNs, ...s, attributes });
          stored.push({ ...(row as unknown as OracleRow), ts: toRfc3339(tsNs), tsNs });
          return row;
        });
        // A neighbour in another org with the same shapes: never counted.
        const neighbour = specs.map((s) =>
          makeRow(
            { orgId: randomUUID(), appId: randomUUID() },
            { tsNs: base + BigInt(s.minute) * MINUTE_NS, service: s.service, level: s.level },
          ),
        );
        await insertRows(clickhouse, [...rows, ...neighbour]);
        const scope = { orgIds: [orgId], appIds };
        for (const r of requests) {
          const fromNs =
            base + BigInt(r.fromMinute) * MINUTE_NS + (r.wholeMinutes ? 0n : r.fromNanos);
          const toNs =
            fromNs + BigInt(r.lengthMinutes) * MINUTE_NS + (r.wholeMinutes ? 0n : r.toNanos);
          const req: AggregateRequest = {
            q: r.q,
            from: toRfc3339(fromNs),
            to: toRfc3339(toNs),
            measures: r.measures,
            group_by: r.group_by,
            interval: r.interval,
            limit: r.limit,
            other: r.other,
            order: { measure: r.orderMeasure % r.measures.length, dir: r.dir },
          };
          const answer = await aggregate(deps, scope, req, () => now);
          if (answer.source === 'rollup') rollupAnswers++;
          const rangeS = Number((toNs - fromNs + 999_999_999n) / 1_000_000_000n);
          const intervalS =
            r.interval === null
              ? null
              : r.interval === 'auto'
                ? autoIntervalS(rangeS)
                : ({ '10m': 600, '1h': 3600, '1m': 60, '90s': 90 }[r.interval] ?? 0);
          const expected = oracle({ rows: stored, req, fromNs, toNs, intervalS });
          const {
            from: _f,
            to: _t,
            source: _s,
            interval_ms,
            ...got
          } = answer as Record<string, unknown>;
          if (intervalS !== null && interval_ms !== intervalS * 1000) {
            throw new Error(`interval_ms ${String(interval_ms)} for ${JSON.stringify(req)}`);
          }
          const diff = near(got, expected);
          if (diff) {
            throw new Error(
              `${diff}\nrequest: ${JSON.stringify(req)}\nsource: ${answer.source}\n` +
                `got: ${JSON.stringify(got).slice(0, 2000)}\nwant: ${JSON.stringify(expected).slice(0, 2000)}`,
            );
          }
        }
      },
    ),
    { numRuns: 30, endOnFailure: true },
  );
  t.equal(runs, 30, 'every run compared');
  t.ok(rollupAnswers > 0, `some answers came from the rollup (${rollupAnswers})`);
});
