// buildApp: the whole of MyLog as one Fastify instance. The server and the tests both call it.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { ClickHouseStore } from './infra/clickhouse/store.ts';
import { registerErrorHandlers } from './infra/errors.ts';
import { registerHttpHardening, serverTimeouts } from './infra/http-hardening.ts';
import { Lifecycle } from './infra/lifecycle.ts';
import { loggerOptions, logRequests } from './infra/logger.ts';
import { createMetrics, guardMetrics, type Metrics } from './infra/metrics.ts';
import type { Db } from './infra/postgres.ts';
import { openApi } from './infra/openapi.ts';
import { adminRoutes } from './modules/admin/admin.routes.ts';
import { alerts } from './modules/alerts/alerts.plugin.ts';
import { alertsRoutes } from './modules/alerts/alerts.routes.ts';
import { ingestStatsRoutes } from './modules/ingest-stats/ingest-stats.routes.ts';
import { redactionRoutes } from './modules/redaction/redaction.routes.ts';
import { dashboardsRoutes } from './modules/dashboards/dashboards.routes.ts';
import { aggregateRoutes } from './modules/analytics/aggregate.routes.ts';
import { devIdp } from './modules/auth/dev-idp/dev-idp.plugin.ts';
import { identity } from './modules/auth/identity.plugin.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import pipeline from './modules/pipeline/pipeline.plugin.ts';
import ingest from './modules/ingest/ingest.plugin.ts';
import { savedSearchesRoutes } from './modules/search/saved-searches.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { notificationChannelsRoutes } from './modules/notifications/channels.routes.ts';
import { notifications } from './modules/notifications/notifications.plugin.ts';
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { pushRoutes } from './modules/push/push.routes.ts';
import { scheduler } from './modules/scheduler/scheduler.plugin.ts';
import { tailRoutes } from './modules/tail/tail.routes.ts';
import { pricingRoutes } from './modules/pricing/pricing.routes.ts';
import { reportsRoutes } from './modules/reports/reports.routes.ts';
import { usage } from './modules/usage/usage.plugin.ts';
import { usageRoutes } from './modules/usage/usage.routes.ts';
import { deletionsRoutes } from './modules/deletions/deletions.routes.ts';
import { retentionRoutes } from './modules/retention/retention.routes.ts';
import web from './modules/web/web.plugin.ts';
import { lazyCompilersFactory, type CompilersFactory } from './infra/lazy-schema-compilers.ts';

/**
 * Route plugins that run inside the user context (session or API token, CSRF, `request.auth`).
 * Features add theirs here; see src/modules/auth/user-context.ts.
 */
const USER_ROUTES = [
  adminRoutes,
  tailRoutes,
  searchRoutes,
  savedSearchesRoutes,
  aggregateRoutes,
  usageRoutes,
  pricingRoutes,
  reportsRoutes,
  notificationChannelsRoutes,
  notificationsRoutes,
  pushRoutes,
  alertsRoutes,
  dashboardsRoutes,
  ingestStatsRoutes,
  deletionsRoutes,
  retentionRoutes,
  redactionRoutes,
];

export interface AppDeps {
  config: Config;
  db: Db;
  redis: Redis;
  clickhouse: ClickHouseStore;
  lifecycle?: Lifecycle;
  metrics?: Metrics;
  /** false in tests that assert on output rather than logs */
  logger?: boolean;
  /** Schema compilers: lazy (on a route's first request) unless a test asks for eager ones. */
  compilersFactory?: CompilersFactory;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    redis: Redis;
    clickhouse: ClickHouseStore;
    lifecycle: Lifecycle;
    metrics: Metrics;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger === false ? false : loggerOptions(config),
    // logRequests() logs each request at debug (probes and static files at trace) instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming)
        ? incoming
        : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: config.isProduction,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    ...serverTimeouts(config),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    schemaController: { compilersFactory: deps.compilersFactory ?? lazyCompilersFactory },
  });
  app.decorate('config', config);
  app.decorate('db', deps.db);
  app.decorate('redis', deps.redis);
  app.decorate('clickhouse', deps.clickhouse);
  app.decorate('lifecycle', deps.lifecycle ?? new Lifecycle());
  app.decorate('metrics', deps.metrics ?? createMetrics());

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    app.metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  logRequests(app);
  registerErrorHandlers(app);
  registerHttpHardening(app);
  guardMetrics(app);

  await app.register(openApi);
  await app.register(healthRoutes);
  // The group commit (MYLOG_ROLES=ingest) and the insert workers (worker); then the ingest
  // context on top of it (ingest role).
  await app.register(pipeline);
  await app.register(ingest);
  // Delivery queue and worker, live in-app push; alerts and reports send through it.
  await app.register(notifications);
  // Alert evaluation (scheduler role), platform health checks, every instance's heartbeat.
  await app.register(alerts);
  // Query, export and tail counters the search and tail routes count into.
  await app.register(usage);
  await app.register(identity, { userRoutes: USER_ROUTES });
  // Periodic work (MYLOG_ROLES=scheduler): session cleanup now; alerts and reports later.
  await app.register(scheduler);
  if (config.auth.devIdpEnabled) await app.register(devIdp);
  // Last: its `/*` fallback leaves every API prefix to the routes above and the JSON 404.
  if (config.roles.has('api')) await app.register(web);
  return app;
}
