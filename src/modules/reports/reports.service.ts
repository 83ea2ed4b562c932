// Generating, storing and delivering monthly reports. One report per org and month: a finished
// month's report is made once and never changes (a rerun answers with it: idempotent); the current
// month can be made as month-to-date (partial) and is replaced until the final one lands. Delivery
// happens once per final report, by whoever claims it in Postgres (exactly once across instances).
import { BadRequestError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { monthOf, monthSpan, MONTH_PATTERN } from '../usage/usage-days.ts';
import type { UsageRepository } from '../usage/usage.repository.ts';
import { buildReport, type ReportContent, type ReportOrg } from './report-content.ts';
import { endUsersCsv } from './report-csv.ts';
import { reportPdf } from './report-pdf.ts';
import { createReportsRepository, type StoredReport } from './reports.repository.ts';

export interface ReportsDeps {
  db: Db;
  usage: UsageRepository;
  topEndUsers: number;
  maxMonthsBack: number;
  nowMs(): number;
}

/** Sends a final report to the org's owners and admins (email) and its webhook channels. */
export interface ReportDelivery {
  deliver(org: ReportOrg, report: StoredReport & { content: ReportContent }): Promise<void>;
}

export function checkMonth(month: string, nowMs: number, maxMonthsBack: number): void {
  if (!MONTH_PATTERN.test(month)) {
    throw new BadRequestError('invalid_month', 'month must be YYYY-MM', { month });
  }
  const current = monthOf(nowMs);
  if (month > current) {
    throw new BadRequestError('invalid_month', 'a report cannot cover a month that has not begun', {
      month,
    });
  }
  const oldest = new Date(monthSpan(current).startMs);
  oldest.setUTCMonth(oldest.getUTCMonth() - maxMonthsBack);
  if (month < monthOf(oldest.getTime())) {
    throw new BadRequestError(
      'invalid_month',
      `reports go back at most ${maxMonthsBack} months (REPORTS_MAX_MONTHS_BACK)`,
      { month },
    );
  }
}

/**
 * The org's report for `month`: the stored one when it is final, otherwise built now and stored.
 * `created` says whether this call stored it.
 */
export async function generateReport(
  deps: ReportsDeps,
  org: ReportOrg,
  month: string,
): Promise<{ report: StoredReport & { content: ReportContent }; created: boolean }> {
  const nowMs = deps.nowMs();
  checkMonth(month, nowMs, deps.maxMonthsBack);
  const repo = createReportsRepository(deps.db);
  const existing = await repo.find(org, month);
  if (existing && !existing.partial) {
    return { report: existing as StoredReport & { content: ReportContent }, created: false };
  }
  const { content, endUsers } = await buildReport(deps, org, month, nowMs);
  const pdf = await reportPdf(content);
  const saved = await repo.save(org, {
    month,
    partial: content.partial,
    content,
    csv: endUsersCsv(endUsers, content.currency, content.minor_digits),
    pdf,
    generatedAt: new Date(nowMs),
  });
  if (!saved) {
    // Another instance stored the final report between our read and our write: that one stands.
    const winner = (await repo.find(org, month)) as StoredReport;
    return { report: winner as StoredReport & { content: ReportContent }, created: false };
  }
  return { report: saved as StoredReport & { content: ReportContent }, created: true };
}

/** Delivers a final report unless someone already claimed it; true when this call delivered. */
export async function deliverOnce(
  deps: { db: Db; delivery: ReportDelivery | undefined },
  org: ReportOrg,
  report: StoredReport & { content: ReportContent },
): Promise<boolean> {
  if (report.partial || !deps.delivery) return false;
  const repo = createReportsRepository(deps.db);
  if (!(await repo.claimDelivery(report.id))) return false;
  try {
    await deps.delivery.deliver(org, report);
    await repo.markDelivered(report.id, null);
  } catch (error) {
    await repo.markDelivered(report.id, error instanceof Error ? error.message : String(error));
    throw error;
  }
  return true;
}
