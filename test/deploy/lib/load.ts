// Load generator for the rehearsal: a few workers ingest batches with unique messages and query
// search through the proxy until told to stop (or a request/time budget runs out). Nothing is
// retried: any failed request is counted, because a blue/green switch must not fail any.
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadOptions {
  baseUrl: string;
  ingestKey: string;
  /** An API token for search. */
  searchToken: string;
  runId: string;
  workers: number;
  recordsPerRequest: number;
  /** Every Nth request of a worker is a search instead of an ingest. */
  searchEvery: number;
  maxRequests: number;
  maxMs: number;
  pauseMs: number;
}

export interface LoadReport {
  requests: number;
  ingests: number;
  searches: number;
  failures: string[];
  /** Messages a 202 acknowledged. */
  acknowledged: string[];
  rejectedRecords: number;
  ms: number;
}

export interface LoadRun {
  stop(): Promise<LoadReport>;
  report: LoadReport;
  done: Promise<LoadReport>;
}

export function startLoad(o: LoadOptions): LoadRun {
  const report: LoadReport = {
    requests: 0,
    ingests: 0,
    searches: 0,
    failures: [],
    acknowledged: [],
    rejectedRecords: 0,
    ms: 0,
  };
  const started = Date.now();
  let stopped = false;
  let seq = 0;

  const budgetLeft = (): boolean =>
    !stopped && report.requests < o.maxRequests && Date.now() - started < o.maxMs;

  async function ingest(): Promise<void> {
    const batch = Array.from(
      { length: o.recordsPerRequest },
      () => `rehearsal-${o.runId}-${seq++}`,
    );
    const body = batch.map((message) => ({ message, level: 'info', service: 'rehearsal' }));
    const res = await fetch(`${o.baseUrl}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`ingest ${res.status}: ${text.slice(0, 200)}`);
    const parsed = JSON.parse(text) as {
      accepted?: number;
      rejected?: Array<{ index: number }> | number;
    };
    const rejected = new Set(
      Array.isArray(parsed.rejected) ? parsed.rejected.map((r) => r.index) : [],
    );
    const rejectedCount = Array.isArray(parsed.rejected)
      ? parsed.rejected.length
      : (parsed.rejected ?? 0);
    report.rejectedRecords += rejectedCount;
    if (rejectedCount > 0 && rejected.size === 0)
      throw new Error(`ingest rejected ${rejectedCount} without indexes`);
    batch.forEach((message, i) => {
      if (!rejected.has(i)) report.acknowledged.push(message);
    });
    report.ingests += 1;
  }

  async function search(): Promise<void> {
    const q = encodeURIComponent(`service:rehearsal`);
    const res = await fetch(`${o.baseUrl}/v1/logs?q=${q}&from=now-1h&limit=10`, {
      headers: { authorization: `Bearer ${o.searchToken}` },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`search ${res.status}: ${text.slice(0, 200)}`);
    const parsed = JSON.parse(text) as { rows?: unknown };
    if (!Array.isArray(parsed.rows))
      throw new Error(`search answered without rows: ${text.slice(0, 200)}`);
    report.searches += 1;
  }

  async function worker(w: number): Promise<void> {
    for (let i = 0; budgetLeft(); i++) {
      report.requests += 1;
      const isSearch = (i + w) % o.searchEvery === 0;
      try {
        await (isSearch ? search() : ingest());
      } catch (error) {
        report.failures.push(`${new Date().toISOString()} ${(error as Error).message}`);
      }
      await sleep(o.pauseMs);
    }
  }

  const done = Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w))).then(() => {
    report.ms = Date.now() - started;
    return report;
  });
  return {
    report,
    done,
    async stop() {
      stopped = true;
      return done;
    },
  };
}
