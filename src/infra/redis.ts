import { Redis, type RedisOptions } from 'ioredis';
import { restoreFastStringPrototype } from './fast-string-prototype.ts';
import { parseSentinelUrl } from './redis-target.ts';

// Importing ioredis slows every string method call in optimised code (see the module).
restoreFastStringPrototype();

/**
 * BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on; we use the same
 * settings everywhere so one connection factory serves the queue, the workers and pub/sub.
 * `url` may name a Sentinel deployment (redis-target.ts): the connection then asks the sentinels
 * for the current primary, and every `duplicate()` of it (BullMQ's, pub/sub, the ingest producer)
 * inherits that, so all of MyLog follows a failover.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  };
  const sentinel = parseSentinelUrl(url);
  const redis = sentinel
    ? new Redis({
        ...base,
        sentinels: sentinel.sentinels,
        name: sentinel.name,
        role: 'master',
        // Not `failoverDetector`: its Sentinel subscriptions kept reconnecting after disconnect()
        // (ioredis 6), so a closed MyLog never exited; a dead primary is found by the reconnect.
        ...options,
      })
    : new Redis(url, { ...base, ...options });
  // Connection errors are retried by ioredis and surface through /readyz; they must not crash us.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * For connections that answer a waiting client (the ingest path): while Redis is unreachable a
 * command fails at once instead of waiting in the offline queue for the whole outage, a command
 * caught by a disconnect fails instead of being sent again after the reconnect (when its client
 * has long been answered), and a command Redis does not answer fails after `commandTimeoutMs`.
 * whenRedisReady() adds the short wait that rides out a reconnect.
 */
export function failFastRedisOptions(commandTimeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
  };
}

export class RedisUnavailableError extends Error {
  constructor(waitMs: number) {
    super(`Redis was not reachable within ${waitMs} ms`);
    this.name = 'RedisUnavailableError';
  }
}

const nextReady = new WeakMap<Redis, Promise<void>>();

/** One 'ready' listener per connection however many requests wait on it. */
function readyEvent(redis: Redis): Promise<void> {
  let ready = nextReady.get(redis);
  if (ready === undefined) {
    ready = new Promise<void>((resolve) =>
      redis.once('ready', () => {
        nextReady.delete(redis);
        resolve();
      }),
    );
    nextReady.set(redis, ready);
  }
  return ready;
}

/** Resolves at once when `redis` is connected, else on its reconnect within `waitMs`, else throws. */
export async function whenRedisReady(redis: Redis, waitMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      readyEvent(redis),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RedisUnavailableError(waitMs)), waitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The blocking reads of BullMQ workers need it; other connections keep ioredis' retry limit. */
export const BLOCKING_REDIS_OPTIONS: RedisOptions = { maxRetriesPerRequest: null };

/**
 * Connections a plugin opens beside the shared one (queues, workers, a fail-fast request path),
 * each its own so a blocking or WAITing command holds up nothing else; closed together on shutdown.
 */
export function dedicatedConnections(redis: Redis) {
  const opened: Redis[] = [];
  return {
    open(options: RedisOptions = {}): Redis {
      const connection = redis.duplicate(options);
      connection.on('error', () => undefined);
      opened.push(connection);
      return connection;
    },
    async closeAll(): Promise<void> {
      await Promise.allSettled(opened.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
