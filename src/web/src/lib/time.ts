// Time ranges as the API takes them: RFC 3339 or relative (`now-15m`). Relative ranges stay relative
// in the URL, so a shared link to "last 15 minutes" means the last 15 minutes when it is opened.
import { currentDisplay, t } from '../i18n/display.ts';
import type { MessageKey } from '../i18n/catalogues.ts';
import { accent } from '../i18n/pseudo.ts';

export interface TimeRange {
  from: string;
  to: string;
}

export interface Preset {
  labelKey: MessageKey;
  short: string;
  from: string;
}

export const PRESETS: readonly Preset[] = [
  { labelKey: 'time.preset.5m', short: '5m', from: 'now-5m' },
  { labelKey: 'time.preset.15m', short: '15m', from: 'now-15m' },
  { labelKey: 'time.preset.1h', short: '1h', from: 'now-1h' },
  { labelKey: 'time.preset.4h', short: '4h', from: 'now-4h' },
  { labelKey: 'time.preset.24h', short: '24h', from: 'now-24h' },
  { labelKey: 'time.preset.7d', short: '7d', from: 'now-7d' },
  { labelKey: 'time.preset.30d', short: '30d', from: 'now-30d' },
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
  if (preset) return t(preset.labelKey);
  if (isRelative(range)) return t('time.since', { from: range.from });
  const from = resolveTime(range.from);
  const to = resolveTime(range.to);
  return `${formatShort(from)} → ${formatShort(to, from)}`;
}

// Formatters are built per (locale, zone, options); the cache keeps list renders cheap.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(options: Intl.DateTimeFormatOptions, zone?: string): Intl.DateTimeFormat {
  const { locale, timeZone } = currentDisplay();
  const tz = zone ?? timeZone;
  const key = `${locale}|${tz}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'en-XA' ? 'en' : locale, {
      ...options,
      timeZone: tz,
    });
    formatters.set(key, format);
  }
  return format;
}

/** Intl's month and day names, accented in the pseudo-locale like the catalogue's own words. */
function shown(text: string): string {
  return currentDisplay().locale === 'en-XA' ? accent(text) : text;
}

const TIME: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

/** The zone times are shown in, as the label next to ranges and timestamps say it. */
export function timeZoneLabel(): string {
  return currentDisplay().timeZone;
}

/** `4 Mar 14:05:09` in the locale's order, or just the time when `sameDayAs` is the same day. */
export function formatShort(ms: number, sameDayAs?: number): string {
  const time = dateFormat(TIME).format(ms);
  const day = dateFormat({ year: 'numeric', month: 'short', day: 'numeric' });
  if (sameDayAs !== undefined && day.format(sameDayAs) === day.format(ms)) return time;
  return shown(dateFormat({ month: 'short', day: 'numeric', ...TIME }).format(ms));
}

/** Row timestamps keep their nanosecond digits from the API; millisecond display in the zone. */
export function formatRowTime(ts: string): { date: string; time: string } {
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return { date: '', time: ts };
  return {
    date: dateFormat({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms),
    time: dateFormat({ ...TIME, fractionalSecondDigits: 3 }).format(ms),
  };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, zone: string): WallClock {
  const parts = dateFormat(
    { year: 'numeric', month: 'numeric', day: 'numeric', ...TIME },
    zone,
  ).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at `ms` (DST included). */
export function zoneOffsetMs(ms: number, zone = currentDisplay().timeZone): number {
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (ms % 1000));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** For <input type="datetime-local">: wall-clock time in the display zone, seconds precision. */
export function toLocalInput(ms: number): string {
  const w = wallClock(ms, currentDisplay().timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** The instant a wall-clock time in the display zone names (the later one in a DST overlap). */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  let ms = asUtc - zoneOffsetMs(asUtc);
  ms = asUtc - zoneOffsetMs(ms);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function relativeAge(iso: string | null, now = Date.now()): string {
  if (!iso) return t('time.never');
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 45) return t('time.justNow');
  const { locale } = currentDisplay();
  const format = new Intl.RelativeTimeFormat(locale === 'en-XA' ? 'en' : locale, {
    numeric: 'auto',
    style: 'short',
  });
  if (seconds < 3600) return shown(format.format(-Math.round(seconds / 60), 'minute'));
  if (seconds < 86_400) return shown(format.format(-Math.round(seconds / 3600), 'hour'));
  return shown(format.format(-Math.round(seconds / 86_400), 'day'));
}

/** A tick label that suits the histogram's interval, in the display zone. */
export function formatTick(ms: number, intervalMs: number): string {
  if (intervalMs >= 86_400_000)
    return shown(dateFormat({ month: 'short', day: 'numeric' }).format(ms));
  if (intervalMs >= 60_000)
    return dateFormat({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  return dateFormat(TIME).format(ms);
}

const TICK_STEPS_MS = [
  1_000, 5_000, 10_000, 15_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
];

/**
 * Tick instants on round wall-clock times in the display zone (:00, :15, midnight…) between
 * `from` and `to`, at most about `maxTicks` of them, with the step they use.
 */
export function roundTicks(
  from: number,
  to: number,
  maxTicks: number,
): { ticks: number[]; stepMs: number } {
  const span = Math.max(1, to - from);
  const stepMs = TICK_STEPS_MS.find((s) => span / s <= maxTicks) ?? TICK_STEPS_MS.at(-1)!;
  const ticks: number[] = [];
  // Round in the zone's wall-clock time: shift by the offset, floor, shift back.
  const offset = zoneOffsetMs(from);
  let wall = Math.ceil((from + offset) / stepMs) * stepMs;
  for (let i = 0; i < maxTicks * 2 && wall - offset <= to; i += 1, wall += stepMs) {
    const ms = wall - zoneOffsetMs(wall - offset);
    if (ms >= from && ms <= to) ticks.push(ms);
  }
  return { ticks, stepMs };
}
