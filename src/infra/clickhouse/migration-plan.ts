// What `mylog migrate` sends to ClickHouse, computed without a connection: the bookkeeping table and,
// per clickhouse/NNNN_name.sql file, its statements, in the single-node form (the file as written)
// or the cluster form (cluster-ddl.ts). The runner applies this plan; `mylog migrate --print` and
// the golden files under clickhouse/golden/ print it, so what is reviewed is what runs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { clickhouseMigrationsDir } from '../project-paths.ts';
import { ClusterDdl, assertClusterName } from './cluster-ddl.ts';

export const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

export interface MigrationStep {
  version: string;
  statements: string[];
}

export interface MigrationPlan {
  /** undefined: one node. */
  cluster: string | undefined;
  /** Creates schema_migrations, where each applied version is recorded. */
  bookkeeping: string;
  steps: MigrationStep[];
}

export interface PlanOptions {
  dir?: string;
  cluster?: string | undefined;
}

export async function planClickHouseMigrations(options: PlanOptions = {}): Promise<MigrationPlan> {
  const dir = options.dir ?? clickhouseMigrationsDir;
  const cluster = options.cluster === undefined ? undefined : assertClusterName(options.cluster);
  const files = (await fs.readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const clusterDdl = cluster === undefined ? undefined : new ClusterDdl(cluster);
  const steps: MigrationStep[] = [];
  for (const file of files) {
    const statements = splitStatements(await fs.readFile(path.join(dir, file), 'utf8'));
    steps.push({
      version: file.replace(/\.sql$/, ''),
      statements: clusterDdl ? statements.flatMap((s) => clusterDdl.transform(s, file)) : statements,
    });
  }
  return { cluster, bookkeeping: schemaMigrationsDdl(cluster), steps };
}

/**
 * On a cluster, schema_migrations is one replicated table whose replicas are all nodes of all
 * shards (its Keeper path has no {shard}; replica names are shard-replica), so a version recorded
 * through any node is on every node, and a node that was down catches up from Keeper.
 */
export function schemaMigrationsDdl(cluster: string | undefined): string {
  const columns = '(version String, applied_at DateTime DEFAULT now())';
  if (cluster === undefined) {
    return `CREATE TABLE IF NOT EXISTS schema_migrations ${columns}\nENGINE = ReplacingMergeTree ORDER BY version`;
  }
  return (
    `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER ${cluster} ${columns}\n` +
    `ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{shard}-{replica}') ORDER BY version`
  );
}

export const RECORD_VERSION_SQL = 'INSERT INTO schema_migrations (version) VALUES ({version:String})';

/** One statement per `;`-terminated block, as `mylog migrate --print` shows it. */
export function formatStatements(statements: string[]): string {
  return statements.map((s) => `${s};\n`).join('\n');
}

/** The whole plan as a script a DBA can apply with clickhouse-client --multiquery. */
export function formatPlan(plan: MigrationPlan): string {
  const header = `-- mylog migrate --print: ClickHouse DDL for ${plan.cluster ? `cluster ${plan.cluster}` : 'a single node'}, generated from clickhouse/*.sql`;
  const blocks = [header, formatStatements([plan.bookkeeping]).trimEnd()];
  for (const step of plan.steps) {
    // Versions match MIGRATION_FILE, so quoting them literally is safe here.
    const record = RECORD_VERSION_SQL.replace('{version:String}', `'${step.version}'`);
    blocks.push(`-- ${step.version}\n${formatStatements([...step.statements, record]).trimEnd()}`);
  }
  return `${blocks.join('\n\n')}\n`;
}

/** DDL files hold several statements; ClickHouse takes one per request. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
