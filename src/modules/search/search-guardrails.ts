// Per-query limits (config.search) and what the caller sees when a query hits one: a 422 that says
// what to change, never a 500. ClickHouse enforces the limits itself, so a runaway scan stops in
// the engine instead of merely being abandoned by the API.
import type { Config } from '../../config.ts';
import { ClickHouseStoreError, type ClickHouseSettings } from '../../infra/clickhouse/store.ts';
import { AppError } from '../../infra/errors.ts';

export type SearchLimits = Config['search'];

// TOO_MANY_ROWS, TIMEOUT_EXCEEDED, TOO_SLOW, TOO_MANY_BYTES, MEMORY_LIMIT_EXCEEDED.
const TOO_EXPENSIVE_CODES = new Set([158, 159, 160, 307, 241]);

export class QueryTooExpensiveError extends AppError {
  constructor(details: unknown) {
    super(
      422,
      'query_too_expensive',
      'this search would read too much data or take too long: narrow the time range, pick fewer apps or add a more selective term',
      details,
    );
  }
}

/** A time budget shared by the several ClickHouse queries one request may run. */
export class QueryBudget {
  private readonly deadline: number;

  constructor(
    private readonly limits: SearchLimits,
    timeoutMs: number = limits.queryTimeoutMs,
    private readonly maxBytes: number | null = limits.maxBytesToRead,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  /** Settings for the next query: whatever time is left, and the read-bytes limit. */
  settings(): ClickHouseSettings {
    const leftMs = this.deadline - Date.now();
    if (leftMs <= 0) throw new QueryTooExpensiveError(this.details());
    const settings: ClickHouseSettings = {
      max_execution_time: Math.max(0.001, leftMs / 1000),
      timeout_overflow_mode: 'throw',
    };
    if (this.maxBytes !== null) {
      settings.max_bytes_to_read = this.maxBytes;
      settings.read_overflow_mode = 'throw';
    }
    return settings;
  }

  details(): Record<string, number> {
    return {
      query_timeout_ms: this.limits.queryTimeoutMs,
      max_bytes_to_read: this.limits.maxBytesToRead,
    };
  }

  /** Runs one query with the settings left in the budget, turning a limit hit into the 422. */
  async run<T>(work: (settings: ClickHouseSettings) => Promise<T>): Promise<T> {
    try {
      return await work(this.settings());
    } catch (error) {
      throw this.translate(error);
    }
  }

  translate(error: unknown): unknown {
    if (error instanceof ClickHouseStoreError && TOO_EXPENSIVE_CODES.has(error.code ?? -1)) {
      return new QueryTooExpensiveError(this.details());
    }
    return error;
  }
}
