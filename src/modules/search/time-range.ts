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

export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  nowNs: bigint = nowNanos(),
): TimeRange {
  const fromNs = parseInstant(from ?? DEFAULT_RANGE.from, nowNs, 'from');
  const toNs = parseInstant(to ?? DEFAULT_RANGE.to, nowNs, 'to');
  if (fromNs >= toNs) {
    throw new BadRequestError('invalid_time', '`from` must be before `to`', { from, to });
  }
  return { fromNs, toNs };
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
