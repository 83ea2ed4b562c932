// Histogram bucket sizes: "nice" intervals, each at most twice the previous one, so the automatic
// choice (the smallest nice interval giving at most MAX_BUCKETS) always lands at 60–120 buckets.
import { BadRequestError } from '../../infra/errors.ts';

const NICE_INTERVALS_S = [
  1, 2, 3, 5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200,
  86_400, 172_800, 345_600, 604_800, 1_209_600, 2_419_200,
];
export const MAX_BUCKETS = 120;
/** SEARCH_HISTOGRAM_MAX_BUCKETS's default, for callers without the config at hand. */
export const DEFAULT_MAX_EXPLICIT_BUCKETS = 2000;
const DAY_S = 86_400;

/** Past the largest nice interval (about 9 years), whole days that still give at most MAX_BUCKETS. */
export function autoIntervalS(rangeS: number): number {
  return (
    NICE_INTERVALS_S.find((s) => rangeS / s <= MAX_BUCKETS) ??
    Math.ceil(rangeS / MAX_BUCKETS / DAY_S) * DAY_S
  );
}

const INTERVAL = /^(\d{1,7})(s|m|h|d)$/;
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * `30s`, `5m`, `1h`, `1d`: whole seconds only, at most `maxBuckets` over the range
 * (config.search.histogramMaxBuckets): every bucket is built in memory.
 */
export function parseIntervalS(
  text: string,
  rangeS: number,
  maxBuckets: number = DEFAULT_MAX_EXPLICIT_BUCKETS,
): number {
  const m = INTERVAL.exec(text);
  const seconds = m ? Number(m[1]) * (UNIT_S[m[2] as string] as number) : 0;
  if (seconds < 1) {
    throw new BadRequestError('invalid_interval', 'interval must look like 30s, 5m, 1h or 1d');
  }
  if (rangeS / seconds > maxBuckets) {
    throw new BadRequestError(
      'invalid_interval',
      `interval ${text} makes more than ${maxBuckets} buckets for this range (SEARCH_HISTOGRAM_MAX_BUCKETS)`,
      { max_buckets: maxBuckets },
    );
  }
  return seconds;
}
