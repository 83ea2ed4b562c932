// Aggregates over logs: the one entry point for the API, dashboards and alert evaluation.
//
//   import { aggregate } from '../analytics/aggregate.service.ts';
//   const answer = await aggregate(deps, scope, request, clock, 'alerts.evaluate');
//
// - deps: { repo: createAggregateRepository(clickhouse), limits: config.search,
//   analytics: config.analytics } (see aggregateDeps());
// - scope: the SearchScope the caller may read (search.routes.ts searchScope(), or for a
//   background job { orgIds: [rule.orgId], appIds: [...the org's app ids] }); an empty scope
//   answers with no rows;
// - request: the API body (aggregate.schemas.ts AggregateBody; `apps` is resolved into the scope
//   by the caller, not here);
// - clock: epoch milliseconds (relative from/to like now-5m are taken against it);
// - feature: the log_comment on every ClickHouse query it runs.
// It answers `{ rows }` when `interval` is null or absent, `{ interval_ms, series }` otherwise,
// plus `from`, `to` (the counted range), `skipped` and `source` ('rollup' when the per-minute
// rollup could answer: counts and rates grouped by app/service/level with q on those only).
// Bad input throws BadRequestError (400); a query over the search guardrails throws
// QueryTooExpensiveError (422).
import type { Config } from '../../config.ts';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import { BadRequestError } from '../../infra/errors.ts';
import { autoIntervalS, parseIntervalS } from '../search/histogram-interval.ts';
import { parseFilter } from '../search/search-filter.ts';
import { QueryBudget, type SearchLimits } from '../search/search-guardrails.ts';
import { isEmptyScope, type SearchScope } from '../search/search-scope.ts';
import {
  NS_PER_MS,
  NS_PER_S,
  resolveRange,
  toRfc3339,
  type TimeRange,
} from '../search/time-range.ts';
import {
  compileRollupCounts,
  compileSeries,
  compileTopGroups,
  compileTopGroupsWithOther,
  planAggregate,
  type AggregatePlan,
  type CompiledQuery,
} from './aggregate-compiler.ts';
import {
  createAggregateRepository,
  type AggregateRepository,
  type AggregateResultRow,
} from './aggregate.repository.ts';
import {
  COUNTING_OPS,
  type AggregateAnswer,
  type AggregateOp,
  type AggregateRequest,
  type AggregateRow,
  type AggregateSeries,
} from './aggregate.schemas.ts';

export type Clock = () => number;
export type AnalyticsLimits = Config['analytics'];

export interface AggregateDeps {
  repo: AggregateRepository;
  limits: SearchLimits;
  analytics: AnalyticsLimits;
}

export function aggregateDeps(clickhouse: ClickHouseStore, config: Config): AggregateDeps {
  return {
    repo: createAggregateRepository(clickhouse),
    limits: config.search,
    analytics: config.analytics,
  };
}

const DEFAULT_LIMIT = 10;

type Values = (number | null)[];

export async function aggregate(
  deps: AggregateDeps,
  scope: SearchScope,
  request: AggregateRequest,
  clock: Clock = Date.now,
  feature = 'analytics.aggregate',
): Promise<AggregateAnswer> {
  const plan = planRequest(deps, scope, request, clock);
  const run = runner(deps, feature);
  if (plan.intervalS === null) {
    const rows = isEmptyScope(scope)
      ? { rows: emptyRows(plan), skipped: 0 }
      : plan.source === 'rollup'
        ? await rollupRows(deps, plan, run)
        : await rawRows(plan, run);
    return { ...rangeOf(plan), ...rows, source: plan.source };
  }
  const series = isEmptyScope(scope)
    ? { series: fillSeries(plan, new Map()), skipped: 0 }
    : plan.source === 'rollup'
      ? await rollupSeries(deps, plan, run)
      : await rawSeries(plan, run);
  return { ...rangeOf(plan), interval_ms: plan.intervalS * 1000, ...series, source: plan.source };
}

