// The explorer's whole state lives in the URL (shareable links, back/forward): query, time range,
// apps, the open row and live tail.
import { DEFAULT_RANGE, type TimeRange } from './time.ts';

export interface ExplorerState {
  q: string;
  range: TimeRange;
  apps: string[];
  /** The row whose detail is open. */
  row: string | null;
  live: boolean;
}

export function readExplorerState(search: URLSearchParams): ExplorerState {
  return {
    q: search.get('q') ?? '',
    range: {
      from: search.get('from') ?? DEFAULT_RANGE.from,
      to: search.get('to') ?? DEFAULT_RANGE.to,
    },
    apps: (search.get('apps') ?? '').split(',').filter(Boolean),
    row: search.get('row'),
    live: search.get('live') === '1',
  };
}

export function explorerSearch(state: ExplorerState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.range.from !== DEFAULT_RANGE.from) params.set('from', state.range.from);
  if (state.range.to !== DEFAULT_RANGE.to) params.set('to', state.range.to);
  if (state.apps.length) params.set('apps', state.apps.join(','));
  if (state.row) params.set('row', state.row);
  if (state.live) params.set('live', '1');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Quotes a value for the query language when it is not a plain word. */
export function quoteValue(value: string): string {
  if (value !== '' && /^[^\s()":<>\\*]+$/.test(value) && !/^-/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Adds `field:value` (or `-field:value`) to a query, unless that exact term is already there. */
export function addFilter(query: string, field: string, value: string, exclude = false): string {
  const term = `${exclude ? '-' : ''}${field}:${quoteValue(value)}`;
  const trimmed = query.trim();
  if (trimmed === '' || trimmed === '*') return term;
  if (trimmed.split(/\s+/).includes(term)) return trimmed;
  const needsGroup = /\bOR\b/.test(trimmed);
  return `${needsGroup ? `(${trimmed})` : trimmed} ${term}`;
}
