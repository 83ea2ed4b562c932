import {
  planClickHouseMigrations,
  RECORD_VERSION_SQL,
  type PlanOptions,
} from './migration-plan.ts';
import type { ClickHouseStore } from './store.ts';

export { splitStatements } from './migration-plan.ts';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies clickhouse/NNNN_name.sql in order, each once, recorded in schema_migrations. With a
 * cluster (CLICKHOUSE_CLUSTER) every statement runs ON CLUSTER: ClickHouse's distributed DDL queue
 * runs it on every node and answers once all of them did (or after distributed_ddl_task_timeout).
 */
export async function migrateClickHouse(
  store: ClickHouseStore,
  options: PlanOptions = {},
): Promise<MigrationResult> {
  const plan = await planClickHouseMigrations(options);
  await store.command(plan.bookkeeping);
  const done = new Set(
    (await store.query<{ version: string }>('SELECT version FROM schema_migrations FINAL')).map(
      (r) => r.version,
    ),
  );
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const step of plan.steps) {
    if (done.has(step.version)) {
      result.alreadyApplied.push(step.version);
      continue;
    }
    for (const statement of step.statements) await store.command(statement);
    await store.command(RECORD_VERSION_SQL, { version: step.version });
    result.applied.push(step.version);
  }
  return result;
}
