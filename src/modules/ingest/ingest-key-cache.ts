// Ingest keys → (org, app, limits), cached in process for a short TTL so the hot path does not ask
// Postgres per request. Revocations and rotations are pushed through Redis pub/sub (see
// ingest-key-events.ts) and drop the entry at once; the TTL bounds staleness if a message is lost.
import type { ResolvedIngestKey } from '../ingest-keys/ingest-keys.repository.ts';

/** Unknown keys are remembered briefly too, so a client hammering with a bad key costs no query. */
const NEGATIVE_TTL_CAP_MS = 5_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  value: ResolvedIngestKey | undefined;
  expiresAtMs: number;
}

export class IngestKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<ResolvedIngestKey | undefined>>();

  constructor(
    private readonly resolve: (keyHash: string) => Promise<ResolvedIngestKey | undefined>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(keyHash: string): Promise<ResolvedIngestKey | undefined> {
    const entry = this.entries.get(keyHash);
    if (entry && entry.expiresAtMs > this.now()) return entry.value;
    // One lookup per key at a time, however many requests are waiting for it.
    let pending = this.loading.get(keyHash);
    if (!pending) {
      pending = this.load(keyHash).finally(() => this.loading.delete(keyHash));
      this.loading.set(keyHash, pending);
    }
    return pending;
  }

  /** Called for every revocation/rotation message: the next request re-resolves the key. */
  delete(keyHash: string): void {
    this.entries.delete(keyHash);
  }

  clear(): void {
    this.entries.clear();
  }

  private async load(keyHash: string): Promise<ResolvedIngestKey | undefined> {
    const value = await this.resolve(keyHash);
    const now = this.now();
    let expiresAtMs = now + (value ? this.ttlMs : Math.min(this.ttlMs, NEGATIVE_TTL_CAP_MS));
    // A rotated key carries the instant it stops working; a cached copy must not outlive it.
    const keyExpiry = (value as { expiresAt?: Date | null } | undefined)?.expiresAt;
    if (keyExpiry instanceof Date) expiresAtMs = Math.min(expiresAtMs, keyExpiry.getTime());
    if (this.ttlMs > 0) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(keyHash, { value, expiresAtMs });
    }
    return value;
  }
}
