import fs from 'node:fs/promises';
import path from 'node:path';
import {
  FileMigrationProvider,
  Kysely,
  Migrator,
  PostgresDialect,
  type MigrationResultSet,
} from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { postgresMigrationsDir } from './project-paths.ts';

// bigint columns (quotas, byte counts) fit comfortably in a JS number for our ranges.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Db = Kysely<Database>;

export function createDb(url: string, maxConnections = 10): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (e.g. the server restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function migratePostgres(db: Db): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: postgresMigrationsDir }),
    // Features developed side by side take numbered slots; one landing after a higher number has
    // been applied (0005 after 0006) still runs instead of failing the boot.
    allowUnorderedMigrations: true,
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `Postgres migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}

/** Postgres' unique_violation: the caller turns it into a 409 that names what was taken. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}
