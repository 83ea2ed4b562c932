// A real MyLog for browser tests: `node --import tsx src/server.ts` as a child process on embedded
// defaults (chdb in a temp MYLOG_DATA_DIR) with this run's Postgres and Redis, on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '../../src/infra/embedded/process-state.ts';
import { projectRoot } from '../../src/infra/project-paths.ts';
import { ensureWebBuild } from '../../scripts/ensure-web-build.ts';
import {
  createTestDatabase,
  makeTempDir,
  testRedisUrl,
  uniqueRedisPrefix,
  type Teardown,
} from '../helpers/services.ts';
import { reapWhenThisProcessExits } from '../helpers/reaper.ts';

/** Enough for a debug-level run's request lines; failure messages show its tail. */
const OUTPUT_KEPT_CHARS = 2_000_000;

export interface RunningMyLog {
  baseUrl: string;
  /** The server's environment, for a `mylog` CLI run against the same services. */
  env: Record<string, string>;
  /** What the server printed, for failure messages. */
  output: () => string;
}

async function waitForReady(
  baseUrl: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`MyLog exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`MyLog was not ready within ${timeoutMs} ms`);
}

export async function startMyLogServer(
  t: Teardown,
  overrides: Record<string, string> = {},
): Promise<RunningMyLog> {
  ensureWebBuild({ quiet: true });
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    // The browser's origin: the dev IdP's issuer, cookies and the tail's allowed origin follow it.
    PUBLIC_URL: baseUrl,
    MYLOG_DATA_DIR: makeTempDir('e2e-data'),
    DATABASE_URL: await createTestDatabase(t),
    REDIS_URL: await testRedisUrl(),
    REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    ...overrides,
  };
  delete env.CLICKHOUSE_URL;
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'server.ts')], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test killed by tap's timeout runs no teardown: the server must not outlive it.
  reapWhenThisProcessExits([child.pid]);
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  t.teardown(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  });
  try {
    await waitForReady(baseUrl, child, 120_000);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- server output ---\n${output.slice(-20_000)}`,
      {
        cause: error,
      },
    );
  }
  return { baseUrl, env, output: () => output };
}
