import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';

/** What admin services need; passed explicitly so the CLI and workers can call them too. */
export interface AdminDeps {
  db: Db;
  redis: Redis;
  config: Pick<Config, 'redisKeyPrefix' | 'auth'>;
}
