// Per-app limits in Redis, shared by every ingest instance: a token bucket for records/s and one
// for bytes/s, and a daily record quota, checked and charged in one Lua script (one round trip,
// no race between instances). Apps without limits never reach Redis here.
import type { Redis, Result } from 'ioredis';
import type { Config } from '../../config.ts';

// KEYS[1] bucket hash, KEYS[2] quota counter of the current UTC day.
// ARGV: records, bytes, records/s (0 = none), bytes/s (0 = none), burst ms, daily quota (0 = none),
//       quota key TTL s.
// A bucket holds at most rate × burst tokens. A request costing more than a full bucket is let
// through when the bucket is full and leaves it in debt, so big batches are slowed, not refused
// forever. Returns {0} accepted, {1, wait_ms} over the rate, {2} over the daily quota.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nrec, nbytes = tonumber(ARGV[1]), tonumber(ARGV[2])
local rrate, brate, burst = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local quota, qttl = tonumber(ARGV[6]), tonumber(ARGV[7])
local st = redis.call('HMGET', KEYS[1], 'r', 'b', 't')
local elapsed = math.max(0, now - (tonumber(st[3]) or now))
local wait = 0
local function refill(current, rate, cost)
  if rate <= 0 then return 0 end
  local cap = rate * burst / 1000
  local tokens = math.min(cap, (tonumber(current) or cap) + elapsed * rate / 1000)
  local need = math.min(cost, cap)
  if tokens < need then wait = math.max(wait, math.ceil((need - tokens) * 1000 / rate)) end
  return tokens
end
local r = refill(st[1], rrate, nrec)
local b = refill(st[2], brate, nbytes)
if wait > 0 then return {1, wait} end
if quota > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used + nrec > quota then return {2, 0} end
  redis.call('INCRBY', KEYS[2], nrec)
  redis.call('EXPIRE', KEYS[2], qttl)
end
if rrate > 0 or brate > 0 then
  redis.call('HSET', KEYS[1], 'r', r - nrec, 'b', b - nbytes, 't', now)
  redis.call('PEXPIRE', KEYS[1], math.max(60000, burst * 4))
end
return {0}
`;

export interface AppLimits {
  appId: string;
  rateLimitRecordsPerS: number | null;
  rateLimitBytesPerS: number | null;
  dailyQuotaRecords: number | null;
}

export type LimitDecision =
  { ok: true } | { ok: false; reason: 'rate_limited' | 'quota_exceeded'; retryAfterS: number };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mylogIngestLimit(
      bucketKey: string,
      quotaKey: string,
      ...args: (string | number)[]
    ): Result<[number, number?], Context>;
  }
}

export function hasLimits(limits: AppLimits): boolean {
  return (
    (limits.rateLimitRecordsPerS ?? 0) > 0 ||
    (limits.rateLimitBytesPerS ?? 0) > 0 ||
    (limits.dailyQuotaRecords ?? 0) > 0
  );
}

const defined = new WeakSet<Redis>();

export function createRateLimiter(redis: Redis, config: Config) {
  if (!defined.has(redis)) {
    redis.defineCommand('mylogIngestLimit', { numberOfKeys: 2, lua: SCRIPT });
    defined.add(redis);
  }
  const prefix = config.redisKeyPrefix;
  return {
    async check(
      limits: AppLimits,
      records: number,
      bytes: number,
      nowMs = Date.now(),
    ): Promise<LimitDecision> {
      if (!hasLimits(limits) || records === 0) return { ok: true };
      const day = new Date(nowMs).toISOString().slice(0, 10);
      const [outcome, waitMs] = await redis.mylogIngestLimit(
        `${prefix}:ingest-rate:${limits.appId}`,
        `${prefix}:ingest-quota:${limits.appId}:${day}`,
        records,
        bytes,
        limits.rateLimitRecordsPerS ?? 0,
        limits.rateLimitBytesPerS ?? 0,
        config.ingest.rateLimitBurstMs,
        limits.dailyQuotaRecords ?? 0,
        2 * 86_400,
      );
      if (outcome === 0) return { ok: true };
      if (outcome === 1)
        return {
          ok: false,
          reason: 'rate_limited',
          retryAfterS: Math.ceil((waitMs ?? 1000) / 1000),
        };
      return { ok: false, reason: 'quota_exceeded', retryAfterS: secondsToNextUtcDay(nowMs) };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function secondsToNextUtcDay(nowMs: number): number {
  const next = new Date(nowMs);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - nowMs) / 1000));
}
