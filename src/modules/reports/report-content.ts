// What a monthly report says, as JSON (the layout of issue 16, docs/usage-and-reports.md). Built
// from the usage counters, the org's pricing and Postgres; deterministic for a finished month: the
// same inputs give the same bytes (rows sorted with ties broken by id), so a rerun is the same report.
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { computeCosts, type Pricing, type UsageUnit } from '../pricing/cost.service.ts';
import { createPricingRepository } from '../pricing/pricing.repository.ts';
import { addDays, dayOf, daysBetween, monthSpan, previousMonth } from '../usage/usage-days.ts';
import type { DayRange, UsageRepository } from '../usage/usage.repository.ts';
import { createReportsRepository } from './reports.repository.ts';

export interface ReportOrg extends OrgScope {
  slug: string;
  name: string;
}

export interface ReportDeps {
  db: Db;
  usage: UsageRepository;
  topEndUsers: number;
}

export interface AppLine {
  app_id: string;
  name: string;
  records: number;
  bytes: number;
  cost_minor: number;
}

export interface EndUserLine {
  user_id: string;
  records: number;
  bytes: number;
  cost_minor: number;
}

export interface ReportSummary {
  month: string;
  partial: boolean;
  totals: { records: number; bytes: number; error_records: number; cost_minor: number };
  active_end_users: number;
  error_rate: number | null;
}

export interface ReportContent extends ReportSummary {
  version: 1;
  org: { id: string; slug: string; name: string };
  /** The days counted, inclusive (a partial report: the 1st to today). */
  period: { from: string; to: string };
  currency: string;
  minor_digits: number;
  totals: ReportSummary['totals'] & {
    stored_bytes: number;
    queries: number;
    query_read_bytes: number;
    export_bytes: number;
    tail_minutes: number;
  };
  apps: AppLine[];
  end_users: EndUserLine[];
  /** Every end user after the top ones, summed. */
  end_users_rest: { users: number; records: number; bytes: number; cost_minor: number };
  signed_in_users: number;
  daily: { day: string; records: number; bytes: number; error_records: number }[];
  ingest_lag_ms: { p50: number; p99: number } | null;
  search_p95_ms: number | null;
  ingest_availability: { ratio: number; samples: number } | null;
  rejected: { total: number; by_reason: Record<string, number> };
  alerts_fired: number;
  cost: { lines: ReturnType<typeof computeCosts>['lines']; total_minor: number };
  previous: ReportSummary | null;
}

/** The days of `month` a report covers at `nowMs`: all of them, or the 1st to today. */
export function reportDays(month: string, nowMs: number): { range: DayRange; partial: boolean } {
  const span = monthSpan(month);
  const partial = nowMs < span.endMs;
  return {
    range: { fromDay: span.firstDay, toDay: partial ? dayOf(nowMs) : span.lastDay },
    partial,
  };
}

async function unitsAndCosts(
  deps: ReportDeps,
  scope: OrgScope,
  range: DayRange,
  pricing: Pricing,
  days: number,
) {
  const [usage, stored] = await Promise.all([
    deps.usage.perAppUser(scope, range),
    deps.usage.storedByteDays(scope, range),
  ]);
  const units = new Map<string, UsageUnit>();
  const unit = (app_id: string, user_id: string): UsageUnit => {
    const key = `${app_id}\u0000${user_id}`;
    let u = units.get(key);
    if (!u) {
      u = { app_id, user_id, records: 0, bytes: 0, byte_days: 0 };
      units.set(key, u);
    }
    return u;
  };
  for (const r of usage)
    Object.assign(unit(r.app_id, r.user_id), { records: r.records, bytes: r.bytes });
  for (const s of stored) unit(s.app_id, s.user_id).byte_days = s.byte_days;
  const list = [...units.values()];
  return { units: list, costs: computeCosts(pricing, list, days) };
}

const byRecords =
  <T extends { records: number }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    b.records - a.records || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

async function summary(
  deps: ReportDeps,
  scope: OrgScope,
  month: string,
  nowMs: number,
  pricing: Pricing,
): Promise<ReportSummary> {
  const { range, partial } = reportDays(month, nowMs);
  const [totals, active, { costs }] = await Promise.all([
    deps.usage.totals(scope, range),
    deps.usage.activeEndUsers(scope, range),
    unitsAndCosts(deps, scope, range, pricing, monthSpan(month).days),
  ]);
  return {
    month,
    partial,
    totals: {
      records: totals.records,
      bytes: totals.bytes,
      error_records: totals.error_records,
      cost_minor: costs.total_minor,
    },
    active_end_users: active,
    error_rate: totals.records === 0 ? null : totals.error_records / totals.records,
  };
}

