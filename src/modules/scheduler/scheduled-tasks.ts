// The periodic work MyLog does, in one list. Alerts, monthly reports and retention checks add
// their tasks here; the scheduler runs each one once per period across all instances.
import type { FastifyInstance } from 'fastify';
import { createSessionsRepository } from '../auth/sessions.repository.ts';

export interface ScheduledTask {
  /** Stable id: BullMQ keys the schedule by it, so renaming a task starts a new schedule. */
  name: string;
  everyMs: number;
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
];
