import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on; we use the same
 * settings everywhere so one connection factory serves the queue, the workers and pub/sub.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...options,
  });
  // Connection errors are retried by ioredis and surface through /readyz; they must not crash us.
  redis.on('error', () => undefined);
  return redis;
}
