import { assertClusterName } from '../../infra/clickhouse/cluster-ddl.ts';
import { formatPlan, planClickHouseMigrations } from '../../infra/clickhouse/migration-plan.ts';
import { migrateClickHouse } from '../../infra/clickhouse/migrations.ts';
import { migratePostgres } from '../../infra/postgres.ts';
import { CommandError, type Command } from '../command.ts';

export const migrateCommand: Command = {
  summary: 'Apply pending Postgres and ClickHouse migrations (idempotent, expand-only)',
  options: {
    print: {
      type: 'boolean',
      description:
        'print the ClickHouse DDL, one statement per ;-terminated block, and apply nothing',
    },
    cluster: {
      type: 'string',
      description: 'ClickHouse cluster name (default: CLICKHOUSE_CLUSTER; none = one node)',
    },
  },
  // --print reads only clickhouse/*.sql: no connection, so a DBA can run it anywhere.
  needs: (values) =>
    values.print === true
      ? { postgres: false, redis: false, clickhouse: false }
      : { postgres: true, clickhouse: true },
  async run(ctx, { values }) {
    const cluster =
      typeof values.cluster === 'string' ? values.cluster : ctx.config.clickhouseCluster;
    if (cluster !== undefined) {
      try {
        assertClusterName(cluster);
      } catch (error) {
        throw new CommandError('invalid_arguments', `--cluster: ${(error as Error).message}`);
      }
    }
    if (values.print === true) {
      return { ddl: formatPlan(await planClickHouseMigrations({ cluster })) };
    }
    if (cluster !== undefined && ctx.services.clickhouse.kind === 'chdb') {
      throw new CommandError(
        'invalid_arguments',
        '--cluster needs CLICKHOUSE_URL (the embedded ClickHouse is one node)',
      );
    }
    const postgres = await migratePostgres(ctx.db);
    const clickhouse = await migrateClickHouse(ctx.services.clickhouse, { cluster });
    return { postgres: { applied: postgres.applied }, clickhouse: { applied: clickhouse.applied } };
  },
  format(result) {
    if ('ddl' in result) return (result.ddl as string).trimEnd();
    const r = result as { postgres: { applied: string[] }; clickhouse: { applied: string[] } };
    const list = (names: string[]): string =>
      names.length === 0 ? 'up to date' : `applied ${names.join(', ')}`;
    return `postgres: ${list(r.postgres.applied)}\nclickhouse: ${list(r.clickhouse.applied)}`;
  },
};
