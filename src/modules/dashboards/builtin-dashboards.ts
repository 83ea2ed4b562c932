// The dashboards every org has without making them: Overview (what its logs say) and Ingest health
// (what MyLog did with them). They are code, built per request, so they follow the org's data
// (the slowest-endpoints panel appears once a duration attribute does) and never go stale; a
// user who wants to change one duplicates it into an ordinary dashboard.
import type { DashboardJson, Panel } from './dashboards.schemas.ts';

export const BUILTIN_NAMES = ['overview', 'ingest_health'] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** Attribute keys that hold a duration, and ones that name an endpoint, best first. */
export const DURATION_FIELDS = ['duration_ms', 'latency', 'http.duration'];
export const ENDPOINT_FIELDS = ['http.route', 'route', 'endpoint', 'http.target', 'path', 'url'];

const layout = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

function overviewPanels(durationField: string | null, endpointField: string | null): Panel[] {
  const panels: Panel[] = [
    {
      id: 'volume',
      title: 'Volume by app and level',
      type: 'timeseries',
      query: {
        measures: [{ op: 'count' }],
        group_by: ['app', 'level'],
        interval: 'auto',
        limit: 20,
        other: true,
      },
      layout: layout(0, 0, 8, 4),
      options: { style: 'bars', stacked: true },
    },
    {
      id: 'errors',
      title: 'Errors',
      type: 'stat',
      query: { q: 'level:(error OR fatal)', measures: [{ op: 'count' }] },
      layout: layout(8, 0, 4, 2),
      options: {},
    },
    {
      id: 'error-rate',
      title: 'Error rate (per second)',
      type: 'timeseries',
      query: { q: 'level:(error OR fatal)', measures: [{ op: 'rate' }], interval: 'auto' },
      layout: layout(8, 2, 4, 2),
      options: { style: 'area' },
    },
    {
      id: 'top-services',
      title: 'Top services',
      type: 'top_list',
      query: { measures: [{ op: 'count' }], group_by: ['service'], limit: 10, other: true },
      layout: layout(0, 4, 4, 4),
      options: {},
    },
    {
      id: 'top-errors',
      title: 'Top error messages',
      type: 'table',
      query: {
        q: 'level:(error OR fatal)',
        measures: [{ op: 'count' }, { op: 'count_distinct', field: 'service' }],
        group_by: ['message_pattern'],
        limit: 10,
      },
      layout: layout(4, 4, 8, 4),
      options: { columns: ['Message', 'Count', 'Services'] },
    },
  ];
  if (durationField !== null) {
    panels.push({
      id: 'slowest',
      title: `Slowest ${endpointField ? 'endpoints' : 'services'} (${durationField})`,
      type: 'table',
      query: {
        q: `${durationField}:*`,
        measures: [
          { op: 'p95', field: durationField },
          { op: 'p50', field: durationField },
          { op: 'count' },
        ],
        group_by: [endpointField ?? 'service'],
        limit: 10,
        order: { measure: 0, dir: 'desc' },
      },
      layout: layout(0, 8, 12, 4),
      options: { columns: [endpointField ?? 'Service', 'p95', 'p50', 'Count'] },
    });
  }
  return panels;
}

function ingestHealthPanels(): Panel[] {
  const ingest = (metric: string, extra: Record<string, unknown> = {}) => ({
    source: 'ingest',
    metric,
    ...extra,
  });
  return [
    {
      id: 'accepted',
      title: 'Records accepted per app',
      type: 'timeseries',
      query: ingest('accepted_records', { group_by: ['app'], interval: 'auto' }),
      layout: layout(0, 0, 6, 4),
      options: { style: 'bars', stacked: true },
    },
    {
      id: 'rejected',
      title: 'Records rejected, by reason',
      type: 'timeseries',
      query: ingest('rejected_records', { group_by: ['reason'], interval: 'auto' }),
      layout: layout(6, 0, 6, 4),
      options: { style: 'bars', stacked: true },
    },
    {
      id: 'rate-limited',
      title: 'Rate-limited and over-quota records per app',
      type: 'table',
      query: ingest('rate_limited_records', { group_by: ['app', 'reason'] }),
      layout: layout(0, 4, 6, 3),
      options: { columns: ['App', 'Reason', 'Records'] },
    },
    {
      id: 'bytes',
      title: 'Bytes accepted per app',
      type: 'timeseries',
      query: ingest('accepted_bytes', { group_by: ['app'], interval: 'auto' }),
      layout: layout(6, 4, 6, 3),
      options: { style: 'line', unit: 'bytes' },
    },
    {
      id: 'lag',
      title: 'Ingest → stored lag (ms, p50 / p99)',
      type: 'table',
      query: ingest('lag_ms'),
      layout: layout(0, 7, 4, 2),
      options: { columns: ['p50', 'p99'] },
    },
    {
      id: 'queue',
      title: 'Queue depth (records waiting, all tenants)',
      type: 'stat',
      query: ingest('queue_depth'),
      layout: layout(4, 7, 4, 2),
      options: {},
    },
    {
      id: 'quota',
      title: 'Quota used today',
      type: 'table',
      query: ingest('quota_used', { group_by: ['app'] }),
      layout: layout(8, 7, 4, 2),
      options: { columns: ['App', 'Records today', '% of quota'] },
    },
    {
      id: 'redacted',
      title: 'Values redacted, by rule',
      type: 'timeseries',
      query: ingest('redacted_values', { group_by: ['reason'], interval: 'auto' }),
      layout: layout(0, 9, 12, 3),
      options: { style: 'bars', stacked: true },
    },
  ];
}

export function builtinDashboard(
  name: BuiltinName,
  orgId: string,
  fields: ReadonlySet<string>,
): DashboardJson {
  const durationField = DURATION_FIELDS.find((f) => fields.has(f)) ?? null;
  const endpointField = ENDPOINT_FIELDS.find((f) => fields.has(f)) ?? null;
  const overview = name === 'overview';
  return {
    id: `builtin-${name}`,
    org_id: orgId,
    owner_user_id: null,
    name: overview ? 'Overview' : 'Ingest health',
    description: overview
      ? 'Volume, errors, top services and messages, slowest endpoints'
      : 'What MyLog accepted, rejected and stored for your apps',
    visibility: 'org',
    variables: [],
    panels: overview ? overviewPanels(durationField, endpointField) : ingestHealthPanels(),
    version: 0,
    builtin: name,
    created_at: null,
    updated_at: null,
  };
}
