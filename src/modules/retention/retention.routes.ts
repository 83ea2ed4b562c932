// Retention status of an app (when its current retention reaches the stored rows) and legal
// holds on apps and orgs. Anyone who can read an app sees its status; only platform admins place
// or release holds (404 for everyone else, as for every platform route).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireAppRole, requireOrgRole, requirePlatformAdmin } from '../auth/authorize.ts';
import { createLegalHoldsRepository, type LegalHold } from './legal-holds.repository.ts';
import { placeLegalHold, releaseLegalHold } from './legal-holds.service.ts';
import { retentionCutoffMs } from './retention-cleanup.service.ts';
import {
  AppRefParams,
  LegalHoldSchema,
  OrgRefParams,
  PlaceHoldBody,
  RetentionStatus,
} from './retention.schemas.ts';

export function legalHoldView(hold: LegalHold): Static<typeof LegalHoldSchema> {
  return {
    id: hold.id,
    org_id: hold.org_id,
    app_id: hold.app_id,
    reason: hold.reason,
    placed_by: hold.placed_by_label,
    placed_at: hold.placed_at.toISOString(),
    released_by: hold.released_by_label,
    released_at: hold.released_at?.toISOString() ?? null,
  };
}

const HoldResponse = Type.Object({ legal_hold: LegalHoldSchema });

export async function retentionRoutes(app: FastifyInstance): Promise<void> {
  const holds = () => createLegalHoldsRepository(app.db);

  app.get<{ Params: Static<typeof AppRefParams> }>(
    '/v1/apps/:app/retention',
    {
      schema: {
        tags: ['retention'],
        summary: "An app's retention: what is kept, when a change reaches stored rows, legal hold",
        params: AppRefParams,
        response: { 200: RetentionStatus, ...errorResponses(401, 404, 409) },
      },
    },
    async (request) => {
      const { org, app: target } = await requireAppRole(
        app.db,
        request.auth,
        request.params.app,
        'viewer',
      );
      const now = Date.now();
      const interval = app.config.retention.cleanupIntervalMs;
      const last = await app.db
        .selectFrom('retention_cleanups')
        .selectAll()
        .where('org_id', '=', org.orgId)
        .where('app_id', '=', target.id)
        .executeTakeFirst();
      // The next cleanup is due one interval after the last; a late or first one within an interval.
      const due = last ? last.ran_at.getTime() + interval : now + interval;
      const hold = await holds().coveringApp(org, target.id);
      return {
        app_id: target.id,
        retention_days: target.retention_days,
        cutoff: new Date(retentionCutoffMs(now, target.retention_days)).toISOString(),
        takes_effect_by: new Date(due > now ? due : now + interval).toISOString(),
        cleanup_interval_ms: interval,
        last_cleanup: last
          ? {
              ran_at: last.ran_at.toISOString(),
              retention_days: last.retention_days,
              cutoff: last.cutoff.toISOString(),
              rows_deleted: Number(last.rows_deleted),
              held: last.held,
            }
          : null,
        legal_hold: hold ? legalHoldView(hold) : null,
      };
    },
  );

  app.get<{ Params: Static<typeof OrgRefParams> }>(
    '/v1/orgs/:org/legal-holds',
    {
      schema: {
        tags: ['retention'],
        summary: 'Active legal holds on the org and its apps',
        params: OrgRefParams,
        response: {
          200: Type.Object({ legal_holds: Type.Array(LegalHoldSchema) }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.params.org, 'viewer');
      return { legal_holds: (await holds().activeInOrg(org)).map(legalHoldView) };
    },
  );

  const holdRoutes = [
    {
      url: '/v1/apps/:app/legal-hold',
      params: AppRefParams,
      target: async (
        auth: Parameters<typeof requireAppRole>[1],
        params: { app?: string; org?: string },
      ) => {
        const { org, app: found } = await requireAppRole(
          app.db,
          auth,
          params.app as string,
          'viewer',
        );
        return { orgId: org.orgId, appId: found.id };
      },
    },
    {
      url: '/v1/orgs/:org/legal-hold',
      params: OrgRefParams,
      target: async (
        auth: Parameters<typeof requireAppRole>[1],
        params: { app?: string; org?: string },
      ) => {
        const org = await requireOrgRole(app.db, auth, params.org as string, 'viewer');
        return { orgId: org.orgId, appId: null };
      },
    },
  ];
  for (const route of holdRoutes) {
    app.put<{ Params: { app?: string; org?: string }; Body: Static<typeof PlaceHoldBody> }>(
      route.url,
      {
        schema: {
          tags: ['retention'],
          summary: 'Place a legal hold: nothing is deleted until it is released (platform admins)',
          params: route.params,
          body: PlaceHoldBody,
          response: { 201: HoldResponse, ...errorResponses(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        requirePlatformAdmin(request.auth);
        const target = await route.target(request.auth, request.params);
        const hold = await placeLegalHold(
          app.db,
          actorOf(request.auth, request),
          target,
          request.body.reason,
        );
        return reply.status(201).send({ legal_hold: legalHoldView(hold) });
      },
    );
    app.delete<{ Params: { app?: string; org?: string } }>(
      route.url,
      {
        schema: {
          tags: ['retention'],
          summary:
            'Release a legal hold (platform admins); retention applies again at the next cleanup',
          params: route.params,
          response: { 200: HoldResponse, ...errorResponses(401, 404, 409) },
        },
      },
      async (request) => {
        requirePlatformAdmin(request.auth);
        const target = await route.target(request.auth, request.params);
        const hold = await releaseLegalHold(
          app.db,
          actorOf(request.auth, request),
          target,
          new Date(),
        );
        return { legal_hold: legalHoldView(hold) };
      },
    );
  }
}
