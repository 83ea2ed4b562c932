// Tells ingest which apps have tail subscribers, in a way that survives a crashed instance: each
// hub holds a lease per watched app in a sorted set (member = hub id, score = expiry in epoch ms)
// and refreshes it at a third of its life. Ingest counts unexpired members (tail-publisher.ts).
// A refresh that lands after the lease ran out (an event loop stalled past two thirds of
// TAIL_LEASE_TTL_MS, Redis unreachable meanwhile) means ingest may have stopped publishing the app
// for a while: `lapsed` is told, so the hub can make its sockets resume (docs/tail-protocol.md).
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { tailSubscribersKey } from '../ingest/tail-publisher.ts';

/** What a hub logs on a lapse; tests look for it in a server's output. */
export const LEASE_LAPSED_WARNING =
  'tail: lease ran out before its refresh landed; its sockets resume';

export class TailLeases {
  /** App id → when its last written lease runs out (epoch ms). */
  private readonly apps = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly config: Pick<Config, 'redisKeyPrefix' | 'tail'>,
    private readonly hubId: string,
    private readonly lapsed: (appIds: string[], lapsedForMs: number) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.config.tail.leaseTtlMs / 3);
    this.timer.unref();
  }

  async acquire(appId: string): Promise<void> {
    if (!this.apps.has(appId)) this.apps.set(appId, Number.POSITIVE_INFINITY);
    await this.write([appId]);
  }

  async release(appId: string): Promise<void> {
    this.apps.delete(appId);
    await this.redis.zrem(this.key(appId), this.hubId).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const apps = [...this.apps.keys()];
    this.apps.clear();
    if (apps.length === 0) return;
    const multi = this.redis.multi();
    for (const appId of apps) multi.zrem(this.key(appId), this.hubId);
    await multi.exec().catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    if (this.apps.size > 0) await this.write([...this.apps.keys()]).catch(() => undefined);
  }

  private async write(appIds: readonly string[]): Promise<void> {
    const now = Date.now();
    const ttl = this.config.tail.leaseTtlMs;
    const multi = this.redis.multi();
    for (const appId of appIds) {
      const key = this.key(appId);
      multi.zadd(key, now + ttl, this.hubId);
      // Leases of crashed hubs are swept here, and a key nobody refreshes disappears on its own.
      multi.zremrangebyscore(key, '-inf', now);
      multi.pexpire(key, ttl * 2);
    }
    await multi.exec();
    // Redis applied the write at the latest now; a lease that ran out before may have lapsed.
    const landedMs = Date.now();
    const lapsed: string[] = [];
    let lapsedForMs = 0;
    for (const appId of appIds) {
      const expiresMs = this.apps.get(appId);
      if (expiresMs === undefined) continue; // released meanwhile
      if (landedMs > expiresMs) {
        lapsed.push(appId);
        lapsedForMs = Math.max(lapsedForMs, landedMs - expiresMs);
      }
      this.apps.set(appId, now + ttl);
    }
    if (lapsed.length > 0) this.lapsed(lapsed, lapsedForMs);
  }

  private key(appId: string): string {
    return tailSubscribersKey(this.config, appId);
  }
}
