// Every periodic task of usage metering and reports, for the scheduler's list.
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { healthSampleTask, quotaWarningsTask, storageSnapshotTask } from '../usage/usage.tasks.ts';
import { monthlyReportsTask } from './monthly-reports.task.ts';
import { notificationsReportDelivery } from './report-delivery.ts';

export const usageAndReportTasks: ScheduledTask[] = [
  storageSnapshotTask(),
  healthSampleTask(),
  quotaWarningsTask(),
  monthlyReportsTask({
    delivery: (app) =>
      notificationsReportDelivery({
        config: app.config,
        db: app.db,
        notifier: app.notifications.notifier,
      }),
  }),
];
