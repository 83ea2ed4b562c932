// Runs the aggregate compiler's SQL. The compiler already put the caller's scope first in every
// WHERE; this adds the guardrail settings and a log_comment naming the feature (system.query_log
// then says whether a dashboard, an alert or the API is slow).
import type { ClickHouseSettings, ClickHouseStore } from '../../infra/clickhouse/store.ts';
import type { CompiledQuery } from './aggregate-compiler.ts';

/** One result row: group keys g0…, measures m0…, and the compiler's helper columns. */
export type AggregateResultRow = Record<string, string | number | null>;

export function createAggregateRepository(store: ClickHouseStore) {
  return {
    run(
      query: CompiledQuery,
      settings: ClickHouseSettings,
      feature: string,
    ): Promise<AggregateResultRow[]> {
      return store.query<AggregateResultRow>(query.sql, query.params, {
        settings: { ...settings, log_comment: feature },
      });
    },
  };
}

export type AggregateRepository = ReturnType<typeof createAggregateRepository>;
