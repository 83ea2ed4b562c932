// Payloads this process has just made durable, handed to its own insert worker in memory.
//
// With the ingest and worker roles in one process (the embedded default), every batch was written
// to Redis and then read straight back: reading a 5 MB payload took 130-200 ms under load (Redis
// sends big replies in slices, each loop iteration behind an appendfsync-always fsync) and cost
// Redis CPU. The copy in memory is byte-identical to the durable one, so using it changes nothing
// about durability or exactly-once: the job and its payload key stay in Redis until the insert
// succeeds, and a retry, a replay or another process reads Redis as before.
export class LocalPayloads {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  /** `maxBytes` bounds the memory held; beyond it the oldest entries are dropped (Redis has them). */
  constructor(private readonly maxBytes: number) {}

  put(key: string, payload: Buffer): void {
    if (payload.length > this.maxBytes) return;
    this.drop(key);
    // A Map iterates in insertion order: the first key is the oldest.
    for (const [oldest] of this.entries) {
      if (this.bytes + payload.length <= this.maxBytes) break;
      this.drop(oldest);
    }
    this.entries.set(key, payload);
    this.bytes += payload.length;
  }

  /** The payload, once: a retried job reads Redis, which holds the payload until it is stored. */
  take(key: string): Buffer | undefined {
    const payload = this.entries.get(key);
    this.drop(key);
    return payload;
  }

  drop(key: string): void {
    const payload = this.entries.get(key);
    if (payload === undefined) return;
    this.entries.delete(key);
    this.bytes -= payload.length;
  }

  get size(): number {
    return this.bytes;
  }
}
