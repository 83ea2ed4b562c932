// The audit log over HTTP: the page's list, the NDJSON export for archiving, the chain check.
import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError } from '../../infra/errors.ts';
import { parseRfc3339 } from '../ingest/decode/timestamps.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { listChains, verifyChains } from './audit-chain.ts';
import { auditLine, listAudit, streamAudit } from './audit.repository.ts';
import { AuditExportQuery, AuditVerdict, AuditVerifyQuery } from './audit.schemas.ts';
import { AuditEntry, AuditQuery } from '../admin/admin.schemas.ts';

const MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MS = 253_402_300_800_000; // 10000-01-01T00:00:00Z

// The schema checks shapes; these check what Postgres would refuse with a 500 instead.
function invalid(param: string, message: string): BadRequestError {
  return new BadRequestError('invalid_request', `${param} ${message}`, { param });
}

/** Text columns cannot hold NUL. */
function text(value: string | undefined, param: string): string | undefined {
  if (value !== undefined && value.includes('\u0000')) throw invalid(param, 'contains a NUL byte');
  return value;
}

/** A real instant: the date-time format admits :60 and 30 February, which Postgres refuses. */
function instant(value: string | undefined, param: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRfc3339(value);
  const ms = parsed ? parsed.sec * 1000 + Math.floor(parsed.nanos / 1e6) : NaN;
  if (!parsed || value.slice(17, 19) === '60' || !(ms >= MIN_MS && ms < MAX_MS)) {
    throw invalid(
      param,
      'must be a real RFC 3339 instant from year 1 to 9999 (no :60, no 30 February)',
    );
  }
  return new Date(ms);
}

/** Entry ids are bigint; Number() past 2^53 would silently page from the wrong place. */
function cursorId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw invalid('cursor', 'is not one this API issued');
  return id;
}

/**
 * The orgs whose audit the caller reads: the named one (org admins; 404 elsewhere), else every org
 * they administer; undefined for a platform admin naming none (every org and the platform).
 */
async function auditOrgIds(
  app: FastifyInstance,
  auth: FastifyRequest['auth'],
  org: string | undefined,
): Promise<string[] | undefined> {
  if (org !== undefined) return [(await requireOrgRole(app.db, auth, org, 'admin')).orgId];
  if (auth.user.platformAdmin) return undefined;
  return auth.memberships.filter((m) => roleAtLeast(m.role, 'admin')).map((m) => m.orgId);
}

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
      const orgIds = await auditOrgIds(app, request.auth, q.org);
      const limit = q.limit ?? 100;
      const entries = await listAudit(app.db, {
        orgIds,
        actor: text(q.actor, 'actor'),
        action: text(q.action, 'action'),
        target: text(q.target, 'target'),
        kind: q.kind,
        from: instant(q.from, 'from'),
        to: instant(q.to, 'to'),
        beforeId: cursorId(q.cursor),
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

  app.get<{ Querystring: Static<typeof AuditExportQuery> }>(
    '/v1/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Audit entries of [from, to) oldest first as NDJSON, streamed, with their chain hashes (for archiving)',
        querystring: AuditExportQuery,
        response: {
          200: { description: 'application/x-ndjson stream, one entry per line', type: 'string' },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const orgIds = await auditOrgIds(app, request.auth, q.org);
      const range = {
        orgIds,
        from: instant(q.from, 'from') ?? new Date(0),
        to: instant(q.to, 'to') ?? new Date(),
      };
      const entries = streamAudit(app.db, range, app.config.audit.exportBatchRows);
      const lines = Readable.from(
        (async function* () {
          for await (const entry of entries) yield auditLine(entry);
        })(),
      );
      return reply
        .header('content-type', 'application/x-ndjson')
        .header('content-disposition', 'attachment; filename="audit.ndjson"')
        .header('cache-control', 'no-store')
        .send(lines);
    },
  );

  app.get<{ Querystring: Static<typeof AuditVerifyQuery> }>(
    '/v1/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Recompute the tamper-evident chain of the orgs you administer (as `mylog audit verify`)',
        querystring: AuditVerifyQuery,
        response: { 200: AuditVerdict, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const orgIds = await auditOrgIds(app, request.auth, request.query.org);
      return verifyChains(app.db, orgIds ?? (await listChains(app.db)));
    },
  );
}