type Run = (query: CompiledQuery) => Promise<AggregateResultRow[]>;

function runner(deps: AggregateDeps, feature: string): Run {
  const budget = new QueryBudget(deps.limits);
  return (query) => budget.run((settings) => deps.repo.run(query, settings, feature));
}

function planRequest(
  deps: AggregateDeps,
  scope: SearchScope,
  request: AggregateRequest,
  clock: Clock,
): AggregatePlan {
  const filter = parseFilter(request.q);
  const exact = resolveRange(request.from, request.to, BigInt(clock()) * NS_PER_MS);
  const groupBy = request.group_by ?? [];
  if (new Set(groupBy).size !== groupBy.length) {
    throw new BadRequestError('invalid_group_by', 'group_by names a field twice', { groupBy });
  }
  const limit = request.limit ?? DEFAULT_LIMIT;
  const other = request.other ?? false;
  let intervalS: number | null = null;
  let range = exact;
  if (request.interval !== undefined && request.interval !== null) {
    const rangeS = Number((exact.toNs - exact.fromNs + NS_PER_S - 1n) / NS_PER_S);
    intervalS =
      request.interval === 'auto'
        ? autoIntervalS(rangeS)
        : parseIntervalS(request.interval, rangeS);
    range = widenToBuckets(exact, intervalS);
    const buckets = Number((range.toNs - range.fromNs) / (BigInt(intervalS) * NS_PER_S));
    const groups = groupBy.length === 0 ? 1 : limit + (other ? 1 : 0);
    if (buckets * groups > deps.analytics.maxSeriesPoints) {
      throw new BadRequestError(
        'too_many_points',
        `${groups} series of ${buckets} buckets is over ${deps.analytics.maxSeriesPoints} points: pick a longer interval or a lower limit`,
        { buckets, groups, max: deps.analytics.maxSeriesPoints },
      );
    }
  }
  return planAggregate({
    scope,
    filter,
    range,
    intervalS,
    measures: request.measures,
    groupBy,
    limit,
    other,
    order: request.order,
  });
}

/** [from, to) widened outwards to whole buckets, so every bucket of a series is complete. */
function widenToBuckets(range: TimeRange, intervalS: number): TimeRange {
  const iv = BigInt(intervalS) * NS_PER_S;
  const floor = (ns: bigint): bigint => {
    const q = ns / iv;
    return (ns % iv !== 0n && ns < 0n ? q - 1n : q) * iv;
  };
  const to = floor(range.toNs);
  return { fromNs: floor(range.fromNs), toNs: to === range.toNs ? to : to + iv };
}

function rangeOf(plan: AggregatePlan): { from: string; to: string } {
  return { from: toRfc3339(plan.range.fromNs), to: toRfc3339(plan.range.toNs) };
}

function windowSeconds(plan: AggregatePlan): number {
  if (plan.intervalS !== null) return plan.intervalS;
  return Number(plan.range.toNs - plan.range.fromNs) / 1e9;
}

function emptyValues(ops: readonly AggregateOp[]): Values {
  return ops.map((op) => (COUNTING_OPS.has(op) ? 0 : null));
}

/** Measure values of a result row (m0…), rates divided by the window. */
function valuesOf(plan: AggregatePlan, row: AggregateResultRow, windowS: number): Values {
  return plan.ops.map((op, i) => {
    const raw = row[`m${i}`];
    if (raw === null || raw === undefined) return COUNTING_OPS.has(op) ? 0 : null;
    const n = Number(raw);
    return op === 'rate' ? n / windowS : n;
  });
}

function keysOf(plan: AggregatePlan, row: AggregateResultRow): string[] {
  return plan.groupBy.map((_, i) => String(row[`g${i}`] ?? ''));
}

function groupObject(plan: AggregatePlan, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(plan.groupBy.map((g, i) => [g.name, keys[i] ?? '']));
}

