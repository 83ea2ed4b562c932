// A JS oracle of the aggregate API's semantics (src/modules/analytics/aggregate-compiler.ts
// header), written from the spec and not from the SQL: filter, group, measure, order, cut, fill.
import type { AggregateRequest } from '../../../src/modules/analytics/aggregate.schemas.ts';
import { COUNTING_OPS } from '../../../src/modules/analytics/aggregate.schemas.ts';
import {
  compileQueryToPredicate,
  parseQuery,
  type LogRow,
} from '../../../src/modules/search/query-language/index.ts';
import { resolveFieldName } from '../../../src/modules/search/query-language/field-names.ts';
import { NUMERIC_TEXT } from '../../../src/modules/search/query-language/numeric-text.ts';
import { toRfc3339 } from '../../../src/modules/search/time-range.ts';

export interface OracleRow extends LogRow {
  tsNs: bigint;
}

type Values = (number | null)[];

function fieldText(row: OracleRow, name: string): { value: string; present: boolean } {
  const ref = resolveFieldName(name, { start: 0, end: name.length });
  if (ref.kind === 'column') {
    const value = row[ref.column];
    return { value, present: value !== '' };
  }
  const map = ref.kind === 'attribute' ? row.attributes : row.resource;
  return { value: map[ref.key] ?? '', present: Object.hasOwn(map, ref.key) };
}

function numbersOf(rows: OracleRow[], field: string): number[] {
  const out: number[] = [];
  for (const row of rows) {
    const { value } = fieldText(row, field);
    if (NUMERIC_TEXT.test(value)) out.push(Number(value));
  }
  return out;
}

/** ClickHouse's ReservoirSampler::quantileInterpolated, term for term. */
function quantile(sorted: number[], level: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.max(0, Math.min(sorted.length - 1, level * (sorted.length - 1)));
  const left = Math.floor(index);
  const right = left + 1;
  if (right === sorted.length) return sorted[left] as number;
  return (sorted[left] as number) * (right - index) + (sorted[right] as number) * (index - left);
}

const LEVELS: Record<string, number> = { p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99 };

function measure(
  rows: OracleRow[],
  m: AggregateRequest['measures'][number],
  windowS: number,
): number | null {
  switch (m.op) {
    case 'count':
      return rows.length;
    case 'rate':
      return rows.length / windowS;
    case 'count_distinct': {
      const seen = new Set<string>();
      for (const row of rows) {
        const f = fieldText(row, m.field as string);
        if (f.present) seen.add(f.value);
      }
      return seen.size;
    }
    default: {
      const nums = numbersOf(rows, m.field as string);
      if (nums.length === 0) return null;
      if (m.op === 'sum') return nums.reduce((a, b) => a + b, 0);
      if (m.op === 'avg') return nums.reduce((a, b) => a + b, 0) / nums.length;
      if (m.op === 'min') return Math.min(...nums);
      if (m.op === 'max') return Math.max(...nums);
      return quantile(
        nums.sort((a, b) => a - b),
        LEVELS[m.op] as number,
      );
    }
  }
}

function valuesOf(rows: OracleRow[], req: AggregateRequest, windowS: number): Values {
  return req.measures.map((m) => measure(rows, m, windowS));
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Group {
  keys: string[];
  rows: OracleRow[];
  values: Values;
}

function groupsOf(rows: OracleRow[], req: AggregateRequest, windowS: number): Group[] {
  const groupBy = req.group_by ?? [];
  const map = new Map<string, { keys: string[]; rows: OracleRow[] }>();
  for (const row of rows) {
    const keys = groupBy.map((g) => fieldText(row, g).value);
    const id = JSON.stringify(keys);
    const group = map.get(id) ?? { keys, rows: [] };
    group.rows.push(row);
    map.set(id, group);
  }
  const order = req.order ?? { measure: 0, dir: 'desc' };
  const groups = [...map.values()].map((g) => ({ ...g, values: valuesOf(g.rows, req, windowS) }));
  return groups.sort((a, b) => {
    const x = a.values[order.measure] ?? null;
    const y = b.values[order.measure] ?? null;
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return order.dir === 'desc' ? y - x : x - y;
    }
    for (let i = 0; i < a.keys.length; i++) {
      const c = byteCompare(a.keys[i] as string, b.keys[i] as string);
      if (c !== 0) return c;
    }
    return 0;
  });
}

export interface OracleInput {
  rows: OracleRow[];
  req: AggregateRequest;
  fromNs: bigint;
  toNs: bigint;
  /** Bucket size in seconds, or null for rows mode. */
  intervalS: number | null;
}

const NS_PER_S = 1_000_000_000n;

export function oracle(input: OracleInput): Record<string, unknown> {
  const { req, intervalS } = input;
  const predicate = compileQueryToPredicate(parseQuery(req.q ?? ''));
  let { fromNs, toNs } = input;
  if (intervalS !== null) {
    const iv = BigInt(intervalS) * NS_PER_S;
    fromNs = (fromNs / iv) * iv;
    toNs = toNs % iv === 0n ? toNs : (toNs / iv + 1n) * iv;
  }
  const rows = input.rows.filter((r) => r.tsNs >= fromNs && r.tsNs < toNs && predicate(r));
  const groupBy = req.group_by ?? [];
  const limit = req.limit ?? 10;
  const numericFields = new Set(
    req.measures.filter((m) => !COUNTING_OPS.has(m.op)).map((m) => m.field as string),
  );
  let skipped = 0;
  for (const f of numericFields) {
    for (const row of rows) {
      const t = fieldText(row, f);
      if (t.present && !NUMERIC_TEXT.test(t.value)) skipped++;
    }
  }
  const groupObject = (keys: string[]) => Object.fromEntries(groupBy.map((g, i) => [g, keys[i]]));
  if (intervalS === null) {
    const windowS = Number(toNs - fromNs) / 1e9;
    if (groupBy.length === 0) {
      return { rows: [{ group: {}, values: valuesOf(rows, req, windowS) }], skipped };
    }
    const groups = groupsOf(rows, req, windowS);
    const out: unknown[] = groups
      .slice(0, limit)
      .map((g) => ({ group: groupObject(g.keys), values: g.values }));
    const rest = groups.slice(limit).flatMap((g) => g.rows);
    if (req.other && rest.length > 0) {
      out.push({ group: null, other: true, values: valuesOf(rest, req, windowS) });
    }
    return { rows: out, skipped };
  }
  const iv = BigInt(intervalS) * NS_PER_S;
  const seriesOf = (members: OracleRow[]) => {
    const points = [];
    for (let b = fromNs; b < toNs; b += iv) {
      const inBucket = members.filter((r) => r.tsNs >= b && r.tsNs < b + iv);
      points.push({
        ts: toRfc3339(b),
        values:
          inBucket.length === 0
            ? req.measures.map((m) => (COUNTING_OPS.has(m.op) ? 0 : null))
            : valuesOf(inBucket, req, intervalS),
      });
    }
    return points;
  };
  if (groupBy.length === 0) return { series: [{ group: {}, points: seriesOf(rows) }], skipped };
  const groups = groupsOf(rows, req, Number(toNs - fromNs) / 1e9);
  const series: unknown[] = groups
    .slice(0, limit)
    .map((g) => ({ group: groupObject(g.keys), points: seriesOf(g.rows) }));
  const rest = groups.slice(limit).flatMap((g) => g.rows);
  if (req.other && rest.length > 0)
    series.push({ group: null, other: true, points: seriesOf(rest) });
  return { series, skipped };
}
