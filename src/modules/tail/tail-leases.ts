// Tells ingest which apps have tail subscribers, in a way that survives a crashed instance: each
// hub holds a lease per watched app in a sorted set (member = hub id, score = expiry in epoch ms)
// and refreshes it at a third of its life. Ingest counts unexpired members (tail-publisher.ts).
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { tailSubscribersKey } from '../ingest/tail-publisher.ts';

export class TailLeases {
  private readonly apps = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly config: Pick<Config, 'redisKeyPrefix' | 'tail'>,
    private readonly hubId: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.config.tail.leaseTtlMs / 3);
    this.timer.unref();
  }

  async acquire(appId: string): Promise<void> {
    this.apps.add(appId);
    await this.write([appId]);
  }

  async release(appId: string): Promise<void> {
    this.apps.delete(appId);
    await this.redis.zrem(this.key(appId), this.hubId).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const apps = [...this.apps];
    this.apps.clear();
    if (apps.length === 0) return;
    const multi = this.redis.multi();
    for (const appId of apps) multi.zrem(this.key(appId), this.hubId);
    await multi.exec().catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    if (this.apps.size > 0) await this.write([...this.apps]).catch(() => undefined);
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
  }

  private key(appId: string): string {
    return tailSubscribersKey(this.config, appId);
  }
}
