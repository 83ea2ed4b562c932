// HTTP of usage metering (user context; org admins).
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { quotasToday } from './quotas.service.ts';
import { createUsageRepository } from './usage.repository.ts';
import { QuotasResponse, UsageParams, UsageResponse, usageQuerySchema } from './usage.schemas.ts';
import { getUsage } from './usage.service.ts';

const TAGS = ['usage'];

export async function usageRoutes(app: FastifyInstance): Promise<void> {
  const repo = createUsageRepository(app.clickhouse);
  const UsageQuery = usageQuerySchema(app.config.usage.maxPageRows);

  app.get<{ Params: Static<typeof UsageParams>; Querystring: Static<typeof UsageQuery> }>(
    '/v1/orgs/:org/usage',
    {
      schema: {
        tags: TAGS,
        summary: 'Usage by app, end user or day over whole UTC days (org admins)',
        params: UsageParams,
        querystring: UsageQuery,
        response: { 200: UsageResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return getUsage(repo, scope, request.query);
    },
  );

  app.get<{ Params: Static<typeof UsageParams> }>(
    '/v1/orgs/:org/usage/quotas',
    {
      schema: {
        tags: TAGS,
        summary: "Today's records per app against its daily quota (org admins)",
        params: UsageParams,
        response: { 200: QuotasResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return quotasToday(
        { db: app.db, usage: repo, warnPercent: app.config.usage.quotaWarnPercent },
        scope,
      );
    },
  );
}
