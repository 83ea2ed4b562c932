// Starting MyLog: services, migrations, connections, the app, the listener. server.ts adds signals.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { redact, type Config } from './config.ts';
import { migrateClickHouse } from './infra/clickhouse/migrations.ts';
import { migratePostgres } from './infra/postgres.ts';
import { openResources, type Resources } from './infra/resources.ts';
import { startServices, type Services } from './infra/services.ts';
import { createShutdown, type ShutdownOutcome } from './shutdown.ts';

export interface RunningMyLog {
  app: FastifyInstance;
  url: string;
  services: Services;
  resources: Resources;
  shutdown(reason: string): Promise<ShutdownOutcome>;
}

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export async function startMyLog(
  config: Config,
  log: (message: string) => void,
): Promise<RunningMyLog> {
  const services = await startServices(config, { role: 'server', log }).catch((error: unknown) => {
    throw new StartupError(`could not start backing services: ${messageOf(error)}`, {
      cause: error,
    });
  });
  let resources: Resources | undefined;
  try {
    resources = openResources(services);
    await waitForRedis(resources, config.startupDependencyTimeoutMs, config.redisUrl);
    await migratePostgres(resources.db).catch((error: unknown) => {
      throw new StartupError(
        `Postgres is not usable (${redactedUrlHint(config.databaseUrl)}): ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    });
    await migrateClickHouse(services.clickhouse, { cluster: config.clickhouseCluster }).catch(
      (error: unknown) => {
        throw new StartupError(`ClickHouse is not usable: ${messageOf(error)}`, { cause: error });
      },
    );
    const app = await buildApp({
      config,
      db: resources.db,
      redis: resources.redis,
      clickhouse: services.clickhouse,
    });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new StartupError(
          `port ${config.port} on ${config.host} is already in use (set PORT)`,
        );
      if (code === 'EACCES')
        throw new StartupError(`no permission to listen on ${config.host}:${config.port}`);
      throw error;
    }
    app.lifecycle.state = 'ready';
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shutdown = createShutdown({
      app,
      resources,
      services,
      deadlineMs: config.shutdownDeadlineMs,
      log,
    });
    return { app, url: `http://127.0.0.1:${port}`, services, resources, shutdown };
  } catch (error) {
    await resources?.close().catch(() => undefined);
    await services.stop().catch(() => undefined);
    throw error;
  }
}

async function waitForRedis(
  resources: Resources,
  timeoutMs: number,
  url: string | undefined,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      resources.redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const where = url ? redact(url) : 'embedded';
    throw new StartupError(`Redis (${where}) is not usable: ${messageOf(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message : String(error);
}

function redactedUrlHint(url: string | undefined): string {
  if (!url) return 'embedded';
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}`;
  } catch {
    return 'DATABASE_URL';
  }
}
