// MyLog's own health, checked by the scheduler role and told to platform admins. Built in (no
// rows to delete), thresholds in config, and independent of ClickHouse: every check reads Redis,
// pings a dependency with a deadline, or reads instance heartbeats, and the state lives in Redis,
// so "ClickHouse is unreachable" (or Postgres) is detected and delivered while it is down.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import type { Db } from '../../infra/postgres.ts';
import type { NotificationMessage } from '../notifications/notification-message.ts';
import type { Notifier } from '../notifications/notifier.ts';

export const PLATFORM_CHECKS = [
  'ingest_lag',
  'dead_letters',
  'inserts_failing',
  'redis_memory',
  'clickhouse_unreachable',
  'postgres_unreachable',
  'instance_silent',
] as const;
export type PlatformCheck = (typeof PLATFORM_CHECKS)[number];

export interface CheckResult {
  check: PlatformCheck;
  firing: boolean;
  value: number | null;
  threshold: number | null;
  detail: string;
}

export interface PlatformDeps {
  config: Config;
  redis: Redis;
  db: Db;
  clickhouse: ClickHouseStore;
  ingestQueue: Queue;
  deliveryQueue: Queue;
  notifier: Notifier;
  clock(): number;
}

const stateKey = (config: Config) => `${config.redisKeyPrefix}:platform-alerts`;
export const heartbeatKey = (config: Config) => `${config.redisKeyPrefix}:instances`;
/** Heartbeats older than this are dropped: an instance gone for a day is not coming back. */
const FORGET_INSTANCE_MS = 24 * 3600_000;

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(ms: number, work: () => Promise<unknown>): Promise<string | null> {
  try {
    const answer = await within(ms, work());
    return answer === false ? 'ping answered false' : null;
  } catch (error) {
    return (error as Error).message;
  }
}

export async function runChecks(deps: PlatformDeps): Promise<CheckResult[]> {
  const { config, redis } = deps;
  const t = config.platformAlerts;
  const now = deps.clock();
  const [oldest, ingestCounts, deliveryFailed, memory, chError, pgError, beats] = await Promise.all(
    [
      deps.ingestQueue.getWaiting(0, 0),
      deps.ingestQueue.getJobCounts('failed', 'delayed'),
      deps.deliveryQueue.getFailedCount(),
      redis.info('memory'),
      probe(t.probeTimeoutMs, () => deps.clickhouse.ping()),
      probe(t.probeTimeoutMs, () => sql`SELECT 1`.execute(deps.db)),
      redis.zrangebyscore(heartbeatKey(config), now - FORGET_INSTANCE_MS, now - t.instanceSilentMs),
    ],
  );
  await redis.zremrangebyscore(heartbeatKey(config), 0, now - FORGET_INSTANCE_MS);
  const lagS = oldest[0] ? Math.max(0, (now - oldest[0].timestamp) / 1000) : 0;
  const used = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0);
  const max = Number(/maxmemory:(\d+)/.exec(memory)?.[1] ?? 0);
  const memoryPercent = max > 0 ? (used / max) * 100 : null;
  const dead = (ingestCounts.failed ?? 0) + deliveryFailed;
  const retrying = ingestCounts.delayed ?? 0;
  return [
    {
      check: 'ingest_lag',
      firing: lagS > t.ingestLagS,
      value: Math.round(lagS),
      threshold: t.ingestLagS,
      detail: `the oldest queued insert has waited ${Math.round(lagS)} s`,
    },
    {
      check: 'dead_letters',
      firing: dead > 0,
      value: dead,
      threshold: 0,
      detail: `${ingestCounts.failed ?? 0} insert job(s) and ${deliveryFailed} notification(s) dead-lettered (mylog dlq list)`,
    },
    {
      check: 'inserts_failing',
      firing: retrying > 0,
      value: retrying,
      threshold: 0,
      detail: `${retrying} insert job(s) waiting to retry after a failed insert`,
    },
    {
      check: 'redis_memory',
      firing: memoryPercent !== null && memoryPercent >= t.redisMemoryPercent,
      value: memoryPercent === null ? null : Math.round(memoryPercent),
      threshold: t.redisMemoryPercent,
      detail:
        memoryPercent === null
          ? 'Redis has no maxmemory set'
          : `Redis uses ${Math.round(memoryPercent)} % of maxmemory`,
    },
    {
      check: 'clickhouse_unreachable',
      firing: chError !== null,
      value: null,
      threshold: null,
      detail: chError === null ? 'ClickHouse answers' : `ClickHouse: ${chError}`,
    },
    {
      check: 'postgres_unreachable',
      firing: pgError !== null,
      value: null,
      threshold: null,
      detail: pgError === null ? 'Postgres answers' : `Postgres: ${pgError}`,
    },
    {
      check: 'instance_silent',
      firing: beats.length > 0,
      value: beats.length,
      threshold: 0,
      detail:
        beats.length === 0
          ? 'every instance reports'
          : `stopped reporting: ${beats.slice(0, 10).join(', ')}`,
    },
  ];
}

interface StoredState {
  firing: boolean;
  sinceMs: number;
}

/** Runs every check and notifies platform admins of each change (firing, resolved). */
export async function checkPlatform(deps: PlatformDeps): Promise<CheckResult[]> {
  const results = await runChecks(deps);
  const now = deps.clock();
  const stored = await deps.redis.hgetall(stateKey(deps.config));
  for (const result of results) {
    const before = stored[result.check]
      ? (JSON.parse(stored[result.check] as string) as StoredState)
      : { firing: false, sinceMs: now };
    if (before.firing === result.firing) continue;
    const state = result.firing ? 'firing' : 'resolved';
    const message: NotificationMessage = {
      event_id: `platform-${result.check}-${now}-${state}`,
      state,
      org_id: null,
      rule: { id: `platform.${result.check}`, name: `MyLog: ${result.check.replace(/_/g, ' ')}` },
      group: {},
      value: result.value,
      threshold: result.threshold,
      link: `${deps.config.publicUrl}/admin/orgs`,
      at: new Date(now).toISOString(),
      title: `[${state.toUpperCase()}] MyLog: ${result.check.replace(/_/g, ' ')}`,
      text: result.detail,
    };
    // Queue first, then remember: a crash in between notifies again rather than never.
    await deps.notifier.notifyPlatform(message);
    await deps.redis.hset(
      stateKey(deps.config),
      result.check,
      JSON.stringify({ firing: result.firing, sinceMs: now } satisfies StoredState),
    );
  }
  return results;
}

/** Every instance, whatever its roles, says it is alive; a graceful stop says goodbye. */
export function startHeartbeat(config: Config, redis: Redis, clock: () => number) {
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const beat = () => redis.zadd(heartbeatKey(config), clock(), id).catch(() => 0);
  void beat();
  const timer = setInterval(() => void beat(), config.platformAlerts.heartbeatIntervalMs);
  timer.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      await redis.zrem(heartbeatKey(config), id).catch(() => 0);
    },
  };
}
