// Field keys and top values. Over a long, busy range these would read every attribute map, so they
// count a sample instead: the newest rows in range, up to config.search.facetSampleRows, found by
// walking the per-minute rollup down from `to`. Answers say so (`sampled`) and give the window.
import { resolveFieldName } from './query-language/field-names.ts';
import { parseFilter } from './search-filter.ts';
import { QueryBudget } from './search-guardrails.ts';
import type { SqlFilter } from './search.repository.ts';
import { isEmptyScope, type SearchScope } from './search-scope.ts';
import type { SearchDeps } from './search.service.ts';
import { NS_PER_S, resolveRange, toRfc3339, type TimeRange } from './time-range.ts';

export interface FacetInput {
  q?: string;
  from?: string;
  to?: string;
  limit: number;
}

interface SampleWindow {
  range: TimeRange;
  sampled: boolean;
}

export interface FieldsAnswer {
  fields: { name: string; count: number }[];
  /** Rows the counts come from (those matching q in the window). */
  rows: number;
  sampled: boolean;
  from: string;
  to: string;
}

export interface ValuesAnswer {
  field: string;
  values: { value: string; count: number }[];
  sampled: boolean;
  from: string;
  to: string;
}

async function sampleWindow(
  deps: SearchDeps,
  scope: SearchScope,
  range: TimeRange,
  budget: QueryBudget,
): Promise<SampleWindow> {
  const minutes = await budget.run((settings) =>
    deps.repo.minuteCounts(scope, range, { settings }),
  );
  let seen = 0;
  for (const { minute, n } of minutes) {
    seen += Number(n);
    if (seen >= deps.limits.facetSampleRows) {
      const fromNs = BigInt(minute) * NS_PER_S;
      return {
        range: { fromNs: fromNs > range.fromNs ? fromNs : range.fromNs, toNs: range.toNs },
        sampled: fromNs > range.fromNs,
      };
    }
  }
  return { range, sampled: false };
}

export async function listFields(
  deps: SearchDeps,
  scope: SearchScope,
  input: FacetInput,
): Promise<FieldsAnswer> {
  const filter = parseFilter(input.q);
  const range = resolveRange(input.from, input.to, { maxRangeMs: deps.limits.maxRangeMs });
  const empty = {
    fields: [],
    rows: 0,
    sampled: false,
    from: toRfc3339(range.fromNs),
    to: toRfc3339(range.toNs),
  };
  if (isEmptyScope(scope)) return empty;
  const budget = new QueryBudget(deps.limits);
  const window = await sampleWindow(deps, scope, range, budget);
  const [keys, rows] = await Promise.all([
    budget.run((settings) =>
      deps.repo.attributeKeys(scope, filter.sql, window.range, input.limit, {
        settings,
      }),
    ),
    budget.run((settings) => deps.repo.countRows(scope, filter.sql, window.range, { settings })),
  ]);
  return {
    fields: keys.map((k) => ({ name: k.name, count: Number(k.n) })),
    rows,
    sampled: window.sampled,
    from: toRfc3339(window.range.fromNs),
    to: toRfc3339(window.range.toNs),
  };
}

/** The SQL that reads one field: a column by its fixed name, a map key as a bound parameter. */
function fieldSubject(name: string): { subject: SqlFilter; present: SqlFilter | null } {
  const field = resolveFieldName(name, { start: 0, end: name.length });
  if (field.kind === 'column') {
    const sql = field.column === 'app_id' ? 'toString(app_id)' : field.column;
    return { subject: { sql, params: {} }, present: null };
  }
  const map = field.kind === 'attribute' ? 'attributes' : 'resource';
  return {
    subject: { sql: `${map}[{fk:String}]`, params: { fk: field.key } },
    present: { sql: `mapContains(${map}, {fk:String})`, params: { fk: field.key } },
  };
}

export async function topValues(
  deps: SearchDeps,
  scope: SearchScope,
  name: string,
  input: FacetInput,
): Promise<ValuesAnswer> {
  const parsed = parseFilter(input.q);
  const range = resolveRange(input.from, input.to, { maxRangeMs: deps.limits.maxRangeMs });
  if (isEmptyScope(scope)) {
    return {
      field: name,
      values: [],
      sampled: false,
      from: toRfc3339(range.fromNs),
      to: toRfc3339(range.toNs),
    };
  }
  const { subject, present } = fieldSubject(name);
  const filter: SqlFilter = present
    ? {
        sql: `${parsed.sql.sql} AND ${present.sql}`,
        params: { ...parsed.sql.params, ...present.params },
      }
    : parsed.sql;
  const budget = new QueryBudget(deps.limits);
  const window = await sampleWindow(deps, scope, range, budget);
  const values = await budget.run((settings) =>
    deps.repo.topValues(scope, filter, window.range, subject, input.limit, {
      settings,
    }),
  );
  return {
    field: name,
    values: values.map((v) => ({ value: v.value, count: Number(v.n) })),
    sampled: window.sampled,
    from: toRfc3339(window.range.fromNs),
    to: toRfc3339(window.range.toNs),
  };
}
