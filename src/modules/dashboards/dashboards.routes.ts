// HTTP of /v1/dashboards (user context). Viewers list and read; members and up create; owners
// (and org admins, for shared ones) change and delete. Built-ins are read-only.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../infra/errors.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { readableApps, requireOrgRole } from '../auth/authorize.ts';
import { listFields } from '../search/facets.service.ts';
import { createSearchRepository } from '../search/search.repository.ts';
import { viewerOf } from '../search/saved-searches.service.ts';
import { builtinDashboard, BUILTIN_NAMES } from './builtin-dashboards.ts';
import { createDashboardsRepository } from './dashboards.repository.ts';
import {
  BuiltinParams,
  BuiltinQuery,
  CreateDashboardBody,
  Dashboard,
  DashboardDocument,
  DashboardGetQuery,
  DashboardListQuery,
  DashboardParams,
  DashboardSummary,
  ImportDashboardBody,
  UpdateDashboardBody,
} from './dashboards.schemas.ts';
import {
  createDashboard,
  deleteDashboard,
  importDashboard,
  toDocument,
  toJson,
  updateDashboard,
} from './dashboards.service.ts';

const TAGS = ['dashboards'];
const One = Type.Object({ dashboard: Dashboard });
const BuiltinSummary = Type.Object({ name: Type.String(), title: Type.String() });

export async function dashboardsRoutes(app: FastifyInstance): Promise<void> {
  const repo = () => createDashboardsRepository(app.db);
  const search = { repo: createSearchRepository(app.clickhouse), limits: app.config.search };

  app.get<{ Querystring: Static<typeof DashboardListQuery> }>(
    '/v1/dashboards',
    {
      schema: {
        tags: TAGS,
        summary: "Dashboards you can see (the org's shared ones and your own) and the built-ins",
        querystring: DashboardListQuery,
        response: {
          200: Type.Object({
            dashboards: Type.Array(DashboardSummary),
            builtin: Type.Array(BuiltinSummary),
          }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const orgIds =
        request.query.org === undefined
          ? undefined
          : [(await requireOrgRole(app.db, request.auth, request.query.org, 'viewer')).orgId];
      const rows = await repo().list(viewerOf(request.auth, orgIds));
      return {
        dashboards: rows.map((r) => {
          const { variables: _v, panels: _p, ...summary } = toJson(r);
          return summary;
        }),
        builtin: BUILTIN_NAMES.map((name) => ({
          name,
          title: name === 'overview' ? 'Overview' : 'Ingest health',
        })),
      };
    },
  );

  app.get<{ Params: Static<typeof BuiltinParams>; Querystring: Static<typeof BuiltinQuery> }>(
    '/v1/dashboards/builtin/:name',
    {
      schema: {
        tags: TAGS,
        summary: "An org's built-in dashboard: overview or ingest_health",
        params: BuiltinParams,
        querystring: BuiltinQuery,
        response: { 200: One, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.query.org, 'viewer');
      let fields = new Set<string>();
      if (request.params.name === 'overview') {
        // Which duration/endpoint attributes this org's recent logs carry (a sample, cheap).
        const apps = await readableApps(app.db, request.auth, { orgRef: org.orgId });
        const scope = { orgIds: [org.orgId], appIds: apps.map((a) => a.id) };
        const found = await listFields(search, scope, { from: 'now-24h', limit: 500 });
        fields = new Set(found.fields.map((f) => f.name));
      }
      return { dashboard: builtinDashboard(request.params.name, org.orgId, fields) };
    },
  );

  app.post<{ Body: Static<typeof CreateDashboardBody> }>(
    '/v1/dashboards',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a dashboard (members and up)',
        body: CreateDashboardBody,
        response: { 201: One, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const dashboard = await createDashboard(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.body,
      );
      return reply.status(201).send({ dashboard });
    },
  );

  app.post<{ Body: Static<typeof ImportDashboardBody> }>(
    '/v1/dashboards/import',
    {
      schema: {
        tags: TAGS,
        summary:
          'Create a dashboard from an exported document (GET /v1/dashboards/:id?format=json)',
        body: ImportDashboardBody,
        response: { 201: One, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const dashboard = await importDashboard(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.body.org,
        request.body.dashboard,
      );
      return reply.status(201).send({ dashboard });
    },
  );

  app.get<{
    Params: Static<typeof DashboardParams>;
    Querystring: Static<typeof DashboardGetQuery>;
  }>(
    '/v1/dashboards/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'A dashboard; with ?format=json, its portable document (for import)',
        params: DashboardParams,
        querystring: DashboardGetQuery,
        response: {
          200: Type.Union([One, DashboardDocument]),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request, reply) => {
      const row = await repo().findVisible(viewerOf(request.auth), request.params.id);
      if (!row) throw new NotFoundError('dashboard');
      const dashboard = toJson(row);
      if (request.query.format !== 'json') return { dashboard };
      const slug = dashboard.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'dashboard';
      return reply
        .header('content-disposition', `attachment; filename="${slug}.json"`)
        .send(toDocument(dashboard));
    },
  );

  app.put<{ Params: Static<typeof DashboardParams>; Body: Static<typeof UpdateDashboardBody> }>(
    '/v1/dashboards/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a dashboard; `version` is the one you read (409 when it is stale)',
        params: DashboardParams,
        body: UpdateDashboardBody,
        response: { 200: One, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      dashboard: await updateDashboard(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete<{ Params: Static<typeof DashboardParams> }>(
    '/v1/dashboards/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a dashboard (its owner; org admins for shared ones)',
        params: DashboardParams,
        response: { 200: One, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      dashboard: await deleteDashboard(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
      ),
    }),
  );
}
