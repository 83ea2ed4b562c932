// The aggregate compiler: an aggregate request and a resolved time range → parameterised
// ClickHouse SQL. Pure (no I/O, no clock), so the API, dashboards and alert evaluation share one
// meaning of every measure, and a test can hold the SQL against a JS oracle.
//
// Semantics the SQL implements (and the oracle in test/integration/analytics mirrors):
// - a field is a column (level, service, host, app, user_id, …), an attribute key or resource.key,
//   resolved exactly as the query language resolves `field:value`;
// - numeric ops read the field's text as a number when it is strict numeric text (the same rule as
//   `status>=500`); a present value that is not numeric is skipped and counted in `skipped`
//   (once per row and field, whatever the number of measures on that field);
// - count_distinct counts distinct values among rows where the field is present;
// - p50…p99 are ClickHouse's `quantile` (linear interpolation between the two nearest values;
//   exact up to 8192 values per group and bucket, a uniform sample of 8192 beyond);
// - a few attribute keys have a column of their own (promoted-attributes.ts) that reads exactly as
//   the map does, so the SQL uses it instead of reading the whole map;
// - a group key is the field's text, '' when the row lacks it; `message_pattern` is the message
//   with ids and numbers replaced by `<*>`;
// - groups are ordered by the order measure (NULLs last), ties by the group keys ascending.
import { BadRequestError } from '../../infra/errors.ts';
import type { QueryParams } from '../../infra/clickhouse/store.ts';
import { LOGS_TABLE } from '../logs-table/logs-table.ts';
import { resolveFieldName } from '../search/query-language/field-names.ts';
import { NUMERIC_TEXT_RE2 } from '../search/query-language/numeric-text.ts';
import type { ParsedFilter } from '../search/search-filter.ts';
import { readsOnlyRollupColumns } from '../search/search-filter.ts';
import { rangeParams, TS_RANGE } from '../search/search.repository.ts';
import { SCOPE_SQL, scopeParams, type SearchScope } from '../search/search-scope.ts';
import { NS_PER_S, type TimeRange } from '../search/time-range.ts';
import { NUMERIC_OPS, type AggregateOp, type Measure } from './aggregate.schemas.ts';
import { promotedAttributeSql } from './promoted-attributes.ts';

export interface CompiledQuery {
  sql: string;
  params: QueryParams;
}

const QUANTILE_LEVEL: Partial<Record<AggregateOp, number>> = {
  p50: 0.5,
  p75: 0.75,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
};

interface FieldSql {
  name: string;
  /** The field's text ('' when absent). */
  value: string;
  present: string;
  /** The rollup keeps this column (level, service, app). */
  inRollup: boolean;
}

/**
 * A computed field: the message with ids and numbers replaced by `<*>`, so "order 42 failed" and
 * "order 97 failed" count as one message (the Overview's top error messages).
 */
export const MESSAGE_PATTERN_FIELD = 'message_pattern';
const MESSAGE_PATTERN_RE2 =
  '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}|[0-9]+';

const ROLLUP_GROUP_COLUMNS = new Set(['level', 'service', 'app_id']);

/** Everything about one request that the SQL depends on, checked and resolved once. */
export interface AggregatePlan {
  scope: SearchScope;
  filter: ParsedFilter;
  /** Rows mode: the exact range. Series mode: widened to whole buckets. */
  range: TimeRange;
  intervalS: number | null;
  ops: AggregateOp[];
  groupBy: FieldSql[];
  limit: number;
  other: boolean;
  orderMeasure: number;
  orderDir: 'asc' | 'desc';
  source: 'rollup' | 'raw';
  /** Parameters shared by every query of the plan (field keys, the numeric pattern). */
  params: QueryParams;
  measures: AggregateCall[];
  skippedSql: string;
}

/**
 * One measure as a ClickHouse aggregate call `fn(params)(args)`, so it can also be computed as a
 * state (`fnState`) and states merged (`fnMerge`): the top groups and "other" in one scan.
 */
export interface AggregateCall {
  fn: string;
  /** '' or a parametric function's parameters in parentheses: '(0.95)'. */
  params: string;
  args: string;
}

const callSql = (c: AggregateCall): string => `${c.fn}${c.params}(${c.args})`;
const stateSql = (c: AggregateCall): string => `${c.fn}State${c.params}(${c.args})`;
const mergeSql = (c: AggregateCall, state: string): string => `${c.fn}Merge${c.params}(${state})`;

export interface PlanInput {
  scope: SearchScope;
  filter: ParsedFilter;
  range: TimeRange;
  intervalS: number | null;
  measures: readonly Measure[];
  groupBy: readonly string[];
  limit: number;
  other: boolean;
  order?: { measure: number; dir: 'asc' | 'desc' };
}

