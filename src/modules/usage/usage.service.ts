// GET /v1/orgs/:org/usage: usage grouped by app, end user or day over whole UTC days, one keyset
// page at a time. The main query pages over usage_daily; stored and rejected figures are then
// fetched for that page's keys only, so a page costs the same with 100 or 100k end users.
import { BadRequestError } from '../../infra/errors.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { NS_PER_MS, resolveRange } from '../search/time-range.ts';
import { dayOf } from './usage-days.ts';
import type { DayRange, UsageAfter, UsageGroup, UsageRepository } from './usage.repository.ts';

export interface UsageInput {
  from?: string;
  to?: string;
  group_by: UsageGroup;
  limit: number;
  cursor?: string;
}

export interface UsageRowJson {
  app_id?: string;
  user_id?: string;
  day?: string;
  records: number;
  bytes: number;
  error_records: number;
  rejected: number | null;
  stored_bytes: number;
  queries: number;
  query_read_bytes: number;
  export_bytes: number;
  tail_minutes: number;
}

export interface UsagePage {
  from_day: string;
  to_day: string;
  rows: UsageRowJson[];
  next_cursor: string | null;
}

interface CursorJson {
  g: UsageGroup;
  f: string;
  t: string;
  r: number;
  k: string;
}

function encodeCursor(c: CursorJson): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string, group: UsageGroup): CursorJson {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as CursorJson;
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if (
      c.g === group &&
      day.test(c.f) &&
      day.test(c.t) &&
      Number.isSafeInteger(c.r) &&
      typeof c.k === 'string'
    )
      return c;
  } catch {
    // fall through to the 400
  }
  throw new BadRequestError('invalid_cursor', 'cursor is not one this usage query handed out');
}

/** [from, to) as whole UTC days: the day holding `from` to the day holding the last instant before `to`. */
export function usageDays(
  from: string | undefined,
  to: string | undefined,
  nowMs: number,
): DayRange {
  const monthStart = `${dayOf(nowMs).slice(0, 7)}-01T00:00:00Z`;
  const range = resolveRange(from ?? monthStart, to ?? 'now', BigInt(nowMs) * NS_PER_MS);
  return {
    fromDay: dayOf(Number(range.fromNs / NS_PER_MS)),
    toDay: dayOf(Number((range.toNs - 1n) / NS_PER_MS)),
  };
}

export async function getUsage(
  repo: UsageRepository,
  scope: OrgScope,
  input: UsageInput,
  nowMs: number = Date.now(),
): Promise<UsagePage> {
  const group = input.group_by;
  const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor, group);
  const range = cursor
    ? { fromDay: cursor.f, toDay: cursor.t }
    : usageDays(input.from, input.to, nowMs);
  const after: UsageAfter | undefined = cursor ? { records: cursor.r, key: cursor.k } : undefined;
  const got = await repo.grouped(scope, range, group, input.limit + 1, after);
  const more = got.length > input.limit;
  const page = more ? got.slice(0, input.limit) : got;
  const keys = page.map((r) => r.key);
  const [stored, rejected] = await Promise.all([
    keys.length > 0 ? repo.stored(scope, range, group, keys) : new Map<string, number>(),
    repo.rejected(scope, range, group),
  ]);
  const rows = page.map((r) => ({
    [group === 'app' ? 'app_id' : group]: r.key,
    records: r.records,
    bytes: r.bytes,
    error_records: r.error_records,
    rejected: rejected ? (rejected.get(r.key) ?? 0) : null,
    stored_bytes: stored.get(r.key) ?? 0,
    queries: r.queries,
    query_read_bytes: r.query_read_bytes,
    export_bytes: r.export_bytes,
    tail_minutes: Math.round((r.tail_seconds / 60) * 10) / 10,
  }));
  const last = page.at(-1);
  return {
    from_day: range.fromDay,
    to_day: range.toDay,
    rows,
    next_cursor:
      more && last
        ? encodeCursor({ g: group, f: range.fromDay, t: range.toDay, r: last.records, k: last.key })
        : null,
  };
}
