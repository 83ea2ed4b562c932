// The periodic work MyLog does, in one list. Alerts, monthly reports and retention checks add
// their tasks here; the scheduler runs each one once per period across all instances.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { alertTasks } from '../alerts/alert-tasks.ts';
import { auditExportTask } from '../audit/audit-export.task.ts';
import { createSessionsRepository } from '../auth/sessions.repository.ts';
import { deletionsTask } from '../deletions/deletions.tasks.ts';
import { usageAndReportTasks } from '../reports/reports.tasks.ts';
import { retentionCleanupTask } from '../retention/retention.tasks.ts';

export interface ScheduledTask {
  /** Stable id: BullMQ keys the schedule by it, so renaming a task starts a new schedule. */
  name: string;
  everyMs: number;
  /** The period from the configuration instead (everyMs is then the default it replaces). */
  everyMsFrom?(config: Config): number;
  run(app: FastifyInstance): Promise<Record<string, unknown> | void>;
}

export const scheduledTasks: ScheduledTask[] = [
  {
    name: 'sessions.delete-expired',
    everyMs: 15 * 60_000,
    async run(app) {
      const deleted = await createSessionsRepository(app.db).deleteExpired(
        app.config.auth.sessionIdleTimeoutMs,
      );
      return { deleted };
    },
  },
  ...usageAndReportTasks,
  ...alertTasks,
  auditExportTask(),
  retentionCleanupTask(),
  deletionsTask(),
];
