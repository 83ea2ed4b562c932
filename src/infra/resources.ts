// The connections a running MyLog holds, opened from resolved service URLs and closed last.
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
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
  _config: Config,
  services: Pick<Services, 'databaseUrl' | 'redisUrl' | 'clickhouse'>,
): Resources {
  const db = createDb(services.databaseUrl);
  const redis = createRedis(services.redisUrl);
  return {
    db,
    redis,
    clickhouse: services.clickhouse,
    async close() {
      await Promise.allSettled([db.destroy(), redis.quit().catch(() => redis.disconnect())]);
    },
  };
}
