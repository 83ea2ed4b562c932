import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../infra/errors.ts';
import { createAppsRepository } from '../apps/apps.repository.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import {
  App,
  CreateAppBody,
  CreatedKey,
  OrgAppParams,
  OrgParams,
  UpdateAppBody,
} from './admin.schemas.ts';
import { createApp, deleteApp, updateApp } from './apps-admin.service.ts';

export async function appsRoutes(app: FastifyInstance): Promise<void> {
  const apps = () => createAppsRepository(app.db);

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/v1/orgs/:org/apps',
    {
      schema: {
        tags: ['apps'],
        params: OrgParams,
        response: { 200: Type.Object({ apps: Type.Array(App) }), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'viewer');
      return { apps: await apps().list(scope) };
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof CreateAppBody> }>(
    '/v1/orgs/:org/apps',
    {
      schema: {
        tags: ['apps'],
        summary: 'Create an app (admins); answers with its first ingest key, shown once',
        params: OrgParams,
        body: CreateAppBody,
        response: {
          201: Type.Object({ app: App, key: CreatedKey }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const body = request.body;
      const created = await createApp(app, actorOf(request.auth, request), scope, {
        name: body.name,
        slug: body.slug,
        retentionDays: body.retention_days,
        rateLimitRecordsPerS: body.rate_limit_records_per_s,
        rateLimitBytesPerS: body.rate_limit_bytes_per_s,
        dailyQuotaRecords: body.daily_quota_records,
      });
      return reply
        .status(201)
        .send({ app: created.app, key: { key: created.key.key, record: created.key.record } });
    },
  );

  app.get<{ Params: Static<typeof OrgAppParams> }>(
    '/v1/orgs/:org/apps/:app',
    {
      schema: {
        tags: ['apps'],
        params: OrgAppParams,
        response: { 200: Type.Object({ app: App }), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'viewer');
      const found = await apps().findByRef(scope, request.params.app);
      if (!found) throw new NotFoundError('app');
      return { app: found };
    },
  );

  app.patch<{ Params: Static<typeof OrgAppParams>; Body: Static<typeof UpdateAppBody> }>(
    '/v1/orgs/:org/apps/:app',
    {
      schema: {
        tags: ['apps'],
        summary: 'Change name, retention, rate limits or quota (admins)',
        params: OrgAppParams,
        body: UpdateAppBody,
        response: { 200: Type.Object({ app: App }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const before = await apps().findByRef(scope, request.params.app);
      if (!before) throw new NotFoundError('app');
      return {
        app: await updateApp(app, actorOf(request.auth, request), scope, before, request.body),
      };
    },
  );

  app.delete<{ Params: Static<typeof OrgAppParams> }>(
    '/v1/orgs/:org/apps/:app',
    {
      schema: {
        tags: ['apps'],
        summary: 'Delete an app (admins): its keys stop working at once',
        params: OrgAppParams,
        response: { 200: Type.Object({ app: App }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const before = await apps().findByRef(scope, request.params.app);
      if (!before) throw new NotFoundError('app');
      return { app: await deleteApp(app, actorOf(request.auth, request), scope, before) };
    },
  );
}
