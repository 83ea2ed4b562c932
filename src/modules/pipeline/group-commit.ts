// Group commit: rows accepted by concurrent requests within a short window become one batch (one
// job, one ClickHouse insert). Each request waits for the batch holding its rows to be durable.
import {
  PAYLOAD_HEADROOM,
  PAYLOAD_TAILROOM,
  type IdempotencyMarker,
  type SealedBatch,
} from './batch-writer.ts';

export interface GroupCommitOptions {
  windowMs: number;
  maxRows: number;
  maxBytes: number;
  /** Batches being written at once; further sealed batches wait, which slows answers, not memory. */
  maxInFlight: number;
  write(batch: SealedBatch): Promise<string>;
  onSealed?(batch: SealedBatch): void;
  onWritten?(batch: SealedBatch, seconds: number): void;
}

interface Waiter {
  resolve(jobId: string): void;
  reject(error: unknown): void;
}

interface OpenBatch {
  chunks: Buffer[];
  markers: IdempotencyMarker[];
  rows: number;
  bytes: number;
  firstReceivedAtMs: number;
  waiters: Waiter[];
  timer: NodeJS.Timeout | undefined;
}

export class GroupCommitter {
  private open: OpenBatch | undefined;
  private readonly sealed: OpenBatch[] = [];
  private inFlight = 0;
  private readonly idle = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: GroupCommitOptions) {}

  /** Rows pending in memory (not yet durable), for the overload check. */
  get pendingRows(): number {
    let rows = this.open?.rows ?? 0;
    for (const batch of this.sealed) rows += batch.rows;
    return rows;
  }

  /**
   * Resolves with the job id once `chunk` (whole serialised lines) is durably queued, together with
   * `marker` (an Idempotency-Key's record) when the request carried one.
   */
  submit(
    chunk: Buffer,
    rows: number,
    receivedAtMs: number,
    marker?: IdempotencyMarker,
  ): Promise<string> {
    if (this.closed) return Promise.reject(new Error('group commit is closed'));
    if (this.open && this.open.bytes + chunk.length > this.options.maxBytes) this.seal();
    const batch = (this.open ??= this.newBatch(receivedAtMs));
    batch.chunks.push(chunk);
    if (marker !== undefined) batch.markers.push(marker);
    batch.rows += rows;
    batch.bytes += chunk.length;
    batch.firstReceivedAtMs = Math.min(batch.firstReceivedAtMs, receivedAtMs);
    const done = new Promise<string>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.rows >= this.options.maxRows || batch.bytes >= this.options.maxBytes) this.seal();
    return done;
  }

  /** Seals what is open and waits until every sealed batch is written (or failed). */
  async flush(): Promise<void> {
    this.seal();
    if (this.inFlight === 0 && this.sealed.length === 0) return;
    await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private newBatch(receivedAtMs: number): OpenBatch {
    const batch: OpenBatch = {
      chunks: [],
      markers: [],
      rows: 0,
      bytes: 0,
      firstReceivedAtMs: receivedAtMs,
      waiters: [],
      timer: undefined,
    };
    // A zero window still groups the requests that arrive in the same turn of the event loop.
    batch.timer =
      this.options.windowMs > 0
        ? setTimeout(() => this.sealIf(batch), this.options.windowMs)
        : (setImmediate(() => this.sealIf(batch)) as unknown as NodeJS.Timeout);
    return batch;
  }

  private sealIf(batch: OpenBatch): void {
    if (this.open === batch) this.seal();
  }

  private seal(): void {
    const batch = this.open;
    if (!batch) return;
    this.open = undefined;
    if (batch.timer && this.options.windowMs > 0) clearTimeout(batch.timer);
    this.sealed.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight) {
      const batch = this.sealed.shift();
      if (!batch) break;
      this.inFlight += 1;
      void this.writeBatch(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.inFlight === 0 && this.sealed.length === 0) {
          for (const resolve of this.idle) resolve();
          this.idle.clear();
        }
      });
    }
  }

  private async writeBatch(batch: OpenBatch): Promise<void> {
    // One copy of the requests' rows, with room around it for the writer's command: the Redis
    // client would otherwise copy the batch again into the bytes it sends.
    const framed = Buffer.allocUnsafe(PAYLOAD_HEADROOM + batch.bytes + PAYLOAD_TAILROOM);
    let at = PAYLOAD_HEADROOM;
    for (const chunk of batch.chunks) at += chunk.copy(framed, at);
    const sealed: SealedBatch = {
      body: framed.subarray(PAYLOAD_HEADROOM, at),
      framed,
      rows: batch.rows,
      firstReceivedAtMs: batch.firstReceivedAtMs,
      markers: batch.markers,
    };
    this.options.onSealed?.(sealed);
    const started = performance.now();
    try {
      const jobId = await this.options.write(sealed);
      this.options.onWritten?.(sealed, (performance.now() - started) / 1000);
      for (const waiter of batch.waiters) waiter.resolve(jobId);
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    }
  }
}
