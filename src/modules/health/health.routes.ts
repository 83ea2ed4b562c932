import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';

const checkSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    latency_ms: { type: 'number' },
    error: { type: 'string' },
  },
  required: ['ok'],
} as const;

const readySchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    checks: {
      type: 'object',
      properties: { postgres: checkSchema, redis: checkSchema, clickhouse: checkSchema },
    },
  },
  required: ['status', 'checks'],
} as const;

/** Health and metrics sit outside the ingest and user contexts: no auth, no cookies. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { response: { 200: readySchema, 503: readySchema } } },
    async (_request, reply) => {
      const timeoutMs = app.config.readyzTimeoutMs;
      const [postgres, redis, clickhouse] = await Promise.all([
        check(timeoutMs, async () => {
          await sql`SELECT 1`.execute(app.db);
        }),
        check(timeoutMs, async () => {
          await app.redis.ping();
        }),
        check(timeoutMs, async () => {
          if (!(await app.clickhouse.ping())) throw new Error('ping failed');
        }),
      ]);
      const healthy = postgres.ok && redis.ok && clickhouse.ok;
      const state = app.lifecycle.state;
      const ready = healthy && state === 'ready';
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : state === 'ready' ? 'degraded' : state,
        checks: { postgres, redis, clickhouse },
      });
    },
  );

  app.get('/metrics', async (_request, reply) => {
    const registry = app.metrics.registry;
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}

async function check(timeoutMs: number, probe: () => Promise<void>) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latency_ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
