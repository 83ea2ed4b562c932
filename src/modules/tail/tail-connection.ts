// One tail socket's delivery state. Memory per socket is bounded by `limitBytes` twice over: what
// the socket has not yet written (ws bufferedAmount) and the rows held for it while it is paused,
// resuming or behind. Past that, rows are dropped and counted; the count is sent as a `dropped`
// message as soon as the socket has room again. Rows its query's sampler left out are counted
// too, and reported at most once per SAMPLED_NOTICE_INTERVAL_MS.
import type { WebSocket } from 'ws';
import { droppedMessage, logsFrame, sampledMessage } from './tail-protocol.ts';
import type { TailRow } from './tail-row.ts';

/** A frame built from held rows stays small enough to interleave with other sockets' frames. */
const MAX_ROWS_PER_FRAME = 500;
/** A sampled query leaves rows out on every tick: one notice a second is enough to show it. */
const SAMPLED_NOTICE_INTERVAL_MS = 1_000;
const OPEN = 1;

export interface DeliveryCounters {
  sent(rows: number): void;
  dropped(rows: number, reason: 'slow_client' | 'resume_limit'): void;
}

export class TailConnection {
  /** Rows go to `held` instead of straight to the socket: the client paused. */
  paused = false;
  /** A resume is filling the gap from ClickHouse; live rows wait behind it. */
  catchingUp = false;
  /** Pong seen since the last ping. */
  alive = true;
  closed = false;
  lastActiveMs = Date.now();
  private held: TailRow[] = [];
  private heldBytes = 0;
  private droppedUnreported = 0;
  private sampledUnreported = 0;
  private sampledNoticeMs = 0;

  constructor(
    readonly socket: WebSocket,
    private readonly limitBytes: number,
    private readonly counters: DeliveryCounters,
  ) {}

  /** Bytes this socket holds in memory now. */
  get queuedBytes(): number {
    return this.socket.bufferedAmount + this.heldBytes;
  }

  /** Needs the hub's attention on its next tick: held rows, an unreported drop or sample. */
  get backlogged(): boolean {
    return this.held.length > 0 || this.droppedUnreported > 0 || this.sampledUnreported > 0;
  }

  private get direct(): boolean {
    return !this.paused && !this.catchingUp && this.held.length === 0;
  }

  /** A group's frame for this tick. Returns the rows handed to the socket. */
  offer(frame: Buffer, rows: readonly TailRow[]): number {
    if (!this.direct) {
      this.hold(rows);
      return 0;
    }
    return this.sendFrame(frame, rows.length);
  }

  sendText(message: string): void {
    if (this.socket.readyState === OPEN) this.socket.send(message);
  }

  hold(rows: readonly TailRow[]): void {
    let dropped = 0;
    for (const row of rows) {
      if (this.heldBytes + row.bytes > this.limitBytes) {
        dropped += 1;
        continue;
      }
      this.held.push(row);
      this.heldBytes += row.bytes;
    }
    if (dropped > 0) this.dropRows(dropped, 'slow_client');
  }

  /** Puts gap rows from ClickHouse ahead of the live rows held meanwhile, minus duplicates. */
  prependBackfill(rows: readonly TailRow[]): void {
    const ids = new Set(rows.map((r) => r.id));
    const live = this.held.filter((r) => !ids.has(r.id));
    this.held = [];
    this.heldBytes = 0;
    // Newest first into the budget, so that what is cut is the oldest end of the gap.
    const all = [...rows, ...live];
    let start = all.length;
    let bytes = 0;
    while (start > 0) {
      const size = (all[start - 1] as TailRow).bytes;
      if (bytes + size > this.limitBytes) break;
      bytes += size;
      start -= 1;
    }
    if (start > 0) this.dropRows(start, 'resume_limit');
    this.held = all.slice(start);
    this.heldBytes = bytes;
  }

  /** Rows of a subscription that was replaced must not leak into the new one. */
  discardHeld(): void {
    this.held = [];
    this.heldBytes = 0;
  }

  /** Rows of this tick that the query's sampler left out (tail-sampler.ts). */
  noteSampled(rows: number): void {
    this.sampledUnreported += rows;
  }

  /** Sends held rows and notices while the socket has room; false once nothing is left. */
  drain(nowMs = Date.now()): boolean {
    if (this.socket.readyState !== OPEN) return false;
    if (this.droppedUnreported > 0 && this.hasRoom(64)) {
      this.socket.send(droppedMessage(this.droppedUnreported));
      this.droppedUnreported = 0;
    }
    if (
      this.sampledUnreported > 0 &&
      nowMs - this.sampledNoticeMs >= SAMPLED_NOTICE_INTERVAL_MS &&
      this.hasRoom(64)
    ) {
      this.socket.send(sampledMessage(this.sampledUnreported));
      this.sampledUnreported = 0;
      this.sampledNoticeMs = nowMs;
    }
    if (this.paused || this.catchingUp) return this.backlogged;
    while (this.held.length > 0) {
      const batch = this.held.slice(0, MAX_ROWS_PER_FRAME);
      const frame = logsFrame(batch.map((r) => r.json));
      if (!this.hasRoom(frame.length)) break;
      this.held = this.held.slice(batch.length);
      for (const row of batch) this.heldBytes -= row.bytes;
      this.socket.send(frame, { binary: false });
      this.counters.sent(batch.length);
    }
    return this.backlogged;
  }

  private sendFrame(frame: Buffer, rows: number): number {
    if (this.socket.readyState !== OPEN) return 0;
    if (!this.hasRoom(frame.length)) {
      this.dropRows(rows, 'slow_client');
      return 0;
    }
    if (this.droppedUnreported > 0) {
      this.socket.send(droppedMessage(this.droppedUnreported));
      this.droppedUnreported = 0;
    }
    this.socket.send(frame, { binary: false });
    this.counters.sent(rows);
    return rows;
  }

  /** An empty socket always takes one frame, so a single large frame cannot stall it forever. */
  private hasRoom(bytes: number): boolean {
    const buffered = this.socket.bufferedAmount;
    return buffered === 0 || buffered + bytes <= this.limitBytes;
  }

  dropRows(rows: number, reason: 'slow_client' | 'resume_limit'): void {
    this.droppedUnreported += rows;
    this.counters.dropped(rows, reason);
  }
}
