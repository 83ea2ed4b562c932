// The deletion API: requests by query over one app, by end user over a whole org, and their
// progress. Org admins only; another tenant's ids answer 404 (authorize.ts, then the org scope).
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequestError, NotFoundError } from '../../infra/errors.ts';
import { UUID_PATTERN } from '../../infra/slug.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireAppRole, requireOrgRole } from '../auth/authorize.ts';
import type { DeletionRequest } from './deletions.repository.ts';
import { createDeletionsRepository } from './deletions.repository.ts';
import {
  AppDeletionIdParams,
  AppDeletionParams,
  CreateAppDeletionBody,
  CreateUserDeletionBody,
  Deletion,
  DeletionList,
  DeletionsQuery,
  OrgDeletionIdParams,
  OrgDeletionParams,
} from './deletions.schemas.ts';
import { deletionProgress, requestAppDeletion, requestUserDeletion } from './deletions.service.ts';

export function deletionView(job: DeletionRequest): Static<typeof Deletion> {
  const num = (v: string | null) => (v === null ? null : Number(v));
  return {
    id: job.id,
    status: job.status,
    org_id: job.org_id,
    app_id: job.app_id,
    kind: job.kind,
    q: job.q,
    user_id: job.user_id,
    from: job.range_from,
    to: job.range_to,
    as_of: job.as_of?.toISOString() ?? null,
    rows_matched: num(job.rows_matched),
    rows_remaining: num(job.rows_remaining),
    bytes_matched: num(job.bytes_matched),
    progress: deletionProgress(job),
    attempts: job.attempts,
    error: job.error,
    requested_by: job.requested_label,
    created_at: job.created_at.toISOString(),
    finished_at: job.finished_at?.toISOString() ?? null,
  };
}

/** Cursor: the created_at (µs precision in Postgres, so ISO ms is not enough) and id of a row. */
function encodeCursor(job: DeletionRequest): string {
  return Buffer.from(JSON.stringify([job.created_at.toISOString(), job.id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !UUID_PATTERN.test(id))
      throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw new BadRequestError('invalid_cursor', 'cursor is not one this API returned');
  }
}

export async function deletionsRoutes(app: FastifyInstance): Promise<void> {
  const deps = () => ({ db: app.db, clickhouse: app.clickhouse, config: app.config.deletions });
  const repo = () => createDeletionsRepository(app.db);

  async function page(
    scope: { orgId: string },
    query: Static<typeof DeletionsQuery>,
    appId?: string,
  ): Promise<Static<typeof DeletionList>> {
    const limit = Math.min(query.limit ?? 50, app.config.deletions.listMaxRows);
    const rows = await repo().list(scope, {
      appId,
      limit: limit + 1,
      before: decodeCursor(query.cursor),
    });
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      deletions: shown.map(deletionView),
      next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  app.post<{
    Params: Static<typeof AppDeletionParams>;
    Body: Static<typeof CreateAppDeletionBody>;
  }>(
    '/v1/apps/:app/deletions',
    {
      schema: {
        tags: ['deletions'],
        summary: 'Delete the rows of an app that a query matches in a time range (admins)',
        params: AppDeletionParams,
        body: CreateAppDeletionBody,
        response: { 202: Deletion, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org, app: target } = await requireAppRole(
        app.db,
        request.auth,
        request.params.app,
        'admin',
      );
      const job = await requestAppDeletion(
        deps(),
        actorOf(request.auth, request),
        org,
        target.id,
        request.body,
        Date.now(),
      );
      return reply.status(202).send(deletionView(job));
    },
  );

  app.get<{ Params: Static<typeof AppDeletionParams>; Querystring: Static<typeof DeletionsQuery> }>(
    '/v1/apps/:app/deletions',
    {
      schema: {
        tags: ['deletions'],
        summary: "An app's deletion requests, newest first (admins)",
        params: AppDeletionParams,
        querystring: DeletionsQuery,
        response: { 200: DeletionList, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { org, app: target } = await requireAppRole(
        app.db,
        request.auth,
        request.params.app,
        'admin',
      );
      return page(org, request.query, target.id);
    },
  );

  app.get<{ Params: Static<typeof AppDeletionIdParams> }>(
    '/v1/apps/:app/deletions/:id',
    {
      schema: {
        tags: ['deletions'],
        summary: 'One deletion request and its progress (admins)',
        params: AppDeletionIdParams,
        response: { 200: Deletion, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { org, app: target } = await requireAppRole(
        app.db,
        request.auth,
        request.params.app,
        'admin',
      );
      const job = await repo().find(org, request.params.id, target.id);
      if (!job) throw new NotFoundError('deletion');
      return deletionView(job);
    },
  );

  app.post<{
    Params: Static<typeof OrgDeletionParams>;
    Body: Static<typeof CreateUserDeletionBody>;
  }>(
    '/v1/orgs/:org/deletions',
    {
      schema: {
        tags: ['deletions'],
        summary: "Delete every row of one end user (user_id) in all of the org's apps (admins)",
        params: OrgDeletionParams,
        body: CreateUserDeletionBody,
        response: { 202: Deletion, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const org = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const job = await requestUserDeletion(
        deps(),
        actorOf(request.auth, request),
        org,
        request.body.user_id,
      );
      return reply.status(202).send(deletionView(job));
    },
  );

  app.get<{ Params: Static<typeof OrgDeletionParams>; Querystring: Static<typeof DeletionsQuery> }>(
    '/v1/orgs/:org/deletions',
    {
      schema: {
        tags: ['deletions'],
        summary: "Every deletion request of the org's apps, newest first (admins)",
        params: OrgDeletionParams,
        querystring: DeletionsQuery,
        response: { 200: DeletionList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return page(org, request.query);
    },
  );

  app.get<{ Params: Static<typeof OrgDeletionIdParams> }>(
    '/v1/orgs/:org/deletions/:id',
    {
      schema: {
        tags: ['deletions'],
        summary: 'One deletion request of the org and its progress (admins)',
        params: OrgDeletionIdParams,
        response: { 200: Deletion, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const job = await repo().find(org, request.params.id);
      if (!job) throw new NotFoundError('deletion');
      return deletionView(job);
    },
  );
}
