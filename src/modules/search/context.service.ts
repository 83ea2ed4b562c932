// The lines around one line: by default those of the same app, host and service (one process's
// story), or the whole app's when asked to widen. Finding the line by id alone would scan the app's
// whole history, so the id's UUIDv7 timestamp (the receive time) bounds the lookup: observed_ts
// within a few minutes of it, ts within ingest's accepted skew of it.
import type { Config } from '../../config.ts';
import { NotFoundError } from '../../infra/errors.ts';
import type { LogRowJson } from '../logs-table/logs-table.ts';
import { QueryBudget } from './search-guardrails.ts';
import { isEmptyScope, type SearchScope } from './search-scope.ts';
import type { SearchDeps } from './search.service.ts';
import { NS_PER_MS, rowTsToNanos, type TimeRange } from './time-range.ts';

export interface ContextAnswer {
  row: LogRowJson;
  /** Oldest first, ending right before `row`. */
  before: LogRowJson[];
  /** Oldest first, starting right after `row`. */
  after: LogRowJson[];
}

const DAY_MS = 86_400_000;
const NEIGHBOUR_WINDOW_NS = 3600n * 1_000_000_000n;
// Ids are minted at receive time, a little after it when a millisecond's counter overflows.
const OBSERVED_BEFORE_ID_MS = 10 * 60_000;
const OBSERVED_AFTER_ID_MS = 1_000;

function uuidV7Ms(id: string): number | null {
  if (id[14] !== '7') return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

function lookupBounds(
  id: string,
  skew: Pick<Config['ingest'], 'maxPastSkewMs' | 'maxFutureSkewMs'>,
): { ts: TimeRange; observed: TimeRange | null } {
  const ms = uuidV7Ms(id);
  if (ms === null) {
    return {
      ts: { fromNs: 0n, toNs: BigInt(Date.now() + 365 * DAY_MS) * NS_PER_MS },
      observed: null,
    };
  }
  const ns = (value: number): bigint => BigInt(Math.max(0, value)) * NS_PER_MS;
  return {
    ts: {
      fromNs: ns(ms - skew.maxPastSkewMs - DAY_MS),
      toNs: ns(ms + skew.maxFutureSkewMs + DAY_MS),
    },
    observed: { fromNs: ns(ms - OBSERVED_BEFORE_ID_MS), toNs: ns(ms + OBSERVED_AFTER_ID_MS) },
  };
}

export async function logContext(
  deps: SearchDeps,
  skew: Pick<Config['ingest'], 'maxPastSkewMs' | 'maxFutureSkewMs'>,
  scope: SearchScope,
  id: string,
  counts: { before: number; after: number },
  widen: 'source' | 'app' = 'source',
): Promise<ContextAnswer> {
  if (isEmptyScope(scope)) throw new NotFoundError('log');
  const normalised = id.toLowerCase();
  const bounds = lookupBounds(normalised, skew);
  const budget = new QueryBudget(deps.limits);
  const row = await budget.run((settings) =>
    deps.repo.findById(scope, normalised, bounds.ts, bounds.observed, {
      settings,
    }),
  );
  if (!row) throw new NotFoundError('log');
  const position = { tsNs: rowTsToNanos(row.ts), id: row.id };
  const source = widen === 'source' ? { host: row.host, service: row.service } : null;
  const around = async (order: 'asc' | 'desc', count: number) => {
    if (count === 0) return [];
    const run = (withinNs: bigint | null) =>
      budget.run((settings) =>
        deps.repo.neighbours(scope, row.app_id, source, position, order, count, withinNs, {
          settings,
        }),
      );
    // Neighbours are almost always within the hour; only a sparse app needs the unbounded read.
    const near = await run(NEIGHBOUR_WINDOW_NS);
    return near.length === count ? near : run(null);
  };
  const [before, after] = await Promise.all([
    around('desc', counts.before),
    around('asc', counts.after),
  ]);
  return { row, before: before.reverse(), after };
}
