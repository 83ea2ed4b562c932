import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole, requirePlatformAdmin, requireRole } from '../auth/authorize.ts';
import { createOrgsRepository } from '../orgs/orgs.repository.ts';
import { CreateOrgBody, Org, OrgParams, UpdateOrgBody } from './admin.schemas.ts';
import { createOrgAudited, updateOrg } from './orgs-admin.service.ts';
import { NotFoundError, ForbiddenError } from '../../infra/errors.ts';

export async function orgsRoutes(app: FastifyInstance): Promise<void> {
  const orgs = () => createOrgsRepository(app.db);

  app.get(
    '/v1/orgs',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Orgs: every org for platform admins, your own orgs for everyone else',
        response: { 200: Type.Object({ orgs: Type.Array(Org) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const auth = request.auth;
      const roles = new Map(auth.memberships.map((m) => [m.orgId, m.role]));
      const list = auth.user.platformAdmin
        ? await orgs().list()
        : await orgs().listByIds([...roles.keys()]);
      return {
        orgs: list.map((o) => ({
          ...o,
          role: roles.get(o.id) ?? (auth.user.platformAdmin ? 'owner' : undefined),
        })),
      };
    },
  );

  app.post<{ Body: Static<typeof CreateOrgBody> }>(
    '/v1/orgs',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Create an org (platform admins)',
        body: CreateOrgBody,
        response: { 201: Type.Object({ org: Org }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      requirePlatformAdmin(request.auth);
      const org = await createOrgAudited(app, actorOf(request.auth, request), request.body);
      return reply.status(201).send({ org });
    },
  );

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/v1/orgs/:org',
    {
      schema: {
        tags: ['orgs'],
        params: OrgParams,
        response: { 200: Type.Object({ org: Org }), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'viewer');
      const org = await orgs().findByRef(scope.orgId);
      if (!org) throw new NotFoundError('org');
      return { org: { ...org, role: scope.role } };
    },
  );

  app.patch<{ Params: Static<typeof OrgParams>; Body: Static<typeof UpdateOrgBody> }>(
    '/v1/orgs/:org',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Rename (owners) or disable/enable (platform admins) an org',
        params: OrgParams,
        body: UpdateOrgBody,
        response: { 200: Type.Object({ org: Org }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'viewer');
      if (request.body.disabled !== undefined && !request.auth.user.platformAdmin) {
        throw new ForbiddenError(
          'insufficient_role',
          'only platform admins disable or enable orgs',
        );
      }
      if (request.body.name !== undefined) requireRole(scope.role, 'owner');
      const before = await orgs().findByRef(scope.orgId);
      if (!before) throw new NotFoundError('org');
      const org = await updateOrg(app, actorOf(request.auth, request), before, request.body);
      return { org: { ...org, role: scope.role } };
    },
  );
}
