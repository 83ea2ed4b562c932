// mylog report generate --org ORG --month YYYY-MM: the monthly report on demand (the same one the
// scheduler makes: a finished month's report is made once, a rerun prints the stored one).
import { createOrgsRepository } from '../../modules/orgs/orgs.repository.ts';
import type { ReportContent } from '../../modules/reports/report-content.ts';
import { money } from '../../modules/reports/report-format.ts';
import { generateReport } from '../../modules/reports/reports.service.ts';
import { monthOf } from '../../modules/usage/usage-days.ts';
import { createUsageRepository } from '../../modules/usage/usage.repository.ts';
import { CommandError, type Command } from '../command.ts';

export const reportGenerateCommand: Command = {
  summary: "Generate an org's monthly report (default: this month so far, partial)",
  options: {
    org: { type: 'string', description: 'org id or slug', required: true },
    month: { type: 'string', description: 'YYYY-MM (default: the current month, partial)' },
  },
  needs: { postgres: true, clickhouse: true },
  async run(ctx, { values }) {
    const org = await createOrgsRepository(ctx.db).findByRef(values.org as string);
    if (!org) throw new CommandError('not_found', `no org "${String(values.org)}"`);
    const nowMs = Date.now();
    const { report, created } = await generateReport(
      {
        db: ctx.db,
        usage: createUsageRepository(ctx.services.clickhouse),
        topEndUsers: ctx.config.reports.topEndUsers,
        maxMonthsBack: ctx.config.reports.maxMonthsBack,
        nowMs: () => nowMs,
      },
      { orgId: org.id, slug: org.slug, name: org.name },
      typeof values.month === 'string' ? values.month : monthOf(nowMs),
    );
    return { created, report: report.content };
  },
  format(result) {
    const { created, report } = result as { created: boolean; report: ReportContent };
    return [
      `${created ? 'generated' : 'already generated'}: report ${report.org.slug} ${report.month}${report.partial ? ' (partial)' : ''}`,
      `records ${report.totals.records}, bytes ${report.totals.bytes}, active end users ${report.active_end_users}`,
      `cost ${money(report.cost.total_minor, report.minor_digits, report.currency)}`,
      `files: GET /v1/orgs/${report.org.slug}/reports/${report.month}.pdf and .csv`,
    ].join('\n');
  },
};