export function planAggregate(input: PlanInput): AggregatePlan {
  const params: QueryParams = { a_num: NUMERIC_TEXT_RE2 };
  let keys = 0;
  const field = (name: string): FieldSql => {
    if (name === MESSAGE_PATTERN_FIELD) {
      params.a_pat = MESSAGE_PATTERN_RE2;
      const value = "replaceRegexpAll(message, {a_pat:String}, '<*>')";
      return { name, value, present: "message != ''", inRollup: false };
    }
    const ref = resolveFieldName(name, { start: 0, end: name.length });
    if (ref.kind === 'column') {
      const value = ref.column === 'app_id' ? 'toString(app_id)' : `toString(${ref.column})`;
      return {
        name,
        value,
        present: `${value} != ''`,
        inRollup: ROLLUP_GROUP_COLUMNS.has(ref.column),
      };
    }
    const promoted = ref.kind === 'attribute' ? promotedAttributeSql(ref.key) : undefined;
    if (promoted) return { name, ...promoted, inRollup: false };
    const map = ref.kind === 'attribute' ? 'attributes' : 'resource';
    const key = `a_f${keys++}`;
    params[key] = ref.key;
    return {
      name,
      value: `${map}[{${key}:String}]`,
      present: `mapContains(${map}, {${key}:String})`,
      inRollup: false,
    };
  };
  const order = input.order ?? { measure: 0, dir: 'desc' as const };
  if (order.measure >= input.measures.length) {
    throw new BadRequestError(
      'invalid_order',
      `order.measure must be below ${input.measures.length}`,
      {
        measure: order.measure,
      },
    );
  }
  const numericFields = new Map<string, FieldSql>();
  const measures = input.measures.map((m, i): AggregateCall => {
    if (m.op === 'count' || m.op === 'rate') return { fn: 'count', params: '', args: '' };
    if (m.field === undefined) {
      throw new BadRequestError('invalid_measure', `measure ${i} (${m.op}) needs a field`, {
        measure: i,
      });
    }
    const f = field(m.field);
    if (m.op === 'count_distinct') {
      return { fn: 'uniqExactIf', params: '', args: `${f.value}, ${f.present}` };
    }
    if (!numericFields.has(m.field)) numericFields.set(m.field, f);
    const num = numericOf(f);
    const level = QUANTILE_LEVEL[m.op];
    if (level !== undefined) return { fn: 'quantile', params: `(${level})`, args: num };
    return { fn: m.op, params: '', args: num };
  });
  const skipped = [...numericFields.values()].map(
    (f) => `countIf(${f.present} AND NOT match(${f.value}, {a_num:String}))`,
  );
  const groupBy = input.groupBy.map(field);
  const countsOnly = input.measures.every((m) => m.op === 'count' || m.op === 'rate');
  const rollupable =
    countsOnly &&
    groupBy.every((g) => g.inRollup) &&
    readsOnlyRollupColumns(input.filter.ast) &&
    (input.intervalS === null ? wholeMinutesInside(input.range) : input.intervalS % 60 === 0);
  return {
    scope: input.scope,
    filter: input.filter,
    range: input.range,
    intervalS: input.intervalS,
    ops: input.measures.map((m) => m.op),
    groupBy,
    limit: input.limit,
    other: input.other,
    orderMeasure: order.measure,
    orderDir: order.dir,
    source: rollupable ? 'rollup' : 'raw',
    params,
    measures,
    skippedSql: skipped.length > 0 ? skipped.join(' + ') : '0',
  };
}

function numericOf(f: FieldSql): string {
  return `if(match(${f.value}, {a_num:String}), toFloat64OrNull(${f.value}), NULL)`;
}

export function isNumericOp(op: AggregateOp): boolean {
  return NUMERIC_OPS.has(op);
}

const MINUTE_NS = 60n * NS_PER_S;

/** Whole minutes strictly inside a range: [ceil(from), floor(to)) in epoch seconds. */
export function innerMinutes(range: TimeRange): { fromS: number; toS: number } {
  const ceil = (range.fromNs + MINUTE_NS - 1n) / MINUTE_NS;
  const floor = range.toNs / MINUTE_NS;
  return { fromS: Number(ceil * 60n), toS: Number(floor * 60n) };
}

function wholeMinutesInside(range: TimeRange): boolean {
  const { fromS, toS } = innerMinutes(range);
  return range.fromNs >= 0n && fromS < toS;
}