function emptyRows(plan: AggregatePlan): AggregateRow[] {
  return plan.groupBy.length === 0 ? [{ group: {}, values: emptyValues(plan.ops) }] : [];
}

async function rawRows(
  plan: AggregatePlan,
  run: Run,
): Promise<{ rows: AggregateRow[]; skipped: number }> {
  const windowS = windowSeconds(plan);
  if (plan.groupBy.length > 0 && plan.other) {
    // Top groups and "other" in one scan (slot 0 is "other", present when groups exceed limit).
    const slots = await run(compileTopGroupsWithOther(plan));
    const rows: AggregateRow[] = slots.map((r) =>
      Number(r.slot) === 0
        ? { group: null, other: true, values: valuesOf(plan, r, windowS) }
        : { group: groupObject(plan, keysOf(plan, r)), values: valuesOf(plan, r, windowS) },
    );
    return { rows, skipped: Number(slots[0]?.sk ?? 0) };
  }
  const top = await run(compileTopGroups(plan));
  const rows: AggregateRow[] = top.map((r) => ({
    group: groupObject(plan, keysOf(plan, r)),
    values: valuesOf(plan, r, windowS),
  }));
  return { rows, skipped: Number(top[0]?.sk ?? 0) };
}

/** A series under construction: its values per bucket start (epoch seconds). */
interface SeriesBuilder {
  group: Record<string, string> | null;
  other: boolean;
  points: Map<number, Values>;
}

async function rawSeries(
  plan: AggregatePlan,
  run: Run,
): Promise<{ series: AggregateSeries[]; skipped: number }> {
  const builders = new Map<string, SeriesBuilder>();
  let skipped = 0;
  let top: string[][] | null = null;
  if (plan.groupBy.length > 0) {
    const topRows = await run(compileTopGroups(plan));
    if (topRows.length === 0) return { series: [], skipped: 0 };
    skipped = Number(topRows[0]?.sk ?? 0);
    top = topRows.map((r) => keysOf(plan, r));
    for (const keys of top) builders.set(JSON.stringify(keys), builderFor(plan, keys));
    if (plan.other) builders.set('other', { group: null, other: true, points: new Map() });
  }
  const rows = await run(compileSeries(plan, top));
  for (const row of rows) {
    if (top === null) skipped += Number(row.sk ?? 0);
    const id =
      top === null ? '[]' : Number(row.in_top) ? JSON.stringify(keysOf(plan, row)) : 'other';
    let builder = builders.get(id);
    if (!builder) {
      builder = builderFor(plan, []);
      builders.set(id, builder);
    }
    builder.points.set(Number(row.b), valuesOf(plan, row, windowSeconds(plan)));
  }
  if (top === null && builders.size === 0) builders.set('[]', builderFor(plan, []));
  const other = builders.get('other');
  if (other && other.points.size === 0) builders.delete('other');
  return { series: fillSeries(plan, builders), skipped };
}

function builderFor(plan: AggregatePlan, keys: readonly string[]): SeriesBuilder {
  return { group: groupObject(plan, keys), other: false, points: new Map() };
}

/** Every bucket of the range for every series, empty ones filled (0 for counts, null otherwise). */
function fillSeries(plan: AggregatePlan, builders: Map<string, SeriesBuilder>): AggregateSeries[] {
  const intervalS = plan.intervalS as number;
  const fromS = Number(plan.range.fromNs / NS_PER_S);
  const toS = Number(plan.range.toNs / NS_PER_S);
  const list = [...builders.values()];
  if (list.length === 0 && plan.groupBy.length === 0) list.push(builderFor(plan, []));
  return list.map((b) => {
    const points = [];
    for (let s = fromS; s < toS; s += intervalS) {
      points.push({
        ts: toRfc3339(BigInt(s) * NS_PER_S),
        values: b.points.get(s) ?? emptyValues(plan.ops),
      });
    }
    return b.other ? { group: null, other: true, points } : { group: b.group, points };
  });
}

