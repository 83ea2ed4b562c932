/**
 * Timestamps as (whole seconds, nanoseconds) pairs, parsed and formatted with string and integer
 * arithmetic only: a JS Date or a float would lose the nanoseconds that DateTime64(9) keeps.
 */

export interface Instant {
  /** Whole seconds since the Unix epoch (floor, so negative before 1970). */
  readonly sec: number;
  /** 0 … 999 999 999. */
  readonly nanos: number;
}

const DECIMAL = /^(-?)0*(\d+?)(?:\.(\d+))?$/;
const UNIX_NANOS = /^0*(\d{1,20})$/;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function nanosFromDigits(digits: string): number {
  return digits.length === 9 ? Number(digits) : Number((digits + '000000000').slice(0, 9));
}

/** The value of the ASCII digits text[from, from + count), or -1 if any is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** 10^(9 - n): scales n fraction digits to nanoseconds. */
const NANO_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/**
 * RFC 3339 with any offset and 1–9 fraction digits (more are truncated, not rounded, so a value
 * never moves into the next second). A missing offset is read as UTC, because shippers that drop
 * it almost always mean UTC. A leap second (:60) becomes the last nanosecond of :59.
 * Read character by character: this runs for nearly every ingested record, and a regex match
 * allocated a dozen strings per call.
 */
export function parseRfc3339(text: string): Instant | undefined {
  // YYYY-MM-DDTHH:MM:SS is 19 characters; the separators are fixed.
  if (text.length < 19) return undefined;
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 116 && sep !== 32) ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  let second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let at = 19;
  let nanos = 0;
  const dot = text.charCodeAt(at);
  if (dot === 46 || dot === 44) {
    const from = ++at;
    while (at < text.length) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      at++;
    }
    const count = at - from;
    if (count === 0) return undefined;
    const kept = Math.min(count, 9);
    nanos = digitsAt(text, from, kept) * (NANO_SCALE[kept] as number);
  }
  let offsetSec = 0;
  if (at < text.length) {
    const z = text.charCodeAt(at);
    if (z === 90 || z === 122) {
      if (at + 1 !== text.length) return undefined;
    } else if (z === 43 || z === 45) {
      // ±HH:MM or ±HHMM, nothing after.
      const colon = text.charCodeAt(at + 3) === 58 ? 1 : 0;
      if (at + 5 + colon !== text.length) return undefined;
      const oh = digitsAt(text, at + 1, 2);
      const om = digitsAt(text, at + 3 + colon, 2);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return undefined;
      offsetSec = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return undefined;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  if (second === 60) {
    second = 59;
    nanos = 999_999_999;
  }
  const sec =
    daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSec;
  return { sec, nanos };
}

/** The time a string field names: RFC 3339, else an epoch number in any unit (surrounding spaces allowed). */
export function parseTimestampText(text: string): Instant | undefined {
  return parseRfc3339(text) ?? parseEpochDecimal(text.trim());
}

/**
 * Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude of the integer
 * part: < 1e11 seconds (until year 5138), < 1e14 ms, < 1e17 µs, otherwise ns (< 1e20).
 * Done on the decimal digits so that a 19-digit nanosecond string keeps every digit.
 */
export function parseEpochDecimal(text: string): Instant | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const negative = m[1] === '-';
  const intDigits = m[2] ?? '0';
  const frac = m[3] ?? '';
  const n = intDigits.length;
  let subSecondDigits: number;
  if (n <= 11) subSecondDigits = 0;
  else if (n <= 14) subSecondDigits = 3;
  else if (n <= 17) subSecondDigits = 6;
  else if (n <= 20) subSecondDigits = 9;
  else return undefined;
  const sec = Number(intDigits.slice(0, n - subSecondDigits));
  const nanos = nanosFromDigits(intDigits.slice(n - subSecondDigits) + frac);
  if (!negative) return { sec, nanos };
  return nanos === 0 ? { sec: -sec, nanos: 0 } : { sec: -sec - 1, nanos: 1_000_000_000 - nanos };
}

/** A JSON number read as an epoch; its shortest decimal form is the text the sender wrote. */
export function parseEpochNumber(value: number): Instant | undefined {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return undefined;
  const text = String(value);
  return parseEpochDecimal(text.includes('e') ? value.toFixed(9) : text);
}

/** OTLP's unsigned 64-bit nanoseconds as a decimal string; '0' means unset and gives undefined. */
export function parseUnixNanos(text: string): Instant | undefined {
  const m = UNIX_NANOS.exec(text);
  if (m === null) return undefined;
  const digits = m[1] ?? '0';
  if (digits === '0') return undefined;
  const n = digits.length;
  if (n <= 9) return { sec: 0, nanos: Number(digits) };
  return { sec: Number(digits.slice(0, n - 9)), nanos: Number(digits.slice(n - 9)) };
}

/** `now` in epoch milliseconds (fractions allowed) as an instant. */
export function instantFromEpochMs(ms: number): Instant {
  const sec = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6));
  return { sec, nanos };
}

export function instantToEpochMs(t: Instant): number {
  return t.sec * 1000 + Math.floor(t.nanos / 1e6);
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

// Rows of one batch mostly share their second, so the date-time part is reused.
let cachedSec = Number.NaN;
let cachedPrefix = '';
/** cachedPrefix's characters (ASCII): copying them from a string costs a charCodeAt each. */
const cachedPrefixBytes = Buffer.alloc(32);
let cachedPrefixLength = 0;

function formatSecondPrefix(sec: number): string {
  const days = Math.floor(sec / 86_400);
  const secOfDay = sec - days * 86_400;
  // H. Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)} ${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`;
}

/** Makes cachedPrefix (and its bytes) the date-time part of second `sec`. */
function cacheSecond(sec: number): void {
  if (sec === cachedSec) return;
  cachedPrefix = formatSecondPrefix(sec);
  cachedPrefixLength = cachedPrefixBytes.write(cachedPrefix, 'latin1');
  cachedSec = sec;
}

/** ClickHouse DateTime64(9) text in UTC: 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn'. */
export function formatDateTime64(t: Instant): string {
  cacheSecond(t.sec);
  return cachedPrefix + '.' + String(t.nanos).padStart(9, '0');
}

/**
 * formatDateTime64's text written into `target` at `at` (its characters are ASCII); returns the
 * offset after it. No string is built for the digits.
 */
export function writeDateTime64(t: Instant, target: Buffer, at: number): number {
  cacheSecond(t.sec);
  const prefix = cachedPrefixBytes;
  for (let i = 0; i < cachedPrefixLength; i++) target[at++] = prefix[i] as number;
  target[at++] = 0x2e;
  // An integer below 1e9: 32-bit integer arithmetic.
  let nanos = t.nanos | 0;
  for (let i = at + 8; i >= at; i--) {
    const tenth = (nanos / 10) | 0;
    target[i] = 0x30 + nanos - tenth * 10;
    nanos = tenth;
  }
  return at + 9;
}
