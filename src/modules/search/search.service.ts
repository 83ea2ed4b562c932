// Search pages and histograms. A page over a long range runs newest-chunk-first: a small window
// at the top, then windows four times larger, stopping as soon as the page is full, so a common
// term answers from the last minutes without sorting the whole range.
import type { LogRowJson } from '../logs-table/logs-table.ts';
import { CANONICAL_LEVELS } from './query-language/index.ts';
import { autoIntervalS, parseIntervalS } from './histogram-interval.ts';
import { decodeCursor, encodeCursor, searchFingerprint, type SortOrder } from './search-cursor.ts';
import { parseFilter, readsOnlyRollupColumns } from './search-filter.ts';
import { QueryBudget, type SearchLimits } from './search-guardrails.ts';
import type { LevelCount, RowPosition, SearchRepository } from './search.repository.ts';
import { isEmptyScope, type SearchScope } from './search-scope.ts';
import { BadRequestError } from '../../infra/errors.ts';
import {
  checkRange,
  NS_PER_S,
  resolveRange,
  rowTsToNanos,
  toRfc3339,
  type TimeRange,
} from './time-range.ts';

export interface SearchDeps {
  repo: SearchRepository;
  limits: SearchLimits;
}

export interface SearchInput {
  q?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  order?: SortOrder;
  /** The apps parameter as sent: part of what a cursor is bound to. */
  apps?: string;
}

export interface SearchPage {
  rows: LogRowJson[];
  next_cursor: string | null;
}

const FIRST_CHUNK_NS = 15n * 60n * NS_PER_S;
const CHUNK_GROWTH = 4n;

export async function searchLogs(
  deps: SearchDeps,
  scope: SearchScope,
  input: SearchInput,
): Promise<SearchPage> {
  const filter = parseFilter(input.q);
  const search = searchFingerprint(input.q, input.apps);
  const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor, search);
  const range = cursor
    ? checkRange(cursor.range, deps.limits.maxRangeMs)
    : resolveRange(input.from, input.to, { maxRangeMs: deps.limits.maxRangeMs });
  const order = cursor?.order ?? input.order ?? 'desc';
  if (isEmptyScope(scope)) return { rows: [], next_cursor: null };
  const after: RowPosition | null = cursor ? { tsNs: cursor.tsNs, id: cursor.id } : null;
  const budget = new QueryBudget(deps.limits);
  // One row more than asked says whether another page exists.
  const want = input.limit + 1;
  const rows: LogRowJson[] = [];
  for (const window of chunks(range, after, order)) {
    const got = await budget.run((settings) =>
      deps.repo.page(scope, filter.sql, window, after, order, want - rows.length, {
        settings,
      }),
    );
    rows.push(...got);
    if (rows.length >= want) break;
  }
  if (rows.length < want) return { rows, next_cursor: null };
  rows.length = input.limit;
  const last = rows.at(-1) as LogRowJson;
  return {
    rows,
    next_cursor: encodeCursor({ tsNs: rowTsToNanos(last.ts), id: last.id, range, order, search }),
  };
}

/** Disjoint windows covering what is left of the range, nearest to the reading edge first. */
export function* chunks(
  range: TimeRange,
  after: RowPosition | null,
  order: SortOrder,
): Generator<TimeRange> {
  let size = FIRST_CHUNK_NS;
  if (order === 'desc') {
    // The cursor row's own timestamp stays inside: rows sharing it but with smaller ids follow it.
    let top = after && after.tsNs + 1n < range.toNs ? after.tsNs + 1n : range.toNs;
    while (top > range.fromNs) {
      const bottom = top - size > range.fromNs ? top - size : range.fromNs;
      yield { fromNs: bottom, toNs: top };
      top = bottom;
      size *= CHUNK_GROWTH;
    }
  } else {
    let bottom = after && after.tsNs > range.fromNs ? after.tsNs : range.fromNs;
    while (bottom < range.toNs) {
      const top = bottom + size < range.toNs ? bottom + size : range.toNs;
      yield { fromNs: bottom, toNs: top };
      bottom = top;
      size *= CHUNK_GROWTH;
    }
  }
}

export interface HistogramInput {
  q?: string;
  from?: string;
  to?: string;
  interval?: string;
}

export interface HistogramBucket {
  ts: string;
  total: number;
  levels: Record<string, number>;
}

export interface Histogram {
  interval_ms: number;
  /** The counted range: [from, to) widened to whole buckets, so every bucket is complete. */
  from: string;
  to: string;
  source: 'rollup' | 'raw';
  buckets: HistogramBucket[];
}

export async function histogram(
  deps: SearchDeps,
  scope: SearchScope,
  input: HistogramInput,
): Promise<Histogram> {
  const filter = parseFilter(input.q);
  const range = resolveRange(input.from, input.to, { maxRangeMs: deps.limits.maxRangeMs });
  const rangeS = Number((range.toNs - range.fromNs + NS_PER_S - 1n) / NS_PER_S);
  const maxBuckets = deps.limits.histogramMaxBuckets;
  const intervalS =
    input.interval === undefined
      ? autoIntervalS(rangeS)
      : parseIntervalS(input.interval, rangeS, maxBuckets);
  const iv = BigInt(intervalS) * NS_PER_S;
  const fromS = Number(floorDiv(range.fromNs, iv) * BigInt(intervalS));
  const toS = Number(-floorDiv(-range.toNs, iv) * BigInt(intervalS));
  // The rollup counts whole minutes: usable when buckets are whole minutes and q reads only its columns.
  const source = intervalS % 60 === 0 && readsOnlyRollupColumns(filter.ast) ? 'rollup' : 'raw';
  let counts: LevelCount[] = [];
  if (!isEmptyScope(scope)) {
    const budget = new QueryBudget(deps.limits);
    counts = await budget.run((settings) =>
      source === 'rollup'
        ? deps.repo.histogramRollup(scope, filter.sql, fromS, toS, intervalS, {
            settings,
          })
        : deps.repo.histogramRaw(
            scope,
            filter.sql,
            { fromNs: BigInt(fromS) * NS_PER_S, toNs: BigInt(toS) * NS_PER_S },
            intervalS,
            { settings },
          ),
    );
  }
  return {
    interval_ms: intervalS * 1000,
    from: toRfc3339(BigInt(fromS) * NS_PER_S),
    to: toRfc3339(BigInt(toS) * NS_PER_S),
    source,
    buckets: fillBuckets(fromS, toS, intervalS, maxBuckets, counts),
  };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function fillBuckets(
  fromS: number,
  toS: number,
  intervalS: number,
  maxBuckets: number,
  counts: LevelCount[],
): HistogramBucket[] {
  // Widening to whole buckets adds at most one; anything more is a bug that must not eat the heap.
  if ((toS - fromS) / intervalS > maxBuckets + 1) {
    throw new BadRequestError('invalid_interval', `more than ${maxBuckets} buckets`, {
      max_buckets: maxBuckets,
    });
  }
  const byStart = new Map<number, HistogramBucket>();
  const buckets: HistogramBucket[] = [];
  for (let s = fromS; s < toS; s += intervalS) {
    const levels: Record<string, number> = {};
    for (const level of CANONICAL_LEVELS) levels[level] = 0;
    const bucket = { ts: toRfc3339(BigInt(s) * NS_PER_S), total: 0, levels };
    byStart.set(s, bucket);
    buckets.push(bucket);
  }
  for (const { bucket, level, n } of counts) {
    const target = byStart.get(Number(bucket));
    if (!target) continue;
    target.levels[level] = (target.levels[level] ?? 0) + Number(n);
    target.total += Number(n);
  }
  return buckets;
}
