// Rule durations (`window`, `every`, `for`, `renotify`) in the histogram interval syntax.
import { BadRequestError } from '../../infra/errors.ts';
import { parseIntervalS } from '../search/histogram-interval.ts';

export function durationMs(
  field: string,
  text: string,
  options: { allowZero?: boolean } = {},
): number {
  if (options.allowZero && /^0+(s|m|h|d)$/.test(text)) return 0;
  try {
    return parseIntervalS(text, 0) * 1000;
  } catch {
    throw new BadRequestError('invalid_duration', `${field} must look like 30s, 5m, 1h or 1d`, {
      field,
    });
  }
}

/** The shortest text for a duration: 90000 → "90s", 300000 → "5m". */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s === 0) return '0s';
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
