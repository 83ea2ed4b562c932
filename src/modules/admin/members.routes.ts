import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import { addMember, changeMemberRole, removeMember } from '../members/members.service.ts';
import {
  AddMemberBody,
  Member,
  OrgMemberParams,
  OrgParams,
  UpdateMemberBody,
} from './admin.schemas.ts';

export async function membersRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Static<typeof OrgParams> }>(
    '/v1/orgs/:org/members',
    {
      schema: {
        tags: ['members'],
        params: OrgParams,
        response: {
          200: Type.Object({ members: Type.Array(Member) }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'viewer');
      return { members: await createMembershipsRepository(app.db).list(scope) };
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof AddMemberBody> }>(
    '/v1/orgs/:org/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Invite by email with a role (admins; owners to grant owner)',
        params: OrgParams,
        body: AddMemberBody,
        response: {
          201: Type.Object({ member: Member }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const member = await addMember(app.db, actorOf(request.auth, request), scope, request.body);
      return reply.status(201).send({ member });
    },
  );

  app.patch<{ Params: Static<typeof OrgMemberParams>; Body: Static<typeof UpdateMemberBody> }>(
    '/v1/orgs/:org/members/:user',
    {
      schema: {
        tags: ['members'],
        summary: "Change a member's role (the last owner stays owner)",
        params: OrgMemberParams,
        body: UpdateMemberBody,
        response: {
          200: Type.Object({ member: Member }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const member = await changeMemberRole(
        app.db,
        actorOf(request.auth, request),
        scope,
        request.params.user,
        request.body.role,
      );
      return { member };
    },
  );

  app.delete<{ Params: Static<typeof OrgMemberParams> }>(
    '/v1/orgs/:org/members/:user',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member (never the last owner)',
        params: OrgMemberParams,
        response: { 200: Type.Object({ member: Member }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return {
        member: await removeMember(
          app.db,
          actorOf(request.auth, request),
          scope,
          request.params.user,
        ),
      };
    },
  );
}
