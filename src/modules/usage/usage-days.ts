// Usage is counted per UTC day; ranges and months are whole days. Pure, so reports and tests can
// derive every boundary from an injected clock.

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of an instant. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 'YYYY-MM' of an instant. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface MonthSpan {
  month: string;
  /** First day, inclusive. */
  firstDay: string;
  /** Last day, inclusive. */
  lastDay: string;
  startMs: number;
  /** Start of the next month. */
  endMs: number;
  days: number;
}

export function monthSpan(month: string): MonthSpan {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new RangeError(`not a month: ${month}`);
  const startMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
  const endMs = Date.UTC(Number(match[1]), Number(match[2]), 1);
  return {
    month,
    firstDay: dayOf(startMs),
    lastDay: dayOf(endMs - DAY_MS),
    startMs,
    endMs,
    days: Math.round((endMs - startMs) / DAY_MS),
  };
}

export function previousMonth(month: string): string {
  return monthOf(monthSpan(month).startMs - DAY_MS);
}

export function addDays(day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** Days from `first` to `last`, both included. */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}
