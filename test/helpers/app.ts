// buildTestApp: MyLog on real services, one isolated set per test file, closed at teardown.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { migrateClickHouse } from '../../src/infra/clickhouse/migrations.ts';
import type { ClickHouseStore } from '../../src/infra/clickhouse/store.ts';
import type { CompilersFactory } from '../../src/infra/lazy-schema-compilers.ts';
import { createDb, migratePostgres, type Db } from '../../src/infra/postgres.ts';
import { createRedis } from '../../src/infra/redis.ts';
import type { Redis } from 'ioredis';
import {
  createTestClickHouse,
  createTestDatabase,
  makeTempDir,
  testRedisUrl,
  uniqueRedisPrefix,
  type Teardown,
} from './services.ts';

export interface TestContext {
  app: FastifyInstance;
  config: Config;
  db: Db;
  redis: Redis;
  clickhouse: ClickHouseStore;
}

/** Environment for a test app: the real services' URLs plus whatever the test overrides. */
export async function testEnv(
  t: Teardown,
  env: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    MYLOG_DATA_DIR: makeTempDir('data'),
    DATABASE_URL: await createTestDatabase(t),
    REDIS_URL: await testRedisUrl(),
    REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    ...env,
  };
}

export async function buildTestApp(
  t: Teardown,
  options: {
    env?: Record<string, string>;
    clickhouse?: ClickHouseStore;
    compilersFactory?: CompilersFactory;
  } = {},
): Promise<TestContext> {
  // No scheduler role unless the test names it: its tasks run at start and then every few
  // seconds to hours, and would race a test that calls the same task or reads what it writes.
  const env = await testEnv(t, { MYLOG_ROLES: 'api,ingest,worker', ...options.env });
  const config = loadConfig(env);
  const db = createDb(config.databaseUrl as string, 5);
  const redis = createRedis(config.redisUrl as string);
  const clickhouse = options.clickhouse ?? (await createTestClickHouse(t));
  await migratePostgres(db);
  await migrateClickHouse(clickhouse);
  const app = await buildApp({
    config,
    db,
    redis,
    clickhouse,
    logger: false,
    compilersFactory: options.compilersFactory,
  });
  app.lifecycle.state = 'ready';
  t.teardown(async () => {
    await app.close();
    await db.destroy();
    await redis.quit().catch(() => redis.disconnect());
  });
  return { app, config, db, redis, clickhouse };
}
