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
  // An answer counts from when it was asked, not from when it arrived: a resuming tail waits only
  // for rows queued up to INGEST_TAIL_SUBSCRIBER_CACHE_MS after its lease was written
  // (tail-session.ts), and an answer read late by a busy event loop would stretch that.
  const cache = new Map<string, { askedAtMs: number; has: Promise<boolean> }>();
  const hasSubscribers = (appId: string): Promise<boolean> => {
    const now = Date.now();
    const entry = cache.get(appId);
    if (entry && now - entry.askedAtMs < config.ingest.tailSubscriberCacheMs) return entry.has;
    const has = redis.zcount(tailSubscribersKey(config, appId), now, '+inf').then(
      (live) => live > 0,
      () => false,
    );
    cache.set(appId, { askedAtMs: now, has });
    return has;
  };
  const inFlight = new Set<Promise<boolean>>();
  const publishNow = async (appId: string, rows: Buffer): Promise<boolean> => {
    if (rows.length === 0 || !(await hasSubscribers(appId))) return false;
    await redis.publish(tailChannel(config, appId), rows).catch(() => undefined);
    return true;
  };
  return {
    hasSubscribers,
    /** Best effort: a lost tail message is a gap on a screen, never lost data. */
    publish(appId: string, rows: Buffer): Promise<boolean> {
      const published = publishNow(appId, rows);
      inFlight.add(published);
      void published.finally(() => inFlight.delete(published));
      return published;
    },
    /** Waits for the publishes under way: a closing instance publishes what it stored before its
     * Redis connection goes (a row stored but never published is missing from every tail). */
    async settled(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type TailPublisher = ReturnType<typeof createTailPublisher>;
