// Delivery of a final monthly report through the notifications module: email to the org's owners
// and admins, the same message to its webhook channels. The message links to the report's pages
// and files; the webhook body carries the event id `report:<org>:<month>` for de-duplication.
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import type { NotificationMessage } from '../notifications/notification-message.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { noticeToAdmins } from '../usage/usage-notices.ts';
import type { ReportContent, ReportOrg } from './report-content.ts';
import { bytesText, countText, money, percentText } from './report-format.ts';
import type { ReportDelivery } from './reports.service.ts';
import type { StoredReport } from './reports.repository.ts';

export function reportMessage(
  publicUrl: string,
  org: ReportOrg,
  report: StoredReport & { content: ReportContent },
): NotificationMessage {
  const c = report.content;
  const api = `${publicUrl}/v1/orgs/${org.slug}/reports/${c.month}`;
  return {
    event_id: `report:${org.orgId}:${c.month}`,
    state: 'report',
    org_id: org.orgId,
    rule: { id: report.id, name: `Monthly report ${c.month}` },
    group: {},
    value: c.cost.total_minor,
    threshold: null,
    link: `${publicUrl}/reports?org=${encodeURIComponent(org.slug)}&month=${c.month}`,
    at: report.generated_at.toISOString(),
    title: `MyLog report for ${org.name}, ${c.month}`,
    text: [
      `Records: ${countText(c.totals.records)} (${bytesText(c.totals.bytes)})`,
      `Active end users: ${countText(c.active_end_users)}`,
      `Error rate: ${percentText(c.error_rate)}`,
      `Cost: ${money(c.cost.total_minor, c.minor_digits, c.currency)}`,
      `PDF: ${api}.pdf`,
      `CSV (per end user): ${api}.csv`,
    ].join('\n'),
  };
}

export function notificationsReportDelivery(deps: {
  config: Config;
  db: Db;
  notifier: Notifier;
}): ReportDelivery {
  return {
    async deliver(org, report) {
      await noticeToAdmins(deps, org, reportMessage(deps.config.publicUrl, org, report), {
        inApp: false,
      });
    },
  };
}
