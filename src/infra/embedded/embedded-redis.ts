import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EmbeddedServiceError, type EmbeddedService } from './embedded-service.ts';
import {
  findFreePort,
  isProcessRunning,
  ownerIsOtherLiveProcess,
  readJson,
  waitFor,
  waitForExit,
  writeJson,
} from './process-state.ts';

interface RedisState {
  port: number;
  pid?: number;
}

export interface EmbeddedRedisOptions {
  dir: string;
  /** When false (the CLI), a running instance is used but never adopted. */
  adopt: boolean;
  log?: (message: string) => void;
}

export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  for (const candidate of [
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
    '/usr/sbin/redis-server',
  ]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Redis as a detached child (it must outlive a crashed MyLog so that acknowledged, queued logs
 * survive): append-only with fsync on every write, no eviction, loopback only.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedService> {
  const { dir } = options;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stateFile = path.join(dir, 'state.json');
  const pidFile = path.join(dir, 'redis.pid');
  const ownerFile = path.join(dir, 'owner.json');
  const state = readJson<RedisState>(stateFile);
  const runningPid = readPid(pidFile) ?? state?.pid;

  if (state && isProcessRunning(runningPid, 'redis-server') && (await answersPing(state.port))) {
    const owned = options.adopt && !ownerIsOtherLiveProcess(ownerFile);
    if (owned) writeJson(ownerFile, { ownerPid: process.pid });
    options.log?.(
      `embedded redis: reusing pid ${runningPid} on port ${state.port}${owned ? ' (adopted)' : ''}`,
    );
    return service(state.port, runningPid as number, owned, ownerFile);
  }

  const binary = findRedisServer();
  if (!binary) {
    throw new EmbeddedServiceError(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, ' +
        'macOS: `brew install redis`) or set REDIS_URL to an existing Redis.',
    );
  }
  const port = await findFreePort(state?.port);
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    dir,
    '--pidfile',
    pidFile,
    '--daemonize',
    'no',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  const child = spawn(binary, args, { detached: true, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.unref();
  writeJson(stateFile, { port, pid: child.pid } satisfies RedisState);
  try {
    await Promise.race([
      waitFor(
        `redis-server on port ${port}`,
        async () => ((await answersPing(port)) ? true : undefined),
        15_000,
      ),
      exited.then((code) => {
        throw new EmbeddedServiceError(
          `redis-server exited with code ${code}; see ${path.join(dir, 'redis.log')}`,
        );
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (options.adopt) writeJson(ownerFile, { ownerPid: process.pid });
  options.log?.(`embedded redis: started pid ${child.pid} on port ${port}`);
  return service(port, child.pid as number, true, ownerFile);
}

function service(port: number, pid: number, owned: boolean, ownerFile: string): EmbeddedService {
  return {
    name: 'redis',
    url: `redis://127.0.0.1:${port}`,
    owned,
    pid,
    async stop() {
      if (!owned) return;
      // SIGTERM makes Redis fsync the AOF and exit cleanly.
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export function redisServerVersion(): string | undefined {
  const binary = findRedisServer();
  if (!binary) return undefined;
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}
