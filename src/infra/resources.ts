// The connections a running MyLog holds, opened from resolved service URLs and closed last.
import type { Redis } from 'ioredis';
import type { ClickHouseStore } from './clickhouse/store.ts';
import { createDb, type Db } from './postgres.ts';
import { createRedis } from './redis.ts';
import type { Services } from './services.ts';

export interface Resources {
  db: Db;
  redis: Redis;
  clickhouse: ClickHouseStore;
  close(): Promise<void>;
}

export function openResources(
  services: Pick<Services, 'databaseUrl' | 'redisUrl' | 'clickhouse'>,
): Resources {
  const db = createDb(services.databaseUrl);
  const redis = createRedis(services.redisUrl);
  return {
    db,
    redis,
    clickhouse: services.clickhouse,
    async close() {
      await Promise.allSettled([db.destroy(), closeRedis(redis)]);
    },
  };
}

/** QUIT waits for a connection that may never come back; a disconnected client is just dropped. */
export async function closeRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    redis.quit().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  redis.disconnect();
}
