// Dashboards in the SPA: types of the API's shapes, how a panel's data is fetched for a range, and
// where a click on a chart leads (the explorer, with the panel's filter and the clicked range).
import { AGGREGATE_OPS } from '../../../modules/analytics/aggregate-ops.ts';
import { fillVariables } from '../../../modules/dashboards/dashboard-variables.ts';
import type { FormatNumberOptions } from 'react-intl';
import { currentDisplay, t } from '../i18n/display.ts';
import { api } from './api.ts';
import { addFilter, explorerSearch } from './explorer-state.ts';
import { resolveTime, type TimeRange } from './time.ts';

export type PanelType = 'timeseries' | 'top_list' | 'table' | 'stat' | 'pie' | 'logs' | 'markdown';
export const PANEL_TYPES: readonly PanelType[] = [
  'timeseries',
  'top_list',
  'table',
  'stat',
  'pie',
  'logs',
  'markdown',
];
export const OPS = AGGREGATE_OPS;

export interface Layout {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Measure {
  op: string;
  field?: string;
}
export interface PanelQuery {
  q?: string;
  source?: 'ingest';
  metric?: string;
  measures?: Measure[];
  group_by?: string[];
  interval?: string | null;
  limit?: number;
  other?: boolean;
  order?: { measure: number; dir: 'asc' | 'desc' };
  apps?: string[];
}
export interface Panel {
  id: string;
  title: string;
  type: PanelType;
  query?: PanelQuery;
  layout: Layout;
  options?: Record<string, unknown>;
}
export interface Variable {
  name: string;
  field: string;
  default: string;
}
export interface Dashboard {
  id: string;
  org_id: string;
  owner_user_id: string | null;
  name: string;
  description: string;
  visibility: 'private' | 'org';
  variables: Variable[];
  panels: Panel[];
  version: number;
  builtin: string | null;
}

export type Values = (number | null)[];
export interface Row {
  group: Record<string, string> | null;
  other?: boolean;
  values: Values;
}
export interface Series {
  group: Record<string, string> | null;
  other?: boolean;
  points: { ts: string; values: Values }[];
}
export interface Answer {
  from: string;
  to: string;
  skipped: number;
  source: string;
  interval_ms?: number;
  rows?: Row[];
  series?: Series[];
}
export interface LogRow {
  id: string;
  ts: string;
  level: string;
  service: string;
  message: string;
}
export type PanelData =
  | { kind: 'answer'; answer: Answer; previous?: Answer }
  | { kind: 'logs'; rows: LogRow[] }
  | { kind: 'none' };

function absolute(range: TimeRange): { fromMs: number; toMs: number } {
  return { fromMs: resolveTime(range.from), toMs: resolveTime(range.to) };
}

/** The panel's data over the range (and, for a stat, over the period before it too). */
export async function loadPanel(
  orgId: string,
  panel: Panel,
  range: TimeRange,
  values: Record<string, string>,
  variables: readonly Variable[],
  signal?: AbortSignal,
): Promise<PanelData> {
  const query = panel.query ?? {};
  const q = fillVariables(query.q ?? '', variables, values);
  if (panel.type === 'markdown') return { kind: 'none' };
  if (panel.type === 'logs') {
    const answer = await api<{ rows: LogRow[] }>('/v1/logs', {
      query: { q, from: range.from, to: range.to, limit: 50, apps: query.apps },
      signal,
    });
    return { kind: 'logs', rows: answer.rows };
  }
  if (query.source === 'ingest') {
    const { source: _s, ...rest } = query;
    const answer = await api<Answer>('/v1/ingest-stats/query', {
      method: 'POST',
      body: { org: orgId, query: { source: 'ingest', ...rest, from: range.from, to: range.to } },
      signal,
    });
    return { kind: 'answer', answer };
  }
  const body = { ...query, q, from: range.from, to: range.to };
  const answer = await api<Answer>('/v1/logs/aggregate', { method: 'POST', body, signal });
  if (panel.type !== 'stat') return { kind: 'answer', answer };
  const { fromMs, toMs } = absolute(range);
  // A range the browser cannot place in time (now+5m) has no previous period to compare with.
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return { kind: 'answer', answer };
  const previous = await api<Answer>('/v1/logs/aggregate', {
    method: 'POST',
    body: {
      ...body,
      from: new Date(fromMs - (toMs - fromMs)).toISOString(),
      to: new Date(fromMs).toISOString(),
    },
    signal,
  });
  return { kind: 'answer', answer, previous };
}

/** The explorer, filtered to the panel's query and a group, over a range. */
export function explorerLink(
  panel: Panel,
  group: Record<string, string> | null,
  range: TimeRange,
  values: Record<string, string>,
  variables: readonly Variable[],
): string {
  let q = fillVariables(panel.query?.q ?? '', variables, values);
  const apps: string[] = [];
  for (const [field, value] of Object.entries(group ?? {})) {
    if (field === 'app') apps.push(value);
    else if (field !== 'message_pattern') q = addFilter(q, field, value);
  }
  return `/logs${explorerSearch({ q, range, apps, row: null, live: false })}`;
}

export function groupLabel(
  group: Record<string, string> | null,
  other: boolean | undefined,
  appNames: ReadonlyMap<string, string>,
): string {
  if (other || group === null) return t('dashboards.panel.other');
  const parts = Object.entries(group).map(([k, v]) =>
    k === 'app' ? (appNames.get(v) ?? v) : v === '' ? t('dashboards.panel.none') : v,
  );
  return parts.length === 0 ? t('dashboards.panel.all') : parts.join(' · ');
}

/** Whether groupLabel() shows log content (group values, app names) rather than our own words. */
export function groupIsData(group: Record<string, string> | null, other?: boolean): boolean {
  return !other && group !== null && Object.keys(group).length > 0;
}

/** A number in the reader's locale. */
export function formatNumber(v: number, options?: FormatNumberOptions): string {
  return currentDisplay().intl.formatNumber(v, options);
}

export function formatValue(v: number | null, unit?: unknown): string {
  if (v === null) return '–';
  if (unit === 'bytes') {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let n = v;
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    const digits = n >= 10 || i === 0 ? 0 : 1;
    return `${formatNumber(n, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${units[i]}`;
  }
  if (Number.isInteger(v)) return formatNumber(v);
  const abs = Math.abs(v);
  if (abs >= 100) return formatNumber(v, { maximumFractionDigits: 0 });
  if (abs >= 1) return formatNumber(v, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return formatNumber(v, { maximumSignificantDigits: 3, minimumSignificantDigits: 3 });
}

export const listDashboards = (org: string) =>
  api<{ dashboards: Dashboard[]; builtin: { name: string; title: string }[] }>('/v1/dashboards', {
    query: { org },
  });
