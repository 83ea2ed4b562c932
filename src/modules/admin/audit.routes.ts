import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { AuditEntry, AuditQuery } from './admin.schemas.ts';

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log of the orgs you administer (newest first; next_cursor pages on)',
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            entries: Type.Array(AuditEntry),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const auth = request.auth;
      let orgIds: string[] | undefined;
      if (q.org !== undefined) {
        orgIds = [(await requireOrgRole(app.db, auth, q.org, 'admin')).orgId];
      } else if (!auth.user.platformAdmin) {
        orgIds = auth.memberships.filter((m) => roleAtLeast(m.role, 'admin')).map((m) => m.orgId);
      }
      const limit = q.limit ?? 100;
      const entries = await listAudit(app.db, {
        orgIds,
        actor: q.actor,
        action: q.action,
        target: q.target,
        from: q.from === undefined ? undefined : new Date(q.from),
        to: q.to === undefined ? undefined : new Date(q.to),
        beforeId: q.cursor === undefined ? undefined : Number(q.cursor),
        limit: limit + 1,
      });
      const page = entries.slice(0, limit);
      const last = page[page.length - 1];
      return {
        entries: page,
        next_cursor: entries.length > limit && last ? String(last.id) : null,
      };
    },
  );
}
