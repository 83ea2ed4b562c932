// The deletion runner on the scheduler role: every DELETIONS_POLL_INTERVAL_MS one instance starts
// queued requests and follows running ones (state in Postgres, so a restart loses nothing).
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { runDeletions } from './deletions.service.ts';

export function deletionsTask(clock: () => number = Date.now): ScheduledTask {
  return {
    name: 'deletions.run',
    everyMs: 5_000,
    everyMsFrom: (config) => config.deletions.pollIntervalMs,
    async run(app) {
      return {
        ...(await runDeletions(
          {
            db: app.db,
            clickhouse: app.clickhouse,
            config: app.config.deletions,
            cluster: app.config.clickhouseCluster,
          },
          clock(),
        )),
      };
    },
  };
}
