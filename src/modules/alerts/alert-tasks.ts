// Periodic housekeeping of alerts and notifications, run by the scheduler role's task list
// (src/modules/scheduler/scheduled-tasks.ts).
import type { FastifyInstance } from 'fastify';
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { createAlertsRepository } from './alerts.repository.ts';

const DAY_MS = 86_400_000;

export const alertTasks: ScheduledTask[] = [
  {
    // Deliveries recorded by a transaction whose process died before queueing them.
    name: 'notifications.sweep-outbox',
    everyMs: 15_000,
    async run(app: FastifyInstance) {
      return { queued: await app.notifications.notifier.sweepOutbox() };
    },
  },
  {
    name: 'alerts.purge-history',
    everyMs: 3600_000,
    async run(app: FastifyInstance) {
      const cutoff = new Date(Date.now() - app.config.alerts.historyRetentionDays * DAY_MS);
      return { deleted: await createAlertsRepository(app.db).purgeEventsBefore(cutoff) };
    },
  },
];
