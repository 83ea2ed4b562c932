import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import {
  changeMemberRole,
  inviteMember,
  listInvitations,
  removeMember,
  revokeInvitation,
} from '../members/members.service.ts';
import {
  AddMemberBody,
  Member,
  OrgMemberParams,
  OrgParams,
  UpdateMemberBody,
} from './admin.schemas.ts';

const Invitation = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
const InvitationParams = Type.Object({
  org: OrgParams.properties.org,
  id: Type.String({ format: 'uuid' }),
});

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
        summary:
          'Invite by email with a role (admins; owners to grant owner). The answer is the same whether or not the address has an account; membership starts at its next sign-in.',
        params: OrgParams,
        body: AddMemberBody,
        response: {
          202: Type.Object({ invitation: Invitation }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const invitation = await inviteMember(
        app.db,
        actorOf(request.auth, request),
        scope,
        request.body,
      );
      return reply.status(202).send({ invitation });
    },
  );

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/v1/orgs/:org/invitations',
    {
      schema: {
        tags: ['members'],
        summary: 'Pending invitations (admins)',
        params: OrgParams,
        response: {
          200: Type.Object({ invitations: Type.Array(Invitation) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return { invitations: await listInvitations(app.db, scope) };
    },
  );

  app.delete<{ Params: Static<typeof InvitationParams> }>(
    '/v1/orgs/:org/invitations/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'Withdraw a pending invitation (admins; owners for owner invitations)',
        params: InvitationParams,
        response: {
          200: Type.Object({ invitation: Invitation }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return {
        invitation: await revokeInvitation(
          app.db,
          actorOf(request.auth, request),
          scope,
          request.params.id,
        ),
      };
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
