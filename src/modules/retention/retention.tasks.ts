// The retention cleanup on the scheduler role, once per RETENTION_CLEANUP_INTERVAL_MS across all
// instances. The clock is injectable so tests can run it days ahead.
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { runRetentionCleanup } from './retention-cleanup.service.ts';

export function retentionCleanupTask(clock: () => number = Date.now): ScheduledTask {
  return {
    name: 'retention.cleanup',
    everyMs: 3600_000,
    everyMsFrom: (config) => config.retention.cleanupIntervalMs,
    async run(app) {
      return {
        ...(await runRetentionCleanup(
          { db: app.db, clickhouse: app.clickhouse, cluster: app.config.clickhouseCluster },
          clock(),
        )),
      };
    },
  };
}
