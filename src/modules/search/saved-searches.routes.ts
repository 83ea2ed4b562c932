// HTTP of /v1/saved-searches (user context). Viewers list and read; members and up save.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../infra/errors.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { createSavedSearchesRepository } from './saved-searches.repository.ts';
import {
  CreateSavedSearchBody,
  SavedSearch,
  SavedSearchListQuery,
  SavedSearchParams,
  UpdateSavedSearchBody,
} from './saved-searches.schemas.ts';
import {
  createSavedSearch,
  deleteSavedSearch,
  toJson,
  updateSavedSearch,
  viewerOf,
} from './saved-searches.service.ts';

const TAGS = ['saved searches'];
const One = Type.Object({ saved_search: SavedSearch });

export async function savedSearchesRoutes(app: FastifyInstance): Promise<void> {
  const repo = () => createSavedSearchesRepository(app.db);

  app.get<{ Querystring: Static<typeof SavedSearchListQuery> }>(
    '/v1/saved-searches',
    {
      schema: {
        tags: TAGS,
        summary: "Saved searches you can see: the org's shared ones and your own",
        querystring: SavedSearchListQuery,
        response: {
          200: Type.Object({ saved_searches: Type.Array(SavedSearch) }),
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
      return { saved_searches: rows.map(toJson) };
    },
  );

  app.post<{ Body: Static<typeof CreateSavedSearchBody> }>(
    '/v1/saved-searches',
    {
      schema: {
        tags: TAGS,
        summary: 'Save a search (members and up)',
        body: CreateSavedSearchBody,
        response: { 201: One, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const saved = await createSavedSearch(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.body,
      );
      return reply.status(201).send({ saved_search: saved });
    },
  );

  app.get<{ Params: Static<typeof SavedSearchParams> }>(
    '/v1/saved-searches/:id',
    {
      schema: {
        tags: TAGS,
        params: SavedSearchParams,
        response: { 200: One, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const row = await repo().findVisible(viewerOf(request.auth), request.params.id);
      if (!row) throw new NotFoundError('saved search');
      return { saved_search: toJson(row) };
    },
  );

  app.patch<{
    Params: Static<typeof SavedSearchParams>;
    Body: Static<typeof UpdateSavedSearchBody>;
  }>(
    '/v1/saved-searches/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a saved search (its owner; org admins for shared ones)',
        params: SavedSearchParams,
        body: UpdateSavedSearchBody,
        response: { 200: One, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      saved_search: await updateSavedSearch(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete<{ Params: Static<typeof SavedSearchParams> }>(
    '/v1/saved-searches/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a saved search (its owner; org admins for shared ones)',
        params: SavedSearchParams,
        response: { 200: One, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      saved_search: await deleteSavedSearch(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
      ),
    }),
  );
}
