// "Has everything ingest accepted before time T reached ClickHouse?" Resume needs this: rows a
// client missed are read from ClickHouse, and the insert runs after the publish. Ingest publishes a
// row only after its job is in the queue, and job ids start with their creation time, so once no
// pending job (waiting, active, delayed, …) was created at or before T, every row accepted before
// T is stored (or dead-lettered, which is a gap the DLQ tools own).
import type { Queue } from 'bullmq';
import { jobIdCreatedAtMs } from '../pipeline/ingest-queue.ts';

const POLL_MS = 100;
/** Per state: enough to see the oldest few; active jobs are bounded by worker concurrency. */
const PEEK = 50;

interface Check {
  startedAtMs: number;
  oldestPendingMs: Promise<number | undefined>;
}

export class StoredWatermark {
  private latest: Check | undefined;

  constructor(private readonly queue: Pick<Queue, 'getRanges'>) {}

  /** Resolves true once rows accepted up to `untilMs` are stored, false at `deadlineMs`. */
  async waitFor(untilMs: number, deadlineMs: number): Promise<boolean> {
    for (;;) {
      const now = Date.now();
      if (now >= untilMs) {
        const oldest = await this.checkStartedAfter(untilMs);
        if (oldest === undefined || oldest > untilMs) return true;
      }
      if (Date.now() >= deadlineMs) return false;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, untilMs - now))));
    }
  }

  /** Many resuming sockets share one Redis round trip per poll. */
  private checkStartedAfter(t: number): Promise<number | undefined> {
    if (this.latest && this.latest.startedAtMs >= t) {
      const latest = this.latest;
      // A finished check is stale once the next poll is due.
      if (Date.now() - latest.startedAtMs < POLL_MS) return latest.oldestPendingMs;
    }
    const check: Check = { startedAtMs: Date.now(), oldestPendingMs: this.oldestPending() };
    this.latest = check;
    return check.oldestPendingMs;
  }

  private async oldestPending(): Promise<number | undefined> {
    const ids = await this.queue.getRanges(
      ['wait', 'prioritized', 'active', 'delayed', 'waiting-children'],
      0,
      PEEK - 1,
      true,
    );
    let oldest: number | undefined;
    for (const id of ids) {
      const created = jobIdCreatedAtMs(id);
      if (created !== undefined && (oldest === undefined || created < oldest)) oldest = created;
    }
    return oldest;
  }
}
