// The caller's own identity, sessions and API tokens. Registered inside the user context.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../../infra/errors.ts';
import { createApiTokensRepository } from './api-tokens.repository.ts';
import { createApiToken, revokeApiToken } from './api-tokens.service.ts';
import { actorOf } from './auth-context.ts';
import {
  CreatedTokenResponse,
  CreateTokenBody,
  errorResponses,
  IdParams,
  LogoutResponse,
  MeResponse,
  TokenRecord,
} from './auth.schemas.ts';
import { readableApps } from './authorize.ts';
import type { OidcClient } from './oidc-client.ts';
import { closeSession } from './session.service.ts';
import { createPreferencesRepository } from '../preferences/preferences.repository.ts';
import { preferencesRoutes } from '../preferences/preferences.routes.ts';
import { Type } from '@sinclair/typebox';

export function meRoutes(oidc: OidcClient | undefined) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get(
      '/v1/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The caller: user, orgs and roles, and the apps they may read',
          response: { 200: MeResponse, ...errorResponses(401) },
        },
      },
      async (request) => {
        const auth = request.auth;
        const apps = await readableApps(app.db, auth);
        const preferences = await createPreferencesRepository(app.db).get(auth.user.id);
        return {
          preferences,
          user: {
            id: auth.user.id,
            email: auth.user.email,
            name: auth.user.name,
            platform_admin: auth.user.platformAdmin,
          },
          via: auth.via,
          token_scope: auth.tokenScope,
          csrf_token: request.authSession?.csrf_token ?? null,
          orgs: auth.memberships.map((m) => ({
            id: m.orgId,
            slug: m.orgSlug,
            name: m.orgName,
            role: m.role,
          })),
          apps: apps.map((a) => ({
            id: a.id,
            slug: a.slug,
            name: a.name,
            org_id: a.orgId,
            org_slug: a.orgSlug,
          })),
        };
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'End this session; follow end_session_url to sign out at the IdP too',
          response: { 200: LogoutResponse, ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const session = request.authSession;
        if (!session)
          throw new BadRequestError('no_session', 'API tokens are revoked, not logged out');
        const { idToken } = await closeSession(
          app.db,
          app.config,
          request,
          reply,
          session.id,
          request.auth.user,
        );
        const endSessionUrl =
          session.auth_method === 'oidc' && oidc
            ? await oidc.endSessionUrl(idToken, `${app.config.publicUrl}/`)
            : null;
        return { logged_out: true, end_session_url: endSessionUrl };
      },
    );

    app.get(
      '/v1/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: "The caller's API tokens (never the secrets)",
          response: {
            200: Type.Object({ tokens: Type.Array(TokenRecord) }),
            ...errorResponses(401),
          },
        },
      },
      async (request) => ({
        tokens: await createApiTokensRepository(app.db).list({ userId: request.auth.user.id }),
      }),
    );

    app.post<{ Body: Static<typeof CreateTokenBody> }>(
      '/v1/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create a personal API token (shown once)',
          body: CreateTokenBody,
          response: { 201: CreatedTokenResponse, ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const created = await createApiToken(
          app.db,
          app.config,
          actorOf(request.auth, request),
          { userId: request.auth.user.id },
          {
            name: request.body.name,
            scope: request.body.scope,
            expiresInDays: request.body.expires_in_days,
          },
        );
        return reply.status(201).send(created);
      },
    );

    app.delete<{ Params: Static<typeof IdParams> }>(
      '/v1/tokens/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke one of your API tokens',
          params: IdParams,
          response: { 200: Type.Object({ token: TokenRecord }), ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => ({
        token: await revokeApiToken(
          app.db,
          actorOf(request.auth, request),
          { userId: request.auth.user.id },
          request.params.id,
        ),
      }),
    );

    await preferencesRoutes(app);
  };
}
