// Today's quota use per app, read from the usage counters (the same records the usage API and the
// monthly report count). The hard limit itself stays on ingest's Redis counter (rate-limiter.ts),
// which counts the same accepted records at the door, before they are stored: the two agree once
// the queue has drained, and the meter may trail the 429 by the ingest → stored lag.
import type { Db } from '../../infra/postgres.ts';
import { createAppsRepository, type OrgScope } from '../apps/apps.repository.ts';
import { dayOf } from './usage-days.ts';
import type { UsageRepository } from './usage.repository.ts';

export interface AppQuota {
  app_id: string;
  name: string;
  slug: string;
  daily_quota_records: number | null;
  records_today: number;
  percent: number | null;
  warn_percent: number;
}

export async function quotasToday(
  deps: { db: Db; usage: UsageRepository; warnPercent: number },
  scope: OrgScope,
  nowMs: number = Date.now(),
): Promise<{ day: string; apps: AppQuota[] }> {
  const day = dayOf(nowMs);
  const apps = await createAppsRepository(deps.db).list(scope);
  const used =
    apps.length === 0
      ? []
      : await deps.usage.grouped(scope, { fromDay: day, toDay: day }, 'app', apps.length + 1);
  const byApp = new Map(used.map((u) => [u.key, u.records]));
  return {
    day,
    apps: apps.map((a) => {
      const records = byApp.get(a.id) ?? 0;
      const quota = a.daily_quota_records;
      return {
        app_id: a.id,
        name: a.name,
        slug: a.slug,
        daily_quota_records: quota,
        records_today: records,
        percent: quota ? Math.round((records / quota) * 1000) / 10 : null,
        warn_percent: deps.warnPercent,
      };
    }),
  };
}
