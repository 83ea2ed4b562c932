import { migrateClickHouse } from '../../infra/clickhouse/migrations.ts';
import { migratePostgres } from '../../infra/postgres.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Apply pending Postgres and ClickHouse migrations (idempotent, expand-only)',
  needs: { postgres: true, clickhouse: true },
  async run(ctx) {
    const postgres = await migratePostgres(ctx.db);
    const clickhouse = await migrateClickHouse(ctx.services.clickhouse);
    return { postgres: { applied: postgres.applied }, clickhouse: { applied: clickhouse.applied } };
  },
  format(result) {
    const r = result as { postgres: { applied: string[] }; clickhouse: { applied: string[] } };
    const list = (names: string[]): string =>
      names.length === 0 ? 'up to date' : `applied ${names.join(', ')}`;
    return `postgres: ${list(r.postgres.applied)}\nclickhouse: ${list(r.clickhouse.applied)}`;
  },
};