function rawWhere(plan: AggregatePlan, range: TimeRange = plan.range): CompiledQuery {
  return {
    sql: `${SCOPE_SQL} AND ${TS_RANGE} AND ${plan.filter.sql.sql}`,
    params: {
      ...scopeParams(plan.scope),
      ...rangeParams(range),
      ...plan.filter.sql.params,
      ...plan.params,
    },
  };
}

const groupAliases = (plan: AggregatePlan): string[] => plan.groupBy.map((_, i) => `g${i}`);

function selectMeasures(plan: AggregatePlan): string {
  return plan.measures.map((c, i) => `${callSql(c)} AS m${i}`).join(', ');
}

function orderClause(plan: AggregatePlan): string {
  const keys = groupAliases(plan).map((g) => `${g} ASC`);
  return [`m${plan.orderMeasure} ${plan.orderDir.toUpperCase()} NULLS LAST`, ...keys].join(', ');
}

/**
 * The set of chosen group keys, bound as one array per key column. `IN` builds a hash set once;
 * has(arrayZip(…), …) compared each row with every key (the slowest part of a series' scan).
 */
function topKeysSql(plan: AggregatePlan, top: readonly string[][]): CompiledQuery {
  const params: QueryParams = {};
  const arrays = plan.groupBy.map((_, i) => {
    params[`a_k${i}`] = top.map((key) => key[i] ?? '');
    return `{a_k${i}:Array(String)}`;
  });
  const tuple = `tuple(${plan.groupBy.map((g) => g.value).join(', ')})`;
  return { sql: `${tuple} IN arrayZip(${arrays.join(', ')})`, params };
}

/**
 * Raw rows mode, and the first step of a grouped series: the top groups with their measures,
 * plus (as `sk`, a window over all groups before LIMIT) the skipped count of the whole range.
 */
export function compileTopGroups(plan: AggregatePlan): CompiledQuery {
  const where = rawWhere(plan);
  const groups = plan.groupBy.map((g, i) => `${g.value} AS g${i}`);
  const select = [...groups, selectMeasures(plan), `sum(${plan.skippedSql}) OVER () AS sk`];
  if (plan.groupBy.length === 0) {
    return {
      sql: `SELECT ${selectMeasures(plan)}, ${plan.skippedSql} AS sk FROM ${LOGS_TABLE} WHERE ${where.sql}`,
      params: where.params,
    };
  }
  return {
    sql:
      `SELECT ${select.join(', ')} FROM ${LOGS_TABLE} WHERE ${where.sql}` +
      ` GROUP BY ${groupAliases(plan).join(', ')} ORDER BY ${orderClause(plan)} LIMIT {a_lim:UInt32}`,
    params: { ...where.params, a_lim: plan.limit },
  };
}

/**
 * Raw rows mode with `other`, in one scan: every group's measures as aggregate states, ranked as
 * compileTopGroups orders them (`rn`), then the top `limit` groups kept (`slot` = rank) and the
 * states of all the others merged into one row (`slot` = 0). Merging states gives what the
 * measures over those rows give: counts, sums, extremes and distinct sets add up, and merged
 * `quantile` samples hold every value while there are at most 8192 (exact, as documented) and
 * are a sample beyond, as a read on several threads already merges them. So this answers as the
 * top groups and a second query over the rows outside them did, reading the rows once.
 * Columns: slot, g0…, m0…, n (rows), sk (skipped over every group).
 */
export function compileTopGroupsWithOther(plan: AggregatePlan): CompiledQuery {
  const where = rawWhere(plan);
  // Inner names k…/s… so the outer g…/m… aliases never shadow the columns they read.
  const groups = plan.groupBy.map((_, i) => `k${i}`);
  const states = plan.measures.map((c, i) => `${stateSql(c)} AS s${i}`);
  const inner =
    `SELECT ${[...plan.groupBy.map((g, i) => `${g.value} AS k${i}`), ...states].join(', ')},` +
    ` count() AS n, ${plan.skippedSql} AS skc FROM ${LOGS_TABLE} WHERE ${where.sql}` +
    ` GROUP BY ${groups.join(', ')}`;
  const orderState = `finalizeAggregation(s${plan.orderMeasure})`;
  const rankOrder = [
    `${orderState} ${plan.orderDir.toUpperCase()} NULLS LAST`,
    ...groups.map((g) => `${g} ASC`),
  ].join(', ');
  const ranked =
    `SELECT *, sum(skc) OVER () AS sk, row_number() OVER (ORDER BY ${rankOrder}) AS rn` +
    ` FROM (${inner})`;
  const merged = plan.measures.map((c, i) => `${mergeSql(c, `s${i}`)} AS m${i}`);
  const select = [
    'if(rn <= {a_lim:UInt32}, rn, 0) AS slot',
    ...groups.map((k, i) => `any(${k}) AS g${i}`),
    ...merged,
    'sum(n) AS n',
    'any(sk) AS sk',
  ];
  return {
    sql: `SELECT ${select.join(', ')} FROM (${ranked}) GROUP BY slot ORDER BY slot = 0, slot`,
    params: { ...where.params, a_lim: plan.limit },
  };
}

