// Keeps ingest_keys.last_used_at current without a Postgres write per ingest request: each key is
// written at most once per interval per process, after the request has moved on, and a failed
// write is only logged (the next one is due an interval later, so a Postgres outage costs no
// retry storm).

/** The key fields a write needs: which key, and the tenant scope its row lives in. */
export interface UsedKey {
  keyId: string;
  orgId: string;
}

export interface IngestKeyUsageOptions {
  intervalMs: number;
  /** Writes `at`, unless a write since `unlessUsedSince` is already stored. */
  write(key: UsedKey, at: Date, unlessUsedSince: Date): Promise<void>;
  onError(error: unknown, key: UsedKey): void;
  now?: () => number;
}

/** Bounds the map if keys churn; clearing costs at most one extra write per active key. */
const MAX_TRACKED_KEYS = 100_000;

export class IngestKeyUsage {
  private readonly lastWriteAtMs = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: IngestKeyUsageOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Called on the hot path for every authenticated request: a map lookup unless a write is due. */
  record(key: UsedKey): void {
    const now = this.now();
    const last = this.lastWriteAtMs.get(key.keyId);
    if (last !== undefined && now - last < this.options.intervalMs) return;
    if (last === undefined && this.lastWriteAtMs.size >= MAX_TRACKED_KEYS) {
      this.lastWriteAtMs.clear();
    }
    // Marked before the write starts, so concurrent requests for the key do not write too.
    this.lastWriteAtMs.set(key.keyId, now);
    const at = new Date(now);
    const unlessUsedSince = new Date(now - this.options.intervalMs);
    const write: Promise<void> = Promise.resolve()
      .then(() => this.options.write(key, at, unlessUsedSince))
      .catch((error: unknown) => this.options.onError(error, key))
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /** Waits for the writes already started (shutdown: before the database pool closes). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
