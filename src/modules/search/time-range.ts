// Time bounds of a search. Instants are bigint nanoseconds since the epoch, so a cursor or a row's
// DateTime64(9) timestamp survives the round trip without losing its last digits.
import { BadRequestError } from '../../infra/errors.ts';
import { formatDateTime64, parseRfc3339 } from '../ingest/decode/timestamps.ts';

export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

/** A half-open range [from, to) in nanoseconds. */
export interface TimeRange {
  fromNs: bigint;
  toNs: bigint;
}

const UNIT_NS: Record<string, bigint> = {
  s: NS_PER_S,
  m: 60n * NS_PER_S,
  h: 3600n * NS_PER_S,
  d: 86_400n * NS_PER_S,
  w: 604_800n * NS_PER_S,
};
const RELATIVE = /^now(?:([+-])(\d{1,9})([smhdw]))?$/;
export const DEFAULT_RANGE = { from: 'now-15m', to: 'now' } as const;

/** `now`, `now-15m`, `now+1h` (s m h d w), or RFC 3339 with any offset and up to 9 fraction digits. */
export function parseInstant(text: string, nowNs: bigint, param: string): bigint {
  const relative = RELATIVE.exec(text.trim());
  if (relative) {
    const [, sign, amount, unit] = relative;
    if (sign === undefined || amount === undefined || unit === undefined) return nowNs;
    const delta = BigInt(amount) * (UNIT_NS[unit] as bigint);
    return sign === '-' ? nowNs - delta : nowNs + delta;
  }
  const instant = parseRfc3339(text.trim());
  if (!instant) {
    throw new BadRequestError(
      'invalid_time',
      `${param} must be RFC 3339 (2026-01-02T03:04:05.123456789Z) or relative (now, now-15m, now-7d)`,
      { param, value: text },
    );
  }
  return BigInt(instant.sec) * NS_PER_S + BigInt(instant.nanos);
}

/**
 * Every instant a search may name. `ts` is DateTime64(9) (1900 to 2262), but the rollup's minutes
 * are DateTime (UInt32 seconds: 1970 to 2106) and histogram edges widen by up to a bucket, so the
 * range stops well inside both.
 */
export const MIN_INSTANT_NS = 0n;
export const MAX_INSTANT_NS = 4_102_444_800n * NS_PER_S; // 2100-01-01T00:00:00Z
const ALLOWED = { from: '1970-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

export interface RangeOptions {
  nowNs?: bigint;
  /** Longest allowed range (config.search.maxRangeMs); unbounded when absent. */
  maxRangeMs?: number;
}

export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  nowOrOptions: bigint | RangeOptions = {},
): TimeRange {
  const options = typeof nowOrOptions === 'bigint' ? { nowNs: nowOrOptions } : nowOrOptions;
  const nowNs = options.nowNs ?? nowNanos();
  const fromNs = parseInstant(from ?? DEFAULT_RANGE.from, nowNs, 'from');
  const toNs = parseInstant(to ?? DEFAULT_RANGE.to, nowNs, 'to');
  if (fromNs >= toNs) {
    throw new BadRequestError('invalid_time', '`from` must be before `to`', { from, to });
  }
  return checkRange({ fromNs, toNs }, options.maxRangeMs);
}

/** Refuses a range outside the instants ClickHouse holds or longer than `maxRangeMs`. */
export function checkRange(range: TimeRange, maxRangeMs?: number): TimeRange {
  for (const [param, ns] of [
    ['from', range.fromNs],
    ['to', range.toNs],
  ] as const) {
    if (ns < MIN_INSTANT_NS || ns > MAX_INSTANT_NS) {
      throw new BadRequestError(
        'invalid_time',
        `${param} must lie from ${ALLOWED.from} to ${ALLOWED.to}`,
        { param, allowed: ALLOWED },
      );
    }
  }
  if (range.fromNs >= range.toNs) {
    throw new BadRequestError('invalid_time', '`from` must be before `to`');
  }
  if (maxRangeMs !== undefined && range.toNs - range.fromNs > BigInt(maxRangeMs) * NS_PER_MS) {
    const days = maxRangeMs / 86_400_000;
    throw new BadRequestError(
      'range_too_long',
      `a search may cover at most ${days} days (SEARCH_MAX_RANGE_DAYS): narrow from/to`,
      { max_range_days: days },
    );
  }
  return range;
}

export function nowNanos(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

/** ClickHouse DateTime64(9) text, UTC: 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn'. */
export function toClickHouseTime(ns: bigint): string {
  const sec = ns >= 0n ? ns / NS_PER_S : -((-ns + NS_PER_S - 1n) / NS_PER_S);
  return formatDateTime64({ sec: Number(sec), nanos: Number(ns - sec * NS_PER_S) });
}

/** RFC 3339 with nanoseconds: what the API shows for a row's `ts`. */
export function toRfc3339(ns: bigint): string {
  return `${toClickHouseTime(ns).replace(' ', 'T')}Z`;
}

/** Reads back the `ts` of an API row ('…T…Z', always 9 fraction digits, UTC). */
export function rowTsToNanos(ts: string): bigint {
  const instant = parseRfc3339(ts);
  if (!instant) throw new Error(`not an RFC 3339 row timestamp: ${ts}`);
  return BigInt(instant.sec) * NS_PER_S + BigInt(instant.nanos);
}
