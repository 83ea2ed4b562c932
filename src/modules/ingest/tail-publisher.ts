// Live tail: accepted rows are published on `<prefix>:tail:<app_id>` as soon as they are durably
// queued, before the ClickHouse insert, so tail latency does not depend on batching. Publishing
// costs Redis bandwidth, so it happens only while the app has subscribers: each tail hub holds a
// lease per app at tailSubscribersKey(), and ingest reads them through a short cache.
//
// Message: the request's accepted rows as serialiseRows() wrote them (full logs-table rows).
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';

export function tailChannel(config: Pick<Config, 'redisKeyPrefix'>, appId: string): string {
  return `${config.redisKeyPrefix}:tail:${appId}`;
}

/**
 * A sorted set of tail-hub leases for the app: member = hub instance id, score = lease expiry in
 * epoch ms. A hub refreshes its leases while it watches the app and removes them when it stops, so
 * a crashed instance stops counting when its lease runs out (src/modules/tail/tail-leases.ts).
 */
export function tailSubscribersKey(config: Pick<Config, 'redisKeyPrefix'>, appId: string): string {
  return `${config.redisKeyPrefix}:tail-subscribers:${appId}`;
}

export function createTailPublisher(redis: Redis, config: Config) {
  const cache = new Map<string, { has: boolean; untilMs: number; pending?: Promise<boolean> }>();
  const hasSubscribers = async (appId: string): Promise<boolean> => {
    const now = Date.now();
    const entry = cache.get(appId);
    if (entry && entry.untilMs > now) return entry.has;
    if (entry?.pending) return entry.pending;
    const pending = redis.zcount(tailSubscribersKey(config, appId), Date.now(), '+inf').then(
      (live) => live > 0,
      () => false,
    );
    cache.set(appId, { has: entry?.has ?? false, untilMs: 0, pending });
    const has = await pending;
    cache.set(appId, { has, untilMs: Date.now() + config.ingest.tailSubscriberCacheMs });
    return has;
  };
  return {
    hasSubscribers,
    /** Best effort: a lost tail message is a gap on a screen, never lost data. */
    async publish(appId: string, rows: Buffer): Promise<boolean> {
      if (rows.length === 0 || !(await hasSubscribers(appId))) return false;
      await redis.publish(tailChannel(config, appId), rows).catch(() => undefined);
      return true;
    },
  };
}

export type TailPublisher = ReturnType<typeof createTailPublisher>;
