// Streamed export with no row cap. ClickHouse must sort what it returns, so one query over a long
// range would sort every row in memory before the first byte. The range is instead cut into
// windows of at most SEARCH_EXPORT_WINDOW_ROWS rows (sized from the per-minute rollup) and each
// window is streamed in order, so memory stays bounded and the first bytes leave at once.
// A failure after the first bytes cannot change the status code any more: the export then ends
// with an error line and the `x-export-status: failed` trailer, never as a silently short file.
import { AppError } from '../../infra/errors.ts';
import { LOG_CSV_HEADER } from './log-columns.ts';
import { parseFilter } from './search-filter.ts';
import { QueryBudget } from './search-guardrails.ts';
import type { SortOrder } from './search-cursor.ts';
import type { ExportFormat } from './search.repository.ts';
import { isEmptyScope, type SearchScope } from './search-scope.ts';
import type { SearchDeps } from './search.service.ts';
import { NS_PER_S, resolveRange, type TimeRange } from './time-range.ts';

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

export type ExportStatus = 'running' | 'complete' | 'failed';

export interface ExportRun {
  bytes: AsyncIterable<Uint8Array>;
  /** `complete` once every row was produced, `failed` once the error line was. */
  status(): ExportStatus;
}

/** The last line of an export that failed after its first bytes, in the export's own format. */
export function failureLine(format: ExportFormat, error: unknown): Buffer {
  const code = error instanceof AppError ? error.code : 'export_failed';
  const message =
    error instanceof AppError ? error.message : 'the export failed before its end; run it again';
  const line =
    format === 'csv'
      ? `# export failed (${code}): ${message}`
      : JSON.stringify({ error: { code: 'export_failed', message, cause: code } });
  return Buffer.from(`${line}\n`);
}

/**
 * The export as bytes. Everything that can fail on the request itself (bad q, bad range, the
 * window plan, the first query) fails before the first byte, so those still get a status code.
 */
export async function exportLogs(
  deps: SearchDeps,
  scope: SearchScope,
  input: ExportInput,
  signal: AbortSignal,
  onFailure: (error: unknown) => void = () => undefined,
): Promise<ExportRun> {
  const filter = parseFilter(input.q);
  const range = resolveRange(input.from, input.to, { maxRangeMs: deps.limits.maxRangeMs });
  const budget = new QueryBudget(deps.limits, deps.limits.exportTimeoutMs, null);
  let windows: TimeRange[] = [range];
  if (!isEmptyScope(scope)) {
    const minutes = await budget.run((settings) =>
      deps.repo.minuteCounts(scope, range, { settings, signal }),
    );
    windows = exportWindows(range, minutes, deps.limits.exportWindowRows);
    if (input.order === 'asc') windows.reverse();
  }
  let status: ExportStatus = 'running';
  async function* bytes(): AsyncGenerator<Uint8Array> {
    // The header rides with the first rows, so a failing first query still fails before any byte.
    let header: Buffer | null = input.format === 'csv' ? Buffer.from(LOG_CSV_HEADER) : null;
    let started = false;
    for (const window of isEmptyScope(scope) ? [] : windows) {
      try {
        const settings = budget.settings();
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
          started = true;
        }
      } catch (error) {
        const translated = budget.translate(error);
        if (!started || signal.aborted) throw translated;
        status = 'failed';
        onFailure(translated);
        yield failureLine(input.format, translated);
        return;
      }
      if (signal.aborted) return;
    }
    if (header) yield header;
    status = 'complete';
  }
  return { bytes: bytes(), status: () => status };
}
