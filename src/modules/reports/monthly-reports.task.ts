// The scheduler's monthly run: from 00:05 UTC on the 1st (REPORTS_GENERATE_AFTER_MINUTES), every
// org gets its report for the month before, made once and delivered once. The task runs every
// REPORTS_CHECK_INTERVAL_MS and catches up after downtime; what is already made is skipped, so
// extra runs (several instances, retries) change nothing. The clock is injectable for tests.
import type { FastifyInstance } from 'fastify';
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { createOrgsRepository } from '../orgs/orgs.repository.ts';
import { monthOf, monthSpan, previousMonth } from '../usage/usage-days.ts';
import { createUsageRepository } from '../usage/usage.repository.ts';
import { deliverOnce, generateReport, type ReportDelivery } from './reports.service.ts';

/** The month whose reports are due at `nowMs`. */
export function dueMonth(nowMs: number, afterMinutes: number): string {
  return previousMonth(monthOf(nowMs - afterMinutes * 60_000));
}

export async function runMonthlyReports(
  app: FastifyInstance,
  nowMs: number,
  delivery: ReportDelivery | undefined,
): Promise<{ month: string; generated: number; delivered: number; failed: number }> {
  const month = dueMonth(nowMs, app.config.reports.generateAfterMinutes);
  const endMs = monthSpan(month).endMs;
  const deps = {
    db: app.db,
    usage: createUsageRepository(app.clickhouse),
    topEndUsers: app.config.reports.topEndUsers,
    maxMonthsBack: app.config.reports.maxMonthsBack,
    nowMs: () => nowMs,
  };
  let generated = 0;
  let delivered = 0;
  let failed = 0;
  for (const org of await createOrgsRepository(app.db).list()) {
    // Orgs that did not exist yet in that month have nothing to report.
    if (org.disabled_at !== null || org.created_at.getTime() >= endMs) continue;
    const scope = { orgId: org.id, slug: org.slug, name: org.name };
    try {
      const { report, created } = await generateReport(deps, scope, month);
      if (created) generated += 1;
      if (await deliverOnce({ db: app.db, delivery }, scope, report)) delivered += 1;
    } catch (error) {
      // One org's failure must not hold up the others; the next run retries it.
      failed += 1;
      app.log.error({ err: error, org: org.slug, month }, 'monthly report failed');
    }
  }
  return { month, generated, delivered, failed };
}

export function monthlyReportsTask(
  options: {
    clock?: () => number;
    delivery?: (app: FastifyInstance) => ReportDelivery | undefined;
  } = {},
): ScheduledTask {
  return {
    name: 'reports.monthly',
    everyMs: 5 * 60_000,
    everyMsFrom: (config) => config.reports.checkIntervalMs,
    async run(app) {
      const result = await runMonthlyReports(
        app,
        (options.clock ?? Date.now)(),
        options.delivery?.(app),
      );
      if (result.failed > 0) throw new Error(`${result.failed} monthly report(s) failed`);
      return result;
    },
  };
}
