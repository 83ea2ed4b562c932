// Streamed export with no row cap. ClickHouse must sort what it returns, so one query over a long
// range would sort every row in memory before the first byte. The range is instead cut into
// windows of at most EXPORT_WINDOW_ROWS rows (sized from the per-minute rollup) and each window is
// streamed in order, so memory stays bounded and the first bytes leave at once.
import { LOG_CSV_HEADER } from './log-columns.ts';
import { parseFilter } from './search-filter.ts';
import { QueryBudget } from './search-guardrails.ts';
import type { SortOrder } from './search-cursor.ts';
import type { ExportFormat } from './search.repository.ts';
import { isEmptyScope, type SearchScope } from './search-scope.ts';
import type { SearchDeps } from './search.service.ts';
import { NS_PER_S, resolveRange, type TimeRange } from './time-range.ts';

export const EXPORT_WINDOW_ROWS = 500_000;

export interface ExportInput {
  q?: string;
  from?: string;
  to?: string;
  order: SortOrder;
  format: ExportFormat;
}

/** Cuts [from, to) at minute edges into windows of at most `maxRows` rows, newest first. */
export function exportWindows(
  range: TimeRange,
  minutesDesc: { minute: string; n: string }[],
  maxRows: number,
): TimeRange[] {
  const windows: TimeRange[] = [];
  let top = range.toNs;
  let rows = 0;
  for (const { minute, n } of minutesDesc) {
    const start = BigInt(minute) * NS_PER_S;
    rows += Number(n);
    if (rows >= maxRows && start > range.fromNs && start < top) {
      windows.push({ fromNs: start, toNs: top });
      top = start;
      rows = 0;
    }
  }
  windows.push({ fromNs: range.fromNs, toNs: top });
  return windows;
}

/**
 * The export as bytes. Everything that can fail on the request itself (bad q, bad range, the
 * window plan) fails before the first byte, so those still get a proper status code.
 */
export async function exportLogs(
  deps: SearchDeps,
  scope: SearchScope,
  input: ExportInput,
  signal: AbortSignal,
): Promise<AsyncIterable<Uint8Array>> {
  const filter = parseFilter(input.q);
  const range = resolveRange(input.from, input.to, { maxRangeMs: deps.limits.maxRangeMs });
  const budget = new QueryBudget(deps.limits, deps.limits.exportTimeoutMs, null);
  let windows: TimeRange[] = [range];
  if (!isEmptyScope(scope)) {
    const minutes = await budget.run((settings) =>
      deps.repo.minuteCounts(scope, range, { settings, signal }),
    );
    windows = exportWindows(range, minutes, EXPORT_WINDOW_ROWS);
    if (input.order === 'asc') windows.reverse();
  }
  return (async function* () {
    // The header rides with the first rows, so a failing first query still fails before any byte.
    let header: Buffer | null = input.format === 'csv' ? Buffer.from(LOG_CSV_HEADER) : null;
    if (!isEmptyScope(scope)) {
      for (const window of windows) {
        const settings = budget.settings();
        try {
          for await (const chunk of deps.repo.exportWindow(
            scope,
            filter.sql,
            window,
            input.order,
            input.format,
            { settings, signal },
          )) {
            yield header ? Buffer.concat([header, chunk]) : chunk;
            header = null;
          }
        } catch (error) {
          throw budget.translate(error);
        }
        if (signal.aborted) return;
      }
    }
    if (header) yield header;
  })();
}
