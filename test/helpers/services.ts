// Real backing services for tests. The test runner (test/run.ts) starts one Postgres and one Redis
// per run and passes their URLs; each test file then gets its own database, Redis key prefix and
// ClickHouse database, so files run in parallel without seeing each other. Run alone (npx tap
// file.test.ts), a file starts what it needs itself.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createChdbStore, type ChdbStore } from '../../src/infra/clickhouse/chdb-store.ts';
import { createHttpStore, ensureHttpDatabase } from '../../src/infra/clickhouse/http-store.ts';
import type { ClickHouseStore } from '../../src/infra/clickhouse/store.ts';
import { startEmbeddedPostgres } from '../../src/infra/embedded/embedded-postgres.ts';
import { startEmbeddedRedis } from '../../src/infra/embedded/embedded-redis.ts';
import { reapWhenThisProcessExits, removeWhenThisProcessHasExited } from './reaper.ts';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

const fileId = `${process.pid.toString(36)}${crypto.randomBytes(3).toString('hex')}`;
let ownServices: Promise<{ postgresAdminUrl: string; redisUrl: string }> | undefined;

const tempDirs = new Set<string>();

/**
 * A world-traversable temp dir (embedded Postgres runs as `nobody` when tests run as root), removed
 * when this test process exits (`afterExit`: by another process once it has exited), so a run
 * leaves no `mylog-*` folders behind.
 */
export function makeTempDir(label: string, options: { afterExit?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mylog-${label}-`));
  fs.chmodSync(dir, 0o755);
  if (options.afterExit) {
    removeWhenThisProcessHasExited(dir);
    return dir;
  }
  if (tempDirs.size === 0) {
    process.once('exit', () => {
      for (const made of tempDirs) {
        // An exit handler that throws turns a passing file into a failed one.
        try {
          fs.rmSync(made, { recursive: true, force: true });
        } catch (error) {
          process.stderr.write(`could not remove ${made}: ${String(error)}\n`);
        }
      }
    });
  }
  tempDirs.add(dir);
  return dir;
}

async function sharedOrOwn(): Promise<{ postgresAdminUrl: string; redisUrl: string }> {
  const postgresAdminUrl = process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (postgresAdminUrl && redisUrl) return { postgresAdminUrl, redisUrl };
  ownServices ??= (async () => {
    const dir = makeTempDir('svc');
    const [postgres, redis] = await Promise.all([
      postgresAdminUrl
        ? undefined
        : startEmbeddedPostgres({
            dir: path.join(dir, 'postgres'),
            database: 'postgres',
            adopt: true,
          }),
      redisUrl ? undefined : startEmbeddedRedis({ dir: path.join(dir, 'redis'), adopt: true }),
    ]);
    reapWhenThisProcessExits([postgres?.pid, redis?.pid], dir);
    process.once('beforeExit', () => {
      void Promise.all([postgres?.stop(), redis?.stop()]).then(() =>
        fs.rmSync(dir, { recursive: true, force: true }),
      );
    });
    return {
      postgresAdminUrl: postgresAdminUrl ?? (postgres?.url as string),
      redisUrl: redisUrl ?? (redis?.url as string),
    };
  })();
  return ownServices;
}

/** A fresh, empty Postgres database for this test file; dropped at teardown. */
export async function createTestDatabase(t: Teardown): Promise<string> {
  const { postgresAdminUrl } = await sharedOrOwn();
  const name = `mylog_t_${fileId}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function testRedisUrl(): Promise<string> {
  return (await sharedOrOwn()).redisUrl;
}

/** A Redis key prefix no other test file uses. */
export function uniqueRedisPrefix(): string {
  return `t-${fileId}-${crypto.randomBytes(3).toString('hex')}`;
}

let chdbStore: ChdbStore | undefined;

/**
 * The ClickHouse engine for this file: chdb in a temp dir (one per process, as chdb requires),
 * or a real server when TEST_CLICKHOUSE_URL is set. Each call gets its own database.
 */
export async function createTestClickHouse(
  t: Teardown,
  options: { engine?: 'chdb' | 'server' } = {},
): Promise<ClickHouseStore> {
  const database = `mylog_t_${fileId}_${crypto.randomBytes(3).toString('hex')}`;
  const serverUrl = process.env.TEST_CLICKHOUSE_URL;
  if (options.engine === 'server' || (options.engine === undefined && serverUrl)) {
    if (!serverUrl) throw new Error('TEST_CLICKHOUSE_URL is not set');
    await ensureHttpDatabase(serverUrl, database);
    const store = createHttpStore({ url: serverUrl, database });
    t.teardown(async () => {
      await store.command(`DROP DATABASE IF EXISTS ${database}`);
      await store.close();
    });
    return store;
  }
  return createChdbTestStore(t, database);
}

/** chdb allows one data directory per process: all chdb stores of a file share it. */
export function createChdbTestStore(
  t: Teardown,
  database = `mylog_t_${fileId}_${crypto.randomBytes(3).toString('hex')}`,
): ChdbStore {
  if (!chdbStore) {
    // Removed only once this process is gone: the engine runs until then, and removing its files
    // under a running merge or mutation failed (ENOTEMPTY) and killed the process (SIGSEGV).
    // Stopping the engine first (closing every session before exit) crashed some files instead.
    const dir = makeTempDir('chdb', { afterExit: true });
    chdbStore = createChdbStore({ dataDir: dir, database: 'default' });
  }
  const store = createChdbStore({ dataDir: chdbStore.dataDir, database });
  t.teardown(() => store.close());
  return store;
}
