// The usage meter of this instance: decorated on the app so the search and tail paths can count
// into it, flushed on a timer and once more when the app closes.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { UsageMeter } from './usage-meter.ts';
import { createUsageRepository } from './usage.repository.ts';

declare module 'fastify' {
  interface FastifyInstance {
    usageMeter: UsageMeter;
  }
}

async function usagePlugin(app: FastifyInstance): Promise<void> {
  const meter = new UsageMeter({
    repo: createUsageRepository(app.clickhouse),
    flushIntervalMs: app.config.usage.flushIntervalMs,
    maxPendingQueries: app.config.usage.maxPendingQueries,
    onFlushError: (error) => app.log.warn({ err: error }, 'usage counters not flushed; retrying'),
  });
  meter.start();
  app.decorate('usageMeter', meter);
  app.addHook('onClose', async () => {
    await meter.close().catch((error: unknown) => {
      app.log.warn({ err: error }, 'usage counters lost at shutdown');
    });
  });
}

export const usage = fp(usagePlugin, { name: 'mylog-usage' });