const bucketOf = (column: string): string =>
  `toString(intDiv(toUnixTimestamp(${column}), {a_iv:UInt32}) * {a_iv:UInt32})`;

/**
 * Raw series: measures per bucket, per top group (keys `g0…`), and (with `other`) one more group
 * per bucket for every other row, marked `in_top = 0` with empty keys.
 */
export function compileSeries(plan: AggregatePlan, top: readonly string[][] | null): CompiledQuery {
  const where = rawWhere(plan);
  const params: QueryParams = { ...where.params, a_iv: plan.intervalS ?? 60 };
  const select = [`${bucketOf('ts')} AS b`];
  const groupBy = ['b'];
  let filter = '';
  if (top !== null && plan.groupBy.length > 0) {
    const keys = topKeysSql(plan, top);
    Object.assign(params, keys.params);
    select.push(`${keys.sql} AS in_top`);
    plan.groupBy.forEach((g, i) => select.push(`if(in_top, ${g.value}, '') AS g${i}`));
    groupBy.push('in_top', ...groupAliases(plan));
    if (!plan.other) filter = ` AND ${keys.sql}`;
  }
  select.push(selectMeasures(plan), `${plan.skippedSql} AS sk`);
  return {
    sql: `SELECT ${select.join(', ')} FROM ${LOGS_TABLE} WHERE ${where.sql}${filter} GROUP BY ${groupBy.join(', ')}`,
    params,
  };
}

/**
 * Rollup-served counts: every group (and bucket, in a series) with its row count `n`. Rows mode
 * reads the whole minutes from the rollup and the partial minutes at both edges from raw rows,
 * so the count is exact for any range. The caller orders and cuts (counts add up, so `other` is
 * a sum).
 */
export function compileRollupCounts(plan: AggregatePlan, maxGroups: number): CompiledQuery {
  const groupCols = plan.groupBy.map((g, i) => `${g.value} AS g${i}`);
  const groupNames = groupAliases(plan);
  const filter = plan.filter.sql;
  const base: QueryParams = { ...scopeParams(plan.scope), ...filter.params, a_max: maxGroups };
  if (plan.intervalS !== null) {
    const fromS = Number(plan.range.fromNs / NS_PER_S);
    const toS = Number(plan.range.toNs / NS_PER_S);
    const keys = ['b', ...groupNames];
    return {
      sql:
        `SELECT ${[`${bucketOf('minute')} AS b`, ...groupCols, 'sum(count) AS n'].join(', ')}` +
        ` FROM logs_rollup_1m WHERE ${SCOPE_SQL} AND minute >= toDateTime({a_rf:UInt32}, 'UTC')` +
        ` AND minute < toDateTime({a_rt:UInt32}, 'UTC') AND ${filter.sql}` +
        ` GROUP BY ${keys.join(', ')} LIMIT {a_max:UInt32}`,
      params: { ...base, a_rf: fromS, a_rt: toS, a_iv: plan.intervalS },
    };
  }
  const inner = innerMinutes(plan.range);
  const groupList = groupNames.length > 0 ? ` GROUP BY ${groupNames.join(', ')}` : '';
  const cols = [...groupCols];
  const rollup =
    `SELECT ${[...cols, 'sum(count) AS n'].join(', ')} FROM logs_rollup_1m WHERE ${SCOPE_SQL}` +
    ` AND minute >= toDateTime({a_rf:UInt32}, 'UTC') AND minute < toDateTime({a_rt:UInt32}, 'UTC')` +
    ` AND ${filter.sql}${groupList}`;
  const edges =
    `SELECT ${[...cols, 'count() AS n'].join(', ')} FROM ${LOGS_TABLE} WHERE ${SCOPE_SQL} AND ${TS_RANGE}` +
    ` AND (ts < toDateTime({a_rf:UInt32}, 'UTC') OR ts >= toDateTime({a_rt:UInt32}, 'UTC'))` +
    ` AND ${filter.sql}${groupList}`;
  const outer = [...groupNames, 'sum(n) AS n'].join(', ');
  return {
    sql: `SELECT ${outer} FROM (${rollup} UNION ALL ${edges})${groupList} LIMIT {a_max:UInt32}`,
    params: { ...base, ...rangeParams(plan.range), a_rf: inner.fromS, a_rt: inner.toS },
  };
}