/** Orders groups as the SQL does: by count (direction of the order), ties by keys in byte order. */
function compareGroups(
  dir: 'asc' | 'desc',
): (a: { keys: string[]; n: number }, b: { keys: string[]; n: number }) => number {
  return (a, b) => {
    if (a.n !== b.n) return dir === 'desc' ? b.n - a.n : a.n - b.n;
    for (let i = 0; i < a.keys.length; i++) {
      const c = Buffer.compare(Buffer.from(a.keys[i] ?? ''), Buffer.from(b.keys[i] ?? ''));
      if (c !== 0) return c;
    }
    return 0;
  };
}

function countValues(plan: AggregatePlan, n: number, windowS: number): Values {
  return plan.ops.map((op) => (op === 'rate' ? n / windowS : n));
}

async function rollupRows(
  deps: AggregateDeps,
  plan: AggregatePlan,
  run: Run,
): Promise<{ rows: AggregateRow[]; skipped: number }> {
  const result = await run(compileRollupCounts(plan, deps.analytics.maxRollupGroups));
  const windowS = windowSeconds(plan);
  if (plan.groupBy.length === 0) {
    return {
      rows: [{ group: {}, values: countValues(plan, Number(result[0]?.n ?? 0), windowS) }],
      skipped: 0,
    };
  }
  const groups = result
    .map((r) => ({ keys: keysOf(plan, r), n: Number(r.n) }))
    .filter((g) => g.n > 0)
    .sort(compareGroups(plan.orderDir));
  const rows: AggregateRow[] = groups.slice(0, plan.limit).map((g) => ({
    group: groupObject(plan, g.keys),
    values: countValues(plan, g.n, windowS),
  }));
  const rest = groups.slice(plan.limit).reduce((sum, g) => sum + g.n, 0);
  if (plan.other && rest > 0) {
    rows.push({ group: null, other: true, values: countValues(plan, rest, windowS) });
  }
  return { rows, skipped: 0 };
}

async function rollupSeries(
  deps: AggregateDeps,
  plan: AggregatePlan,
  run: Run,
): Promise<{ series: AggregateSeries[]; skipped: number }> {
  const result = await run(compileRollupCounts(plan, deps.analytics.maxRollupGroups));
  const windowS = windowSeconds(plan);
  const totals = new Map<string, { keys: string[]; n: number; buckets: Map<number, number> }>();
  for (const r of result) {
    const keys = keysOf(plan, r);
    const id = JSON.stringify(keys);
    let group = totals.get(id);
    if (!group) {
      group = { keys, n: 0, buckets: new Map() };
      totals.set(id, group);
    }
    const n = Number(r.n);
    group.n += n;
    const b = Number(r.b);
    group.buckets.set(b, (group.buckets.get(b) ?? 0) + n);
  }
  const ordered = [...totals.values()].filter((g) => g.n > 0).sort(compareGroups(plan.orderDir));
  const kept = plan.groupBy.length === 0 ? ordered : ordered.slice(0, plan.limit);
  const builders = new Map<string, SeriesBuilder>();
  for (const g of kept) {
    const builder = builderFor(plan, g.keys);
    for (const [b, n] of g.buckets) builder.points.set(b, countValues(plan, n, windowS));
    builders.set(JSON.stringify(g.keys), builder);
  }
  const rest = plan.groupBy.length === 0 ? [] : ordered.slice(plan.limit);
  if (plan.other && rest.length > 0) {
    const sums = new Map<number, number>();
    for (const g of rest) for (const [b, n] of g.buckets) sums.set(b, (sums.get(b) ?? 0) + n);
    const points = new Map([...sums].map(([b, n]) => [b, countValues(plan, n, windowS)]));
    builders.set('other', { group: null, other: true, points });
  }
  return { series: fillSeries(plan, builders), skipped: 0 };
}
