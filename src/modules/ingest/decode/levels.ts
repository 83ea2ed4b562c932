/**
 * Level normalisation to MyLog's six levels plus an OpenTelemetry severity number (1–24).
 * severity_number 0 (OTel "unspecified") marks a level that was missing or not understood, so
 * that a defaulted `info` can be told apart from one the sender wrote.
 */

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface NormalisedLevel {
  readonly level: Level;
  readonly severityNumber: number;
}

export const UNSPECIFIED_LEVEL: NormalisedLevel = Object.freeze({
  level: 'info',
  severityNumber: 0,
});

const OTEL_RANGES: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function lv(level: Level, severityNumber: number): NormalisedLevel {
  return Object.freeze({ level, severityNumber });
}

// Pre-built so that the hot path allocates nothing per record.
const BY_OTEL_NUMBER: readonly NormalisedLevel[] = Array.from({ length: 25 }, (_, n) =>
  n === 0 ? UNSPECIFIED_LEVEL : lv(OTEL_RANGES[Math.floor((n - 1) / 4)] ?? 'fatal', n),
);

function otel(n: number): NormalisedLevel {
  return BY_OTEL_NUMBER[n] ?? UNSPECIFIED_LEVEL;
}

// RFC 5424 syslog severities 0 (emergency) … 7 (debug).
const BY_SYSLOG: readonly NormalisedLevel[] = [
  otel(24),
  otel(23),
  otel(22),
  otel(17),
  otel(13),
  otel(10),
  otel(9),
  otel(5),
];

// pino/bunyan numeric levels, the default output of Node's most common loggers.
const BY_PINO: ReadonlyMap<number, NormalisedLevel> = new Map([
  [10, otel(1)],
  [20, otel(5)],
  [30, otel(9)],
  [40, otel(13)],
  [50, otel(17)],
  [60, otel(21)],
]);

const BY_NAME: ReadonlyMap<string, NormalisedLevel> = new Map([
  ['trace', otel(1)],
  ['finest', otel(1)],
  ['finer', otel(2)],
  ['verbose', otel(5)],
  ['debug', otel(5)],
  ['fine', otel(5)],
  ['config', otel(6)],
  ['info', otel(9)],
  ['information', otel(9)],
  ['informational', otel(9)],
  ['notice', otel(10)],
  ['warn', otel(13)],
  ['warning', otel(13)],
  ['err', otel(17)],
  ['error', otel(17)],
  ['severe', otel(17)],
  ['fatal', otel(21)],
  ['critical', otel(21)],
  ['crit', otel(22)],
  ['dpanic', otel(21)],
  ['panic', otel(21)],
  ['alert', otel(23)],
  ['emerg', otel(24)],
  ['emergency', otel(24)],
]);

// OTel severity texts come as TRACE2, INFO4, …: the digit picks the number inside the band.
const OTEL_TEXT = /^(trace|debug|info|warn|error|fatal)([1-4])$/;

/**
 * A level given as a number. One field cannot say which scale it uses, so:
 * 0–7 → syslog; 10, 20 … 60 → pino/bunyan; any other integer 1–24 → OTel severity number.
 */
export function levelFromNumber(n: number): NormalisedLevel | undefined {
  if (!Number.isInteger(n)) return undefined;
  if (n >= 0 && n <= 7) return BY_SYSLOG[n];
  const pino = BY_PINO.get(n);
  if (pino !== undefined) return pino;
  return n >= 1 && n <= 24 ? otel(n) : undefined;
}

/** A number known to be on the OTel scale (OTLP's severityNumber, a `severity_number` field). */
export function levelFromOtelNumber(n: number): NormalisedLevel | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 24 ? otel(n) : undefined;
}

/** Names are case-insensitive; numeric strings are read like numbers. Unknown → undefined. */
export function levelFromText(text: string): NormalisedLevel | undefined {
  const key = text.trim().toLowerCase();
  const named = BY_NAME.get(key);
  if (named !== undefined) return named;
  const m = OTEL_TEXT.exec(key);
  if (m !== null) {
    const base = OTEL_RANGES.indexOf(m[1] as Level) * 4 + 1;
    return otel(base + Number(m[2]) - 1);
  }
  if (/^\d{1,2}$/.test(key)) return levelFromNumber(Number(key));
  return undefined;
}
