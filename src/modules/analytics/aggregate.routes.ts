// HTTP of the aggregate API (user context). A read: viewers and read-scope tokens may POST it.
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../auth/auth.schemas.ts';
import { searchScope } from '../search/search.routes.ts';
import { AggregateBody, AggregateResponse, type AggregateRequest } from './aggregate.schemas.ts';
import { aggregate, aggregateDeps } from './aggregate.service.ts';

export async function aggregateRoutes(app: FastifyInstance): Promise<void> {
  const deps = aggregateDeps(app.clickhouse, app.config);

  app.post<{ Body: AggregateRequest }>(
    '/v1/logs/aggregate',
    {
      config: { readOnly: true },
      schema: {
        tags: ['analytics'],
        summary:
          'Measures (count, count_distinct, sum, avg, min, max, p50…p99, rate) by up to 3 fields, as rows or a time series',
        body: AggregateBody,
        response: { 200: AggregateResponse, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const scope = await searchScope(app, request, request.body.apps?.join(','));
      return aggregate(deps, scope, request.body);
    },
  );
}
