// Resolves the three backing services: the configured URLs, or embedded ones under MYLOG_DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { redact } from '../config.ts';
import { createHttpStore, ensureHttpDatabase } from './clickhouse/http-store.ts';
import type { ClickHouseStore } from './clickhouse/store.ts';
import { startEmbeddedPostgres } from './embedded/embedded-postgres.ts';
import { startEmbeddedRedis } from './embedded/embedded-redis.ts';
import type { EmbeddedService } from './embedded/embedded-service.ts';

export interface Services {
  databaseUrl: string;
  redisUrl: string;
  clickhouse: ClickHouseStore;
  /** What startServices was asked for; the unneeded ones are placeholders that refuse use. */
  started: { postgres: boolean; redis: boolean; clickhouse: boolean };
  /** Where another process can reach this process's embedded ClickHouse (embedded mode only). */
  clickhouseBridgeUrl?: string;
  /** Releases the ClickHouse store and stops the embedded services this process owns. */
  stop(): Promise<void>;
}

export interface StartServicesOptions {
  /** The server adopts embedded services a crashed run left behind; the CLI only borrows them. */
  role: 'server' | 'cli';
  /** What the caller uses; a CLI command that only touches Postgres need not start the rest. */
  needs?: { postgres?: boolean; redis?: boolean; clickhouse?: boolean };
  log?: (message: string) => void;
}

export async function startServices(
  config: Config,
  options: StartServicesOptions,
): Promise<Services> {
  const started: EmbeddedService[] = [];
  const adopt = options.role === 'server';
  const needs = { postgres: true, redis: true, clickhouse: true, ...options.needs };
  const needsDataDir = !config.databaseUrl || !config.redisUrl || !config.clickhouseUrl;
  if (needsDataDir) fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o755 });
  let closeClickHouse: (() => Promise<void>) | undefined;
  const stopStarted = async (): Promise<void> => {
    await closeClickHouse?.();
    for (const service of started.reverse()) await service.stop();
  };
  try {
    // Redis first: in embedded mode it holds acknowledged logs, and it is the quickest to start.
    const [redisUrl, databaseUrl] = await Promise.all([
      !needs.redis
        ? ''
        : (config.redisUrl ??
          startEmbeddedRedis({
            dir: path.join(config.dataDir, 'redis'),
            adopt,
            log: options.log,
          }).then((s) => {
            started.push(s);
            return s.url;
          })),
      !needs.postgres
        ? ''
        : (config.databaseUrl ??
          startEmbeddedPostgres({
            dir: path.join(config.dataDir, 'postgres'),
            database: 'mylog',
            adopt,
            log: options.log,
          }).then((s) => {
            started.push(s);
            return s.url;
          })),
    ]);
    let clickhouse: ClickHouseStore;
    let clickhouseBridgeUrl: string | undefined;
    if (!needs.clickhouse) {
      clickhouse = unavailableStore(config.clickhouseDatabase);
    } else if (config.clickhouseUrl) {
      await ensureHttpDatabase(config.clickhouseUrl, config.clickhouseDatabase).catch(
        (error: unknown) => {
          throw new Error(
            `ClickHouse at ${redact(config.clickhouseUrl as string)} is not usable: ${(error as Error).message}`,
          );
        },
      );
      clickhouse = createHttpStore({
        url: config.clickhouseUrl,
        database: config.clickhouseDatabase,
      });
      closeClickHouse = () => clickhouse.close();
    } else {
      // Loaded only here: chdb maps a 560 MB library and runs its initialisers on import, ~160 MB
      // of RSS that a process given CLICKHOUSE_URL would carry without ever using it.
      const { openEmbeddedClickHouse } = await import('./embedded/embedded-clickhouse.ts');
      const embedded = await openEmbeddedClickHouse({
        dir: path.join(config.dataDir, 'clickhouse'),
        database: config.clickhouseDatabase,
        serve: options.role === 'server',
        log: options.log,
      });
      clickhouse = embedded.store;
      clickhouseBridgeUrl = embedded.bridgeUrl;
      closeClickHouse = embedded.close;
    }
    options.log?.(
      `services: postgres ${redact(databaseUrl)}, redis ${redact(redisUrl)}, clickhouse ${clickhouse.kind}`,
    );
    return {
      databaseUrl,
      redisUrl,
      clickhouse,
      clickhouseBridgeUrl,
      started: { postgres: needs.postgres, redis: needs.redis, clickhouse: needs.clickhouse },
      stop: stopStarted,
    };
  } catch (error) {
    await stopStarted().catch(() => undefined);
    throw error;
  }
}

function unavailableStore(database: string): ClickHouseStore {
  const refuse = (): never => {
    throw new Error('ClickHouse was not started for this command');
  };
  return {
    kind: 'http',
    database,
    query: refuse,
    queryStream: refuse,
    insertRaw: refuse,
    command: refuse,
    ping: async () => false,
    close: async () => undefined,
  };
}
