// Light counters for what the logs table cannot tell: queries run and the bytes they read, export
// bytes and live-tail time. Each instance sums them in memory per (org, app, day) and flushes them
// to ClickHouse every USAGE_FLUSH_INTERVAL_MS and at shutdown; a crash loses at most one interval
// of these counters (never records: those are metered by the materialized view on logs).
import type { UsageRepository, CounterRow, QueryRow } from './usage.repository.ts';
import { SEVERAL_APPS, type UsageCounter } from './usage-tables.ts';
import { dayOf } from './usage-days.ts';

/** Who a query or stream was for, from the tenant scope the search paths bind to every query. */
export interface MeterScope {
  orgIds: readonly string[];
  appIds: readonly string[];
}

export interface UsageMeterOptions {
  repo: UsageRepository;
  flushIntervalMs: number;
  /** Query rows held between flushes; past it the oldest are dropped (and counted as dropped). */
  maxPendingQueries: number;
  now?: () => number;
  onFlushError?: (error: unknown) => void;
}

export class UsageMeter {
  private counters = new Map<string, CounterRow>();
  private queries: QueryRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  droppedQueries = 0;

  constructor(private readonly options: UsageMeterOptions) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * One ClickHouse query of a search path. A query over several orgs counts once for each, its
   * read bytes shared out evenly; over several apps it is charged to no single app.
   */
  countQuery(scope: MeterScope, feature: string, durationMs: number, readBytes: number): void {
    const orgs = [...new Set(scope.orgIds)];
    if (orgs.length === 0) return;
    const appId =
      orgs.length === 1 && scope.appIds.length === 1 ? (scope.appIds[0] as string) : SEVERAL_APPS;
    const ts = new Date(this.now()).toISOString().replace('T', ' ').replace('Z', '');
    const share = splitEvenly(readBytes, orgs.length);
    orgs.forEach((orgId, i) => {
      this.add(orgId, appId, 'queries', 1);
      this.add(orgId, appId, 'query_read_bytes', share[i] as number);
      if (this.queries.length >= this.options.maxPendingQueries) {
        this.queries.shift();
        this.droppedQueries += 1;
      }
      this.queries.push({
        org_id: orgId,
        app_id: appId,
        ts,
        feature,
        duration_ms: Math.max(0, Math.round(durationMs)),
        read_bytes: share[i] as number,
      });
    });
  }

  countExport(scope: MeterScope, bytes: number): void {
    this.spread(scope, 'export_bytes', bytes);
  }

  countTailSeconds(scope: MeterScope, seconds: number): void {
    this.spread(scope, 'tail_seconds', Math.round(seconds));
  }

  private spread(scope: MeterScope, counter: UsageCounter, amount: number): void {
    const orgs = [...new Set(scope.orgIds)];
    if (orgs.length === 0 || amount <= 0) return;
    const appId =
      orgs.length === 1 && scope.appIds.length === 1 ? (scope.appIds[0] as string) : SEVERAL_APPS;
    const shares = splitEvenly(amount, orgs.length);
    orgs.forEach((orgId, i) => this.add(orgId, appId, counter, shares[i] as number));
  }

  private add(orgId: string, appId: string, counter: UsageCounter, n: number): void {
    if (n === 0 && counter !== 'queries') return;
    const day = dayOf(this.now());
    const key = `${orgId}|${appId}|${day}`;
    let row = this.counters.get(key);
    if (!row) {
      row = { org_id: orgId, app_id: appId, user_id: '', day };
      this.counters.set(key, row);
    }
    row[counter] = (row[counter] ?? 0) + n;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.flush().catch(this.options.onFlushError),
      this.options.flushIntervalMs,
    );
    this.timer.unref();
  }

  /** Writes what was counted so far; counts arriving meanwhile wait for the next flush. */
  async flush(): Promise<void> {
    await this.flushing;
    const counters = [...this.counters.values()];
    const queries = this.queries;
    if (counters.length === 0 && queries.length === 0) return;
    this.counters = new Map();
    this.queries = [];
    this.flushing = (async () => {
      try {
        await this.options.repo.addCounters(counters);
        await this.options.repo.addQueries(queries);
      } catch (error) {
        // Put them back: the next flush tries again.
        for (const row of counters) this.merge(row);
        this.queries = [...queries, ...this.queries].slice(-this.options.maxPendingQueries);
        throw error;
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  private merge(row: CounterRow): void {
    const key = `${row.org_id}|${row.app_id}|${row.day}`;
    const existing = this.counters.get(key);
    if (!existing) {
      this.counters.set(key, row);
      return;
    }
    for (const [name, value] of Object.entries(row)) {
      if (typeof value === 'number') {
        const counter = name as UsageCounter;
        existing[counter] = (existing[counter] ?? 0) + value;
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** n split into k whole parts that sum to n, the remainder going to the first ones. */
function splitEvenly(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n - base * k ? 1 : 0));
}