export async function buildReport(
  deps: ReportDeps,
  org: ReportOrg,
  month: string,
  nowMs: number,
): Promise<{ content: ReportContent; endUsers: EndUserLine[] }> {
  const span = monthSpan(month);
  const { range } = reportDays(month, nowMs);
  const pricing = await createPricingRepository(deps.db).effective(org);
  const reports = createReportsRepository(deps.db);
  const periodEnd = new Date(
    Math.min(span.endMs, Date.parse(`${addDays(range.toDay, 1)}T00:00:00Z`)),
  );
  const [
    head,
    totals,
    names,
    { units, costs },
    daily,
    lag,
    search,
    availability,
    rejectedByReason,
    signedIn,
    alerts,
    stored,
  ] = await Promise.all([
    summary(deps, org, month, nowMs, pricing),
    deps.usage.totals(org, range),
    reports.appNames(org),
    unitsAndCosts(deps, org, range, pricing, span.days),
    deps.usage.daily(org, range),
    deps.usage.lag(org, range),
    deps.usage.searchLatency(org, range),
    deps.usage.availability(span.startMs, periodEnd.getTime()),
    deps.usage.rejectedByReason(org, range),
    reports.signedInUsers(org, new Date(span.startMs), periodEnd),
    reports.alertsFired(org, new Date(span.startMs), periodEnd),
    deps.usage.stored(org, range, 'app'),
  ]);
  const previousMonthName = previousMonth(month);
  const previous =
    monthSpan(previousMonthName).endMs <= span.startMs
      ? await summary(deps, org, previousMonthName, nowMs, pricing)
      : null;

  const appTotals = new Map<string, AppLine>();
  const userTotals = new Map<string, EndUserLine>();
  for (const u of units) {
    const a = appTotals.get(u.app_id) ?? {
      app_id: u.app_id,
      name: names.get(u.app_id) ?? u.app_id,
      records: 0,
      bytes: 0,
      cost_minor: costs.apps.get(u.app_id) ?? 0,
    };
    a.records += u.records;
    a.bytes += u.bytes;
    appTotals.set(u.app_id, a);
    const e = userTotals.get(u.user_id) ?? {
      user_id: u.user_id,
      records: 0,
      bytes: 0,
      cost_minor: costs.end_users.get(u.user_id) ?? 0,
    };
    e.records += u.records;
    e.bytes += u.bytes;
    userTotals.set(u.user_id, e);
  }
  const apps = [...appTotals.values()].sort(byRecords((a) => a.app_id));
  const endUsers = [...userTotals.values()].sort(byRecords((e) => e.user_id));
  const top = endUsers.slice(0, deps.topEndUsers);
  const rest = endUsers.slice(deps.topEndUsers).reduce(
    (acc, e) => ({
      users: acc.users + 1,
      records: acc.records + e.records,
      bytes: acc.bytes + e.bytes,
      cost_minor: acc.cost_minor + e.cost_minor,
    }),
    { users: 0, records: 0, bytes: 0, cost_minor: 0 },
  );
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const rejectedTotal = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  const content: ReportContent = {
    version: 1,
    org: { id: org.orgId, slug: org.slug, name: org.name },
    month,
    partial: head.partial,
    period: { from: range.fromDay, to: range.toDay },
    currency: costs.currency,
    minor_digits: costs.minor_digits,
    totals: {
      ...head.totals,
      stored_bytes: [...stored.values()].reduce((a, b) => a + b, 0),
      queries: totals.queries,
      query_read_bytes: totals.query_read_bytes,
      export_bytes: totals.export_bytes,
      tail_minutes: Math.round((totals.tail_seconds / 60) * 10) / 10,
    },
    apps,
    end_users: top,
    end_users_rest: rest,
    active_end_users: head.active_end_users,
    signed_in_users: signedIn,
    daily: daysBetween(range.fromDay, range.toDay).map(
      (day) => byDay.get(day) ?? { day, records: 0, bytes: 0, error_records: 0 },
    ),
    error_rate: head.error_rate,
    ingest_lag_ms: lag,
    search_p95_ms: search?.p95_ms ?? null,
    ingest_availability: availability,
    rejected: { total: rejectedTotal, by_reason: rejectedByReason },
    alerts_fired: alerts,
    cost: { lines: costs.lines, total_minor: costs.total_minor },
    previous,
  };
  return { content, endUsers };
}

export interface Spend {
  month: string;
  currency: string;
  minor_digits: number;
  /** What this month's usage costs so far, the month's base fee included. */
  to_date_minor: number;
  /** The base fee plus the usage so far scaled to the whole month. */
  projected_minor: number;
  elapsed_ratio: number;
}

export async function spendToDate(deps: ReportDeps, org: OrgScope, nowMs: number): Promise<Spend> {
  const month = dayOf(nowMs).slice(0, 7);
  const span = monthSpan(month);
  const { range } = reportDays(month, nowMs);
  const pricing = await createPricingRepository(deps.db).effective(org);
  const { costs } = await unitsAndCosts(deps, org, range, pricing, span.days);
  const base = costs.lines.find((l) => l.item === 'base_fee')?.amount_minor ?? 0;
  const elapsed = Math.max(1, nowMs - span.startMs) / (span.endMs - span.startMs);
  return {
    month,
    currency: costs.currency,
    minor_digits: costs.minor_digits,
    to_date_minor: costs.total_minor,
    projected_minor: base + Math.round((costs.total_minor - base) / elapsed),
    elapsed_ratio: elapsed,
  };
}
