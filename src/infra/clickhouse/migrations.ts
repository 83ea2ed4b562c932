import fs from 'node:fs/promises';
import path from 'node:path';
import { clickhouseMigrationsDir } from '../project-paths.ts';
import type { ClickHouseStore } from './store.ts';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

/** Applies clickhouse/NNNN_name.sql in order, each once, recorded in schema_migrations. */
export async function migrateClickHouse(
  store: ClickHouseStore,
  dir: string = clickhouseMigrationsDir,
): Promise<MigrationResult> {
  await store.command(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime DEFAULT now())
     ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await store.query<{ version: string }>('SELECT version FROM schema_migrations FINAL')).map((r) => r.version),
  );
  const files = (await fs.readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    if (done.has(version)) {
      result.alreadyApplied.push(version);
      continue;
    }
    for (const statement of splitStatements(await fs.readFile(path.join(dir, file), 'utf8'))) {
      await store.command(statement);
    }
    await store.command('INSERT INTO schema_migrations (version) VALUES ({version:String})', { version });
    result.applied.push(version);
  }
  return result;
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
