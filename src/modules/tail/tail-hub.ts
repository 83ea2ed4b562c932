// The tail hub: one per process. It holds ONE Redis subscription per app that any local socket
// watches, evaluates each distinct (apps, query) once per row, builds each `logs` frame once and
// hands the same bytes to every socket of that group, on a single timer (TAIL_BATCH_INTERVAL_MS).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import type { LogRowPredicate } from '../search/query-language/index.ts';
import { tailChannel } from '../ingest/tail-publisher.ts';
import { TailConnection } from './tail-connection.ts';
import { TailLeases } from './tail-leases.ts';
import type { TailMetrics } from './tail-metrics.ts';
import { CLOSE, logsFrame } from './tail-protocol.ts';
import { parsePublishedRows, type TailRow } from './tail-row.ts';
import { TailSampler } from './tail-sampler.ts';
import type { WebSocket } from 'ws';

/** Sockets changing filters come back to the same apps: keep the Redis subscription a moment. */
const UNWATCH_LINGER_MS = 5_000;
/** Latency samples per frame: observing every row for every query would cost more than sending. */
const LATENCY_SAMPLES_PER_FRAME = 8;
const HOUSEKEEPING_INTERVAL_MS = 1_000;
/** Rows one query may collect within one tick, in socket budgets. */
const GROUP_PENDING_FACTOR = 4;

interface Group {
  readonly key: string;
  readonly appIds: readonly string[];
  readonly predicate: LogRowPredicate;
  readonly members: Set<TailConnection>;
  readonly sampler: TailSampler;
  pending: TailRow[];
  pendingBytes: number;
}

interface AppWatch {
  readonly groups: Set<Group>;
  ready: Promise<void>;
  linger: NodeJS.Timeout | undefined;
}

export interface HubHooks {
  /** Called from housekeeping when a subscribed socket's scope is due for another check. */
  reauthDue(connection: TailConnection): void;
  /** Called when this hub's lease on apps ran out before its refresh landed (tail-leases.ts). */
  leaseLapsed?(appIds: readonly string[], lapsedForMs: number, sockets: number): void;
}

export class TailHub {
  readonly id = randomUUID();
  private readonly apps = new Map<string, AppWatch>();
  private readonly groups = new Map<string, Group>();
  private readonly membership = new Map<TailConnection, Group>();
  private readonly connections = new Set<TailConnection>();
  private readonly subscriber: Redis;
  private readonly leases: TailLeases;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly channelPrefix: string;
  private readonly authCheckedAt = new Map<TailConnection, number>();
  closing = false;

