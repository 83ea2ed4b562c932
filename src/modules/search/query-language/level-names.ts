/** The level names stored in `logs.level` by ingest. */
export const CANONICAL_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

const LEVEL_SYNONYMS: Record<string, string> = {
  trc: 'trace',
  verbose: 'trace',
  dbg: 'debug',
  information: 'info',
  informational: 'info',
  notice: 'info',
  warning: 'warn',
  wrn: 'warn',
  err: 'error',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/** `WARNING` → `warn`; an unknown name is only lower-cased (ASCII), so it still matches itself. */
export function normaliseLevel(value: string): string {
  const lower = value.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  return Object.hasOwn(LEVEL_SYNONYMS, lower) ? LEVEL_SYNONYMS[lower]! : lower;
}
