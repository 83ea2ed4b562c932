// Above TAIL_MAX_ROWS_PER_SECOND, a tail query shows an even sample of its matching rows (as
// CloudWatch Live Tail does above 500 events/s): nobody reads thousands of rows a second, and
// every byte is written once per socket, so an unbounded query slows every viewer of the process.
// One sampler per query group: all its sockets get the same rows, so frames are still built once.

export interface SampleResult<T> {
  readonly kept: T[];
  /** Rows of this tick that matched but were left out. */
  readonly left: number;
}

export class TailSampler {
  private tokens: number;
  private lastMs: number;

  /** `maxPerSecond` 0 turns sampling off. A burst of up to a second's worth passes whole. */
  constructor(
    private readonly maxPerSecond: number,
    nowMs: number,
  ) {
    this.tokens = maxPerSecond;
    this.lastMs = nowMs;
  }

  take<T>(rows: T[], nowMs: number): SampleResult<T> {
    if (this.maxPerSecond === 0) return { kept: rows, left: 0 };
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.maxPerSecond, this.tokens + (elapsedMs * this.maxPerSecond) / 1000);
    const allowed = Math.floor(this.tokens);
    if (rows.length <= allowed) {
      this.tokens -= rows.length;
      return { kept: rows, left: 0 };
    }
    this.tokens -= allowed;
    return { kept: evenlySpread(rows, allowed), left: rows.length - allowed };
  }
}

/** `count` rows spread evenly over `rows`, in their order: the sample covers the whole tick. */
export function evenlySpread<T>(rows: readonly T[], count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(rows[Math.floor((i * rows.length) / count)] as T);
  return out;
}