  constructor(
    redis: Redis,
    private readonly config: Config,
    private readonly metrics: TailMetrics,
    private readonly hooks: HubHooks,
  ) {
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.onPublished(channel, message),
    );
    this.leases = new TailLeases(redis, config, this.id, (appIds, lapsedForMs) =>
      this.leaseLapsed(appIds, lapsedForMs),
    );
    this.channelPrefix = tailChannel(config, '');
  }

  start(): void {
    this.leases.start();
    const every = (ms: number, fn: () => void): void => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.tail.batchIntervalMs, () => this.flush());
    every(this.config.tail.pingIntervalMs, () => this.ping());
    every(Math.min(HOUSEKEEPING_INTERVAL_MS, this.config.tail.idleTimeoutMs), () =>
      this.housekeeping(),
    );
  }

  get size(): number {
    return this.connections.size;
  }

  get full(): boolean {
    return this.connections.size >= this.config.tail.maxConnections;
  }

  bufferedBytes(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.queuedBytes;
    return total;
  }

  connect(socket: WebSocket): TailConnection {
    const connection = new TailConnection(socket, this.config.tail.socketBufferBytes, {
      sent: (rows) => this.metrics.rowsSent.inc(rows),
      dropped: (rows, reason) => this.metrics.rowsDropped.inc({ reason }, rows),
    });
    this.connections.add(connection);
    this.metrics.socketsOpen.set(this.connections.size);
    socket.on('pong', () => {
      connection.alive = true;
    });
    return connection;
  }

  disconnect(connection: TailConnection): void {
    connection.closed = true;
    this.leave(connection);
    this.connections.delete(connection);
    this.metrics.socketsOpen.set(this.connections.size);
  }

  /** Starts delivering rows of `appIds` that match `predicate` once Redis confirms the watch. */
  async join(
    connection: TailConnection,
    appIds: readonly string[],
    q: string,
    predicate: LogRowPredicate,
  ): Promise<void> {
    this.leave(connection);
    const sorted = [...appIds].sort();
    const key = `${sorted.join(',')}\n${q}`;
    let group = this.groups.get(key);
    if (!group) {
      group = {
        key,
        appIds: sorted,
        predicate,
        members: new Set(),
        sampler: new TailSampler(this.config.tail.maxRowsPerSecond, Date.now()),
        pending: [],
        pendingBytes: 0,
      };
      this.groups.set(key, group);
    }
    const watches = sorted.map((appId) => this.watch(appId, group));
    // Joined before the await so that a leave() during it finds and undoes the membership.
    this.membership.set(connection, group);
    this.authCheckedAt.set(connection, Date.now());
    await Promise.all(watches.map((w) => w.ready));
    if (this.membership.get(connection) === group && !connection.closed) {
      group.members.add(connection);
    }
  }

  leave(connection: TailConnection): void {
    const group = this.membership.get(connection);
    this.authCheckedAt.delete(connection);
    if (!group) return;
    this.membership.delete(connection);
    group.members.delete(connection);
    if (group.members.size > 0 || [...this.membership.values()].includes(group)) return;
    this.groups.delete(group.key);
    for (const appId of group.appIds) {
      const watch = this.apps.get(appId);
      if (!watch) continue;
      watch.groups.delete(group);
      if (watch.groups.size === 0) this.scheduleUnwatch(appId, watch);
    }
  }

  subscribedAppIds(connection: TailConnection): readonly string[] | undefined {
    return this.membership.get(connection)?.appIds;
  }

  /** Stops new work and closes every socket with 1012, the code that means "reconnect". */
  async close(graceMs = 2_000): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    const closed = [...this.connections].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.socket.readyState === 3) return resolve();
          c.socket.once('close', () => resolve());
          c.socket.close(CLOSE.serverRestart, 'server restarting; reconnect with last_id');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const c of this.connections) c.socket.terminate();
    for (const watch of this.apps.values()) clearTimeout(watch.linger);
    this.apps.clear();
    this.metrics.appsSubscribed.set(0);
    await this.leases.close();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private watch(appId: string, group: Group): AppWatch {
    let watch = this.apps.get(appId);
    if (!watch) {
      const channel = tailChannel(this.config, appId);
      watch = {
        groups: new Set(),
        linger: undefined,
        ready: Promise.all([this.subscriber.subscribe(channel), this.leases.acquire(appId)]).then(
          () => undefined,
        ),
      };
      this.apps.set(appId, watch);
      this.metrics.appsSubscribed.set(this.apps.size);
    }
    clearTimeout(watch.linger);
    watch.linger = undefined;
    watch.groups.add(group);
    return watch;
  }

  private scheduleUnwatch(appId: string, watch: AppWatch): void {
    clearTimeout(watch.linger);
    watch.linger = setTimeout(() => {
      if (watch.groups.size > 0 || this.apps.get(appId) !== watch) return;
      this.apps.delete(appId);
      this.metrics.appsSubscribed.set(this.apps.size);
      void this.subscriber.unsubscribe(tailChannel(this.config, appId)).catch(() => undefined);
      void this.leases.release(appId);
    }, UNWATCH_LINGER_MS);
    watch.linger.unref();
  }

  /**
   * While the lease was out, ingest may have left rows of these apps unpublished, so the sockets
   * watching them close with 1012 and resume: the resume reads what each one lacks from ClickHouse.
   */
  private leaseLapsed(appIds: readonly string[], lapsedForMs: number): void {
    if (this.closing) return;
    const sockets = new Set<TailConnection>();
    for (const appId of appIds) {
      for (const group of this.apps.get(appId)?.groups ?? []) {
        for (const member of group.members) sockets.add(member);
      }
    }
    this.metrics.leaseLapses.inc();
    this.hooks.leaseLapsed?.(appIds, lapsedForMs, sockets.size);
    for (const connection of sockets) {
      connection.socket.close(
        CLOSE.serverRestart,
        'tail subscription lapsed; reconnect with last_id',
      );
    }
  }

  private onPublished(channel: Buffer, message: Buffer): void {
    const watch = this.apps.get(channel.toString('utf8').slice(this.channelPrefix.length));
    if (!watch || watch.groups.size === 0) return;
    const rows = parsePublishedRows(message);
    // Pending rows are references to rows parsed once for all groups; the cap only matters when
    // flushes are starved, and is wide so that a burst in one tick still reaches fast sockets.
    const limit = this.config.tail.socketBufferBytes * GROUP_PENDING_FACTOR;
    for (const group of watch.groups) {
      for (const row of rows) {
        if (!matches(group.predicate, row)) continue;
        if (group.pendingBytes + row.bytes > limit) {
          // More than a socket may buffer arrived within one tick: every member loses it.
          for (const member of group.members) member.dropRows(1, 'slow_client');
          continue;
        }
        group.pending.push(row);
        group.pendingBytes += row.bytes;
      }
    }
  }

  private flush(): void {
    const now = Date.now();
    for (const group of this.groups.values()) {
      if (group.pending.length === 0) continue;
      const pending = group.pending;
      group.pending = [];
      group.pendingBytes = 0;
      if (group.members.size === 0) continue;
      const { kept: rows, left } = group.sampler.take(pending, now);
      const receivers = left > 0 ? this.sampledReceivers(group, pending, left) : group.members;
      for (const chunk of chunks(rows, this.config.tail.socketBufferBytes / 4)) {
        const frame = logsFrame(chunk.map((r) => r.json));
        let delivered = 0;
        for (const member of receivers) delivered += member.offer(frame, chunk);
        if (delivered > 0) observeLatency(this.metrics, chunk, now);
      }
    }
    for (const connection of this.connections) {
      if (connection.backlogged) connection.drain(now);
    }
  }

  /**
   * The members that get this tick's sample, told how many rows it left out. A member whose
   * resume is in flight holds every row instead: the resume removes the rows ClickHouse gives it
   * too, so a sample would report rows as left out that it then delivers.
   */
  private sampledReceivers(group: Group, all: readonly TailRow[], left: number): TailConnection[] {
    const receivers: TailConnection[] = [];
    for (const member of group.members) {
      if (member.catchingUp) {
        member.hold(all);
        continue;
      }
      member.noteSampled(left);
      receivers.push(member);
    }
    this.metrics.rowsSampledOut.inc(left * receivers.length);
    return receivers;
  }

  private ping(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
      // A browser cannot see protocol pings; this lets its code notice a dead server.
      connection.sendText('{"type":"ping"}');
    }
  }

  private housekeeping(): void {
    const now = Date.now();
    const { idleTimeoutMs, reauthIntervalMs } = this.config.tail;
    for (const connection of this.connections) {
      const subscribedAt = this.authCheckedAt.get(connection);
      if (subscribedAt === undefined) {
        if (now - connection.lastActiveMs > idleTimeoutMs) {
          connection.socket.close(CLOSE.idle, 'idle: no subscription');
        }
      } else if (now - subscribedAt > reauthIntervalMs) {
        this.authCheckedAt.set(connection, now);
        this.hooks.reauthDue(connection);
      }
    }
  }
}

/** Frames small enough that one socket's budget holds several: a slow socket loses whole frames. */
function chunks(rows: TailRow[], maxBytes: number): TailRow[][] {
  const out: TailRow[][] = [];
  let current: TailRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (current.length > 0 && bytes + row.bytes > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += row.bytes + 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function matches(predicate: LogRowPredicate, row: TailRow): boolean {
  try {
    return predicate(row.row);
  } catch {
    return false;
  }
}

function observeLatency(metrics: TailMetrics, rows: readonly TailRow[], now: number): void {
  const step = Math.max(1, Math.floor(rows.length / LATENCY_SAMPLES_PER_FRAME));
  for (let i = 0; i < rows.length; i += step) {
    metrics.deliveryLatency.observe(Math.max(0, now - (rows[i] as TailRow).receivedAtMs) / 1000);
  }
}
