import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf, type AuthContext } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireAppRole } from '../auth/authorize.ts';
import {
  createAppIngestKey,
  revokeIngestKey,
  rotateIngestKey,
} from '../ingest-keys/ingest-key-admin.service.ts';
import { createIngestKeysRepository } from '../ingest-keys/ingest-keys.repository.ts';
import {
  AppKeyParams,
  AppParams,
  CreatedKey,
  CreateKeyBody,
  IngestKey,
  RotatedKey,
  RotateKeyBody,
} from './admin.schemas.ts';

/** Ingest keys of one app. Reading the list needs admin too: prefixes and usage are operational data. */
export async function keysRoutes(app: FastifyInstance): Promise<void> {
  const appAdmin = (request: { auth: AuthContext; params: { app: string } }) =>
    requireAppRole(app.db, request.auth, request.params.app, 'admin');

  app.get<{ Params: Static<typeof AppParams> }>(
    '/v1/apps/:app/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'List keys: prefix, created, last used (never the key)',
        params: AppParams,
        response: {
          200: Type.Object({ keys: Type.Array(IngestKey) }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { org, app: target } = await appAdmin(request);
      return { keys: await createIngestKeysRepository(app.db).listForApp(org, target.id) };
    },
  );

  app.post<{ Params: Static<typeof AppParams>; Body: Static<typeof CreateKeyBody> }>(
    '/v1/apps/:app/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Create an ingest key (shown once)',
        params: AppParams,
        body: CreateKeyBody,
        response: { 201: CreatedKey, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org, app: target } = await appAdmin(request);
      const created = await createAppIngestKey(
        app,
        actorOf(request.auth, request),
        org,
        target.id,
        {
          name: request.body.name,
          expiresInDays: request.body.expires_in_days,
        },
      );
      return reply.status(201).send(created);
    },
  );

  app.post<{ Params: Static<typeof AppKeyParams>; Body: Static<typeof RotateKeyBody> }>(
    '/v1/apps/:app/keys/:key/rotate',
    {
      schema: {
        tags: ['keys'],
        summary: 'Replace a key; the old one keeps working for overlap_seconds',
        params: AppKeyParams,
        body: RotateKeyBody,
        response: { 201: RotatedKey, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org, app: target } = await appAdmin(request);
      const rotated = await rotateIngestKey(
        app,
        actorOf(request.auth, request),
        org,
        target.id,
        request.params.key,
        {
          overlapSeconds: request.body.overlap_seconds,
          name: request.body.name,
        },
      );
      return reply.status(201).send(rotated);
    },
  );

  app.post<{ Params: Static<typeof AppKeyParams> }>(
    '/v1/apps/:app/keys/:key/revoke',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke a key: every instance stops accepting it within seconds',
        params: AppKeyParams,
        response: { 200: Type.Object({ key: IngestKey }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { org, app: target } = await appAdmin(request);
      return {
        key: await revokeIngestKey(
          app,
          actorOf(request.auth, request),
          org,
          target.id,
          request.params.key,
        ),
      };
    },
  );
}
