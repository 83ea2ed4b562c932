// HTTP of monthly reports (user context; org admins): list, generate on demand, read as JSON, PDF
// or CSV. A finished month's report is stored once and served as stored (kept for all time).
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../infra/errors.ts';
import { recordRead } from '../audit/audit-reads.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { monthOf } from '../usage/usage-days.ts';
import { createUsageRepository } from '../usage/usage.repository.ts';
import { createReportsRepository } from './reports.repository.ts';
import {
  CreateReportBody,
  SpendResponse,
  CreateReportResponse,
  ReportFileParams,
  ReportJson,
  ReportListResponse,
  ReportsParams,
} from './reports.schemas.ts';
import { spendToDate } from './report-content.ts';
import { generateReport, type ReportsDeps } from './reports.service.ts';

const TAGS = ['reports'];

export async function reportsRoutes(app: FastifyInstance): Promise<void> {
  const repo = createReportsRepository(app.db);
  const deps: ReportsDeps = {
    db: app.db,
    usage: createUsageRepository(app.clickhouse),
    topEndUsers: app.config.reports.topEndUsers,
    maxMonthsBack: app.config.reports.maxMonthsBack,
    nowMs: () => Date.now(),
  };

  app.get<{ Params: Static<typeof ReportsParams> }>(
    '/v1/orgs/:org/reports',
    {
      schema: {
        tags: TAGS,
        summary: "The org's reports, newest month first (org admins)",
        params: ReportsParams,
        response: { 200: ReportListResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return { reports: await repo.list(scope) };
    },
  );

  app.post<{ Params: Static<typeof ReportsParams>; Body: Static<typeof CreateReportBody> }>(
    '/v1/orgs/:org/reports',
    {
      schema: {
        tags: TAGS,
        summary:
          'Generate the report of a month (default: this month so far, partial); a finished month is made once (org admins)',
        params: ReportsParams,
        body: CreateReportBody,
        response: {
          200: CreateReportResponse,
          201: CreateReportResponse,
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const org = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const month = request.body?.month ?? monthOf(deps.nowMs());
      const { report, created } = await generateReport(deps, org, month);
      return reply.status(created ? 201 : 200).send({ created, report: report.content });
    },
  );

  app.get<{ Params: Static<typeof ReportsParams> }>(
    '/v1/orgs/:org/spend',
    {
      schema: {
        tags: TAGS,
        summary: "This month's spend so far and projected to the month's end (org admins)",
        params: ReportsParams,
        response: { 200: SpendResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return { spend: await spendToDate(deps, scope, deps.nowMs()) };
    },
  );

  app.get<{ Params: Static<typeof ReportFileParams> }>(
    '/v1/orgs/:org/reports/:file',
    {
      schema: {
        tags: TAGS,
        summary: 'A stored report: YYYY-MM (JSON), YYYY-MM.pdf, YYYY-MM.csv (org admins)',
        params: ReportFileParams,
        response: {
          200: { description: 'the report JSON, a PDF or a CSV', ...ReportJson },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      const [month, ext = 'json'] = request.params.file.split('.') as [string, string?];
      const read = {
        kind: 'report',
        orgId: scope.orgId,
        target: request.params.file,
        rows: null,
      } as const;
      await recordRead(app.db, actorOf(request.auth, request), read);
      if (ext === 'json') {
        const found = await repo.find(scope, month);
        if (!found) throw new NotFoundError('report');
        return found.content;
      }
      const kind = ext as 'pdf' | 'csv';
      const file = await repo.file(scope, month, kind);
      if (file === undefined) throw new NotFoundError('report');
      const name = `mylog-${scope.slug}-${month}.${kind}`;
      return reply
        .header('content-type', kind === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .serializer((payload: unknown) => payload as string)
        .send(file);
    },
  );
}
