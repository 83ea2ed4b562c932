// The usage module's periodic work (run by the scheduler, once per period across instances):
// the stored-bytes snapshot, MyLog's own ingest health sample, and quota soft-limit warnings.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { quotasToday } from './quotas.service.ts';
import { dayOf } from './usage-days.ts';
import { noticeToAdmins } from './usage-notices.ts';
import { createUsageRepository } from './usage.repository.ts';

type Clock = () => number;

export function storageSnapshotTask(clock: Clock = Date.now): ScheduledTask {
  return {
    name: 'usage.storage-snapshot',
    everyMs: 3600_000,
    everyMsFrom: (config) => config.usage.storageSnapshotIntervalMs,
    async run(app) {
      const now = clock();
      await createUsageRepository(app.clickhouse, app.config.clickhouseCluster).snapshotStorage(
        dayOf(now),
        Math.floor(now / 1000),
      );
      return { day: dayOf(now) };
    },
  };
}

/** Ingest is available when what it needs answers: Postgres (keys), Redis (queue), ClickHouse. */
export async function sampleIngestHealth(app: FastifyInstance, nowMs: number): Promise<boolean> {
  const timeoutMs = app.config.readyzTimeoutMs;
  const probe = async (name: string, check: () => Promise<unknown>) => {
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), timeoutMs).unref(),
        ),
      ]);
      return null;
    } catch {
      return name;
    }
  };
  const failed = (
    await Promise.all([
      probe('postgres', () => sql`SELECT 1`.execute(app.db)),
      probe('redis', () => app.redis.ping()),
      probe('clickhouse', async () => {
        if (!(await app.clickhouse.ping())) throw new Error('ping failed');
      }),
    ])
  ).filter((f): f is string => f !== null);
  const ok = failed.length === 0;
  try {
    await createUsageRepository(app.clickhouse).addHealthSample(
      Math.floor(nowMs / 1000),
      'ingest',
      ok,
      failed.join(','),
    );
  } catch (error) {
    // ClickHouse down: the sample is lost with it; the gap shows as fewer samples that month.
    app.log.warn({ err: error }, 'health sample not recorded');
  }
  return ok;
}

export function healthSampleTask(clock: Clock = Date.now): ScheduledTask {
  return {
    name: 'usage.health-sample',
    everyMs: 60_000,
    everyMsFrom: (config) => config.usage.healthSampleIntervalMs,
    async run(app) {
      return { ok: await sampleIngestHealth(app, clock()) };
    },
  };
}

/**
 * Warns an org's admins once per app and day when the app has used USAGE_QUOTA_WARN_PERCENT of
 * its daily record quota, before ingest starts answering 429. The Postgres row is the "once".
 */
export async function checkQuotas(app: FastifyInstance, nowMs: number): Promise<number> {
  const warnPercent = app.config.usage.quotaWarnPercent;
  const usage = createUsageRepository(app.clickhouse);
  const orgs = await app.db
    .selectFrom('apps')
    .innerJoin('orgs', 'orgs.id', 'apps.org_id')
    .select(['orgs.id', 'orgs.slug', 'orgs.name'])
    .distinct()
    .where('apps.daily_quota_records', 'is not', null)
    .where('apps.deleted_at', 'is', null)
    .where('orgs.disabled_at', 'is', null)
    .execute();
  let warned = 0;
  for (const org of orgs) {
    const scope = { orgId: org.id };
    const { day, apps } = await quotasToday({ db: app.db, usage, warnPercent }, scope, nowMs);
    for (const a of apps) {
      if (a.percent === null || a.percent < warnPercent || a.daily_quota_records === null) continue;
      const inserted = await app.db
        .insertInto('usage_quota_warnings')
        .values({
          app_id: a.app_id,
          org_id: org.id,
          day,
          records: a.records_today,
          quota: a.daily_quota_records,
        })
        .onConflict((oc) => oc.columns(['app_id', 'day']).doNothing())
        .returning('app_id')
        .executeTakeFirst();
      if (!inserted) continue;
      warned += 1;
      await noticeToAdmins(
        { db: app.db, notifier: app.notifications.notifier },
        scope,
        {
          event_id: `quota-warning:${a.app_id}:${day}`,
          state: 'quota_warning',
          org_id: org.id,
          rule: { id: a.app_id, name: `Daily quota of ${a.name}` },
          group: { app: a.slug },
          value: a.records_today,
          threshold: a.daily_quota_records,
          link: `${app.config.publicUrl}/usage?org=${encodeURIComponent(org.slug)}`,
          at: new Date(nowMs).toISOString(),
          title: `${a.name} has used ${Math.floor(a.percent)} % of today's record quota`,
          text:
            `${a.records_today} of ${a.daily_quota_records} records today (${day}, UTC). ` +
            'At 100 % ingest answers 429 until midnight UTC; raise the quota in the app settings.',
        },
        { inApp: true },
      );
    }
  }
  return warned;
}

export function quotaWarningsTask(clock: Clock = Date.now): ScheduledTask {
  return {
    name: 'usage.quota-warnings',
    everyMs: 60_000,
    everyMsFrom: (config) => config.usage.quotaCheckIntervalMs,
    async run(app) {
      return { warned: await checkQuotas(app, clock()) };
    },
  };
}
