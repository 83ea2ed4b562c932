// Time ranges as the API takes them: RFC 3339 or relative (`now-15m`). Relative ranges stay relative
// in the URL, so a shared link to "last 15 minutes" means the last 15 minutes when it is opened.

export interface TimeRange {
  from: string;
  to: string;
}

export interface Preset {
  label: string;
  short: string;
  from: string;
}

export const PRESETS: readonly Preset[] = [
  { label: 'Last 5 minutes', short: '5m', from: 'now-5m' },
  { label: 'Last 15 minutes', short: '15m', from: 'now-15m' },
  { label: 'Last 1 hour', short: '1h', from: 'now-1h' },
  { label: 'Last 4 hours', short: '4h', from: 'now-4h' },
  { label: 'Last 24 hours', short: '24h', from: 'now-24h' },
  { label: 'Last 7 days', short: '7d', from: 'now-7d' },
  { label: 'Last 30 days', short: '30d', from: 'now-30d' },
];

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds since the epoch for an absolute or `now[-N<unit>]` expression; NaN when invalid. */
export function resolveTime(expr: string, now = Date.now()): number {
  const relative = /^now(?:-(\d+)([smhdw]))?$/.exec(expr.trim());
  if (relative) {
    return relative[1] ? now - Number(relative[1]) * UNIT_MS[relative[2]!]! : now;
  }
  return Date.parse(expr);
}

export function isRelative(range: TimeRange): boolean {
  return range.to === 'now' && range.from.startsWith('now');
}

export function describeRange(range: TimeRange): string {
  const preset = PRESETS.find((p) => p.from === range.from && range.to === 'now');
  if (preset) return preset.label;
  if (isRelative(range)) return `Since ${range.from}`;
  const from = resolveTime(range.from);
  const to = resolveTime(range.to);
  return `${formatShort(from)} → ${formatShort(to, from)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `Mar 4 14:05:09`, or just the time when `sameDayAs` is the same day. */
export function formatShort(ms: number, sameDayAs?: number): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (sameDayAs !== undefined && new Date(sameDayAs).toDateString() === d.toDateString())
    return time;
  return `${d.toLocaleString(undefined, { month: 'short' })} ${d.getDate()} ${time}`;
}

/** Row timestamps keep their nanosecond digits from the API; local time, millisecond display. */
export function formatRowTime(ts: string): { date: string; time: string } {
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return { date: '', time: ts };
  const d = new Date(ms);
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`,
  };
}

/** For <input type="datetime-local">: local wall-clock time, seconds precision. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(value: string): string | null {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function relativeAge(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** A bucket label that suits the histogram's interval. */
export function formatTick(ms: number, intervalMs: number): string {
  const d = new Date(ms);
  if (intervalMs >= 86_400_000)
    return `${d.toLocaleString(undefined, { month: 'short' })} ${d.getDate()}`;
  if (intervalMs >= 60_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
