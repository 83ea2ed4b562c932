// Reads for the Ingest health dashboard: one org's counters from ingest_stats (this module's
// table), the ingest → stored lag and today's quota use from the usage module, and the shared
// queue's depth. Answers have the aggregate API's shape so the dashboard charts draw them as is.
import type { ClickHouseStore, QueryParams } from '../../infra/clickhouse/store.ts';
import type { Db } from '../../infra/postgres.ts';
import type { AggregateAnswer } from '../analytics/aggregate.schemas.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { autoIntervalS, parseIntervalS } from '../search/histogram-interval.ts';
import { NS_PER_MS, NS_PER_S, resolveRange, toRfc3339 } from '../search/time-range.ts';
import { quotasToday } from '../usage/quotas.service.ts';
import { dayOf } from '../usage/usage-days.ts';
import { createUsageRepository } from '../usage/usage.repository.ts';
import { INGEST_STATS_TABLE, REDACTION_STATS_TABLE } from './ingest-stats.ts';
import {
  INGEST_COUNTERS,
  type IngestCounter,
  type IngestStatsQuery,
} from './ingest-stats.schemas.ts';

export interface IngestStatsDeps {
  db: Db;
  clickhouse: ClickHouseStore;
  quotaWarnPercent: number;
  /** Records waiting in the shared ingest queue (all tenants), when this instance watches it. */
  queueDepth: () => number | undefined;
}

function isCounter(metric: string): metric is IngestCounter {
  return (INGEST_COUNTERS as readonly string[]).includes(metric);
}

const GROUP_SQL = { app: 'toString(app_id)', reason: 'reason' } as const;

export async function queryIngestStats(
  deps: IngestStatsDeps,
  org: OrgScope,
  query: IngestStatsQuery,
  clock: () => number = Date.now,
): Promise<AggregateAnswer> {
  const nowMs = clock();
  const range = resolveRange(query.from ?? 'now-24h', query.to, BigInt(nowMs) * NS_PER_MS);
  // ingest_stats counts whole minutes: the range is read in whole minutes too.
  const minute = 60n * NS_PER_S;
  const fromS = Number((range.fromNs / minute) * 60n);
  const toS = Number(((range.toNs + minute - 1n) / minute) * 60n);
  const span = { from: toRfc3339(BigInt(fromS) * NS_PER_S), to: toRfc3339(BigInt(toS) * NS_PER_S) };
  const usage = createUsageRepository(deps.clickhouse);
  if (query.metric === 'lag_ms') {
    const lag = await usage.lag(org, {
      fromDay: dayOf(fromS * 1000),
      toDay: dayOf(toS * 1000 - 1),
    });
    const values = [lag?.p50 ?? null, lag?.p99 ?? null];
    return { ...span, skipped: 0, source: 'rollup', rows: [{ group: {}, values }] };
  }
  if (query.metric === 'quota_used') {
    const quotas = await quotasToday(
      { db: deps.db, usage, warnPercent: deps.quotaWarnPercent },
      org,
      nowMs,
    );
    const rows = quotas.apps.map((a) => ({
      group: { app: a.app_id },
      values: [a.records_today, a.percent],
    }));
    return { ...span, skipped: 0, source: 'rollup', rows };
  }
  if (query.metric === 'queue_depth') {
    return {
      ...span,
      skipped: 0,
      source: 'raw',
      rows: [{ group: {}, values: [deps.queueDepth() ?? null] }],
    };
  }
  return counters(deps.clickhouse, org, query, query.metric, fromS, toS, span);
}

async function counters(
  clickhouse: ClickHouseStore,
  org: OrgScope,
  query: IngestStatsQuery,
  metric: string,
  fromS: number,
  toS: number,
  span: { from: string; to: string },
): Promise<AggregateAnswer> {
  if (!isCounter(metric)) throw new Error(`not a counter: ${metric}`);
  const groupBy = query.group_by ?? [];
  const keys = groupBy.map((g, i) => `${GROUP_SQL[g]} AS g${i}`);
  const interval = query.interval ?? null;
  const intervalS =
    interval === null
      ? null
      : Math.max(
          60,
          interval === 'auto' ? autoIntervalS(toS - fromS) : parseIntervalS(interval, toS - fromS),
        );
  const select = [...keys, `sum(${metric}) AS n`];
  const group = groupBy.map((_, i) => `g${i}`);
  const params: QueryParams = { org: org.orgId, f: fromS, t: toS };
  if (intervalS !== null) {
    select.unshift('toUInt32(intDiv(toUnixTimestamp(minute), {iv:UInt32}) * {iv:UInt32}) AS b');
    group.unshift('b');
    params.iv = intervalS;
  }
  const rows = await clickhouse.query<Record<string, string | number>>(
    `SELECT ${select.join(', ')} FROM ${metric.startsWith('redacted_') ? REDACTION_STATS_TABLE : INGEST_STATS_TABLE}
     WHERE org_id = {org:UUID} AND minute >= toDateTime({f:UInt32}, 'UTC') AND minute < toDateTime({t:UInt32}, 'UTC')
     ${group.length > 0 ? `GROUP BY ${group.join(', ')}` : ''} ORDER BY n DESC LIMIT 10000`,
    params,
    { settings: { log_comment: 'dashboards.ingest_health' } },
  );
  const groupOf = (r: Record<string, string | number>) =>
    Object.fromEntries(groupBy.map((g, i) => [g, String(r[`g${i}`])]));
  if (intervalS === null) {
    const out = rows.map((r) => ({ group: groupOf(r), values: [Number(r.n)] }));
    return {
      ...span,
      skipped: 0,
      source: 'rollup',
      rows: groupBy.length === 0 && out.length === 0 ? [{ group: {}, values: [0] }] : out,
    };
  }
  const start = Math.floor(fromS / intervalS) * intervalS;
  const series = new Map<string, { group: Record<string, string>; points: Map<number, number> }>();
  for (const r of rows) {
    const g = groupOf(r);
    const id = JSON.stringify(g);
    const s = series.get(id) ?? { group: g, points: new Map<number, number>() };
    s.points.set(Number(r.b), Number(r.n));
    series.set(id, s);
  }
  if (groupBy.length === 0 && series.size === 0) series.set('{}', { group: {}, points: new Map() });
  return {
    ...span,
    interval_ms: intervalS * 1000,
    skipped: 0,
    source: 'rollup',
    series: [...series.values()].map((s) => {
      const points = [];
      for (let b = start; b < toS; b += intervalS) {
        points.push({ ts: toRfc3339(BigInt(b) * NS_PER_S), values: [s.points.get(b) ?? 0] });
      }
      return { group: s.group, points };
    }),
  };
}
