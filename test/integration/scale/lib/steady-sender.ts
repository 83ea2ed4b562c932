// Senders that behave like a well-made shipper: a steady stream of batches of unique messages,
// each batch with its own Idempotency-Key; a 503/409/429 is retried after its Retry-After with the
// same key and body, until a 202. Reports what they saw: answers by status, when ingest was
// refusing and for how long, and every message a 202 acknowledged.
import { setTimeout as sleep } from 'node:timers/promises';

export interface SenderOptions {
  baseUrl: string;
  ingestKey: string;
  /** Prefix of every message, so one run's rows are told apart from another's. */
  runId: string;
  senders: number;
  recordsPerRequest: number;
  /** Each sender starts a batch this often (or right after the previous one, if slower). */
  intervalMs: number;
  /** A batch not acknowledged after this long is given up (counted in `unacknowledged`). */
  giveUpMs: number;
}

export interface SenderReport {
  batches: number;
  requests: number;
  /** Answers by HTTP status ("conn" = the connection failed before an answer). */
  answers: Record<string, number>;
  retryAfterSeen: number[];
  /** First and last refusal (non-202), ms since the start; undefined when there was none. */
  refusingFromMs?: number;
  refusingUntilMs?: number;
  /** Longest time one batch waited for its 202, ms. */
  longestBatchMs: number;
  acknowledged: string[];
  /** Batches given up, and answers no retry can fix (4xx other than 409/429). */
  unacknowledged: string[];
  startedAt: number;
}

export interface Senders {
  report: SenderReport;
  /** Resolves once `n` more batches have been acknowledged. */
  acknowledgedMore(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<SenderReport>;
}

const RETRIED = new Set([409, 429, 503]);

export function startSenders(o: SenderOptions): Senders {
  const startedAt = Date.now();
  const report: SenderReport = {
    batches: 0,
    requests: 0,
    answers: {},
    retryAfterSeen: [],
    longestBatchMs: 0,
    acknowledged: [],
    unacknowledged: [],
    startedAt,
  };
  let stopped = false;
  let acked = 0;
  const count = (status: string) => (report.answers[status] = (report.answers[status] ?? 0) + 1);
  const refused = () => {
    const at = Date.now() - startedAt;
    report.refusingFromMs ??= at;
    report.refusingUntilMs = at;
  };

  async function sendBatch(sender: number, seq: number): Promise<void> {
    const id = `${o.runId}-${sender}-${seq}`;
    const messages = Array.from({ length: o.recordsPerRequest }, (_, i) => `${id}-${i}`);
    const body = JSON.stringify(messages.map((message) => ({ message, service: 'scale' })));
    const started = Date.now();
    for (;;) {
      report.requests += 1;
      let status: number;
      let retryAfterS = 0;
      let text = '';
      try {
        const res = await fetch(`${o.baseUrl}/v1/logs`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${o.ingestKey}`,
            'content-type': 'application/json',
            'idempotency-key': id,
          },
          body,
        });
        status = res.status;
        retryAfterS = Number(res.headers.get('retry-after') ?? 0);
        text = await res.text();
      } catch {
        status = 0;
      }
      count(status === 0 ? 'conn' : String(status));
      if (status === 202) {
        report.acknowledged.push(...messages);
        report.batches += 1;
        acked += 1;
        report.longestBatchMs = Math.max(report.longestBatchMs, Date.now() - started);
        return;
      }
      refused();
      if (status !== 0 && !RETRIED.has(status)) {
        report.unacknowledged.push(`${id}: ${status} ${text.slice(0, 200)}`);
        return;
      }
      if (Date.now() - started > o.giveUpMs) {
        report.unacknowledged.push(`${id}: gave up after ${Date.now() - started} ms (${status})`);
        return;
      }
      if (retryAfterS > 0) report.retryAfterSeen.push(retryAfterS);
      await sleep(retryAfterS > 0 ? retryAfterS * 1000 : 100);
    }
  }

  async function sender(n: number): Promise<void> {
    for (let seq = 0; !stopped; seq++) {
      const next = Date.now() + o.intervalMs;
      await sendBatch(n, seq);
      await sleep(Math.max(0, next - Date.now()));
    }
  }

  const done = Promise.all(Array.from({ length: o.senders }, (_, n) => sender(n)));
  return {
    report,
    async acknowledgedMore(n, timeoutMs) {
      const target = acked + n;
      const deadline = Date.now() + timeoutMs;
      while (acked < target) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${acked - target + n} of ${n} batches acknowledged in ${timeoutMs} ms`,
          );
        await sleep(50);
      }
    },
    async stop() {
      stopped = true;
      await done;
      return report;
    },
  };
}

/** Each acknowledged message's count among stored ones: lost (0), duplicated (>1), unexpected. */
export function compareStored(
  acknowledged: readonly string[],
  stored: ReadonlyMap<string, number>,
): { lost: string[]; duplicated: string[]; unacknowledgedStored: number } {
  const acked = new Set(acknowledged);
  return {
    lost: [...acked].filter((m) => !stored.has(m)),
    duplicated: [...stored].filter(([, n]) => n > 1).map(([m, n]) => `${m} ×${n}`),
    unacknowledgedStored: [...stored.keys()].filter((m) => !acked.has(m)).length,
  };
}

export function describeSenders(r: SenderReport): string {
  const answers = Object.entries(r.answers)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  const refusing =
    r.refusingFromMs === undefined
      ? 'never refused'
      : `refused from +${r.refusingFromMs} ms to +${r.refusingUntilMs} ms ` +
        `(${(r.refusingUntilMs as number) - r.refusingFromMs} ms), Retry-After seen: ` +
        `${[...new Set(r.retryAfterSeen)].join(',') || 'none'} s`;
  return (
    `${r.batches} batches / ${r.acknowledged.length} records acknowledged in ${r.requests} requests ` +
    `(${answers}); ${refusing}; longest wait for one 202: ${r.longestBatchMs} ms`
  );
}
