import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { UnauthorizedError } from './errors.ts';

/** One registry per app instance: tests build several apps in one process. */
export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mylog_' });
  const httpRequestDuration = new Histogram({
    name: 'mylog_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * GET /metrics names routes, queues and tenants' traffic volumes: a scraper on the same host gets
 * it as is, anyone else needs `Authorization: Bearer $METRICS_TOKEN`. The socket's own address
 * decides "same host", never X-Forwarded-For, which a client can write.
 */
export function guardMetrics(app: FastifyInstance): void {
  const token = app.config.http.metricsToken;
  const expected = token === undefined ? null : Buffer.from(`Bearer ${token}`);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url !== '/metrics') return;
    if (LOOPBACK.has(request.socket.remoteAddress ?? '')) return;
    const sent = Buffer.from(request.headers.authorization ?? '');
    if (expected && sent.length === expected.length && timingSafeEqual(sent, expected)) return;
    throw new UnauthorizedError(
      'metrics_token_required',
      expected
        ? 'send Authorization: Bearer <METRICS_TOKEN>'
        : 'metrics are served to loopback only; set METRICS_TOKEN to scrape from elsewhere',
    );
  });
}
