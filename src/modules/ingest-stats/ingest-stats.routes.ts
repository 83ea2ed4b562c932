// HTTP of the Ingest health panels (user context): an org's own ingest counters. A read, so
// read-scope tokens may POST it like the aggregate API.
import { type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AggregateResponse } from '../analytics/aggregate.schemas.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { IngestStatsBody } from './ingest-stats.schemas.ts';
import { queryIngestStats, type IngestStatsDeps } from './ingest-stats.service.ts';

export async function ingestStatsRoutes(app: FastifyInstance): Promise<void> {
  const deps: IngestStatsDeps = {
    db: app.db,
    clickhouse: app.clickhouse,
    quotaWarnPercent: app.config.usage.quotaWarnPercent,
    queueDepth: () => app.pipeline?.monitor.latest()?.depth,
  };

  app.post<{ Body: Static<typeof IngestStatsBody> }>(
    '/v1/ingest-stats/query',
    {
      config: { readOnly: true },
      schema: {
        tags: ['dashboards'],
        summary:
          "An org's ingest counters (accepted, rejected by reason, rate-limited, bytes), lag, quota and queue depth",
        body: IngestStatsBody,
        response: { 200: AggregateResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.body.org, 'viewer');
      return queryIngestStats(deps, org, request.body.query);
    },
  );
}
