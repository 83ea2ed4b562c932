// MyLog as a newcomer runs it: `npm start` on the embedded defaults, then Ctrl-C, restart, kill -9.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import t from 'tap';
import { findFreePort } from '../../src/infra/embedded/process-state.ts';
import { makeTempDir } from '../helpers/services.ts';
import { reapWhenThisProcessExits } from '../helpers/reaper.ts';

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  reapWhenThisProcessExits([child.pid]);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitReady(port: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

/** Processes whose command line mentions the data dir: embedded Postgres and Redis. */
function processesUsing(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dataDir], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.includes('pgrep'));
  } catch {
    return [];
  }
}

/** How many orgs named "Keep Me" exist (the dev IdP adds its own demo org at boot). */
async function countOrgs(dataDir: string, port: number): Promise<number> {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'org', 'list', '--json'],
    {
      env: { ...process.env, MYLOG_DATA_DIR: dataDir, PORT: String(port) },
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out) as { orgs: { slug: string }[] }).orgs.filter((o) => o.slug === 'keep-me')
    .length;
}

t.test(
  'embedded defaults: start, restart with data, Ctrl-C leaves nothing, kill -9 recovers',
  async (t) => {
    const dataDir = makeTempDir('life');
    const port = await findFreePort();
    const env = { MYLOG_DATA_DIR: dataDir, PORT: String(port) };
    t.teardown(() => {
      for (const line of processesUsing(dataDir)) {
        const pid = Number(line.split(' ')[0]);
        if (pid) process.kill(pid, 'SIGKILL');
      }
    });

    const first = startServer(env);
    const coldMs = await waitReady(port, 60_000);
    t.pass(`cold start to ready in ${coldMs} ms`);
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'org', 'create', '--name', 'Keep Me'],
      {
        env: { ...process.env, ...env },
      },
    );
    t.equal(await countOrgs(dataDir, port), 1, 'the CLI works while the server runs');

    first.child.kill('SIGINT');
    t.equal(await first.exited, 0, 'Ctrl-C exits cleanly');
    t.match(first.output(), /shutting down \(SIGINT\)/);
    t.same(processesUsing(dataDir), [], 'no embedded process is left behind');

    const second = startServer(env);
    await waitReady(port, 60_000);
    t.equal(await countOrgs(dataDir, port), 1, 'a restart keeps the data');
    second.child.kill('SIGKILL');
    await second.exited;
    t.ok(
      processesUsing(dataDir).length > 0,
      'after kill -9 the embedded services are still running',
    );

    const third = startServer(env);
    await waitReady(port, 60_000);
    t.match(third.output(), /embedded redis: reusing pid \d+ on port \d+ \(adopted\)/);
    t.match(third.output(), /embedded postgres: reusing pid \d+ on port \d+ \(adopted\)/);
    const postmasters = processesUsing(dataDir).filter((l) => / -D /.test(l));
    const redisServers = processesUsing(dataDir).filter((l) => l.includes('redis-server'));
    t.equal(postmasters.length, 1, 'one postgres on the data dir, not two');
    t.ok(redisServers.length <= 1, 'one redis on the data dir, not two');
    t.equal(await countOrgs(dataDir, port), 1, 'nothing was lost');
    third.child.kill('SIGTERM');
    t.equal(await third.exited, 0);
    t.same(processesUsing(dataDir), [], 'the adopted services are stopped too');
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
);

t.test('bad configuration ends startup with one clear message', async (t) => {
  const dataDir = makeTempDir('badcfg');
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const malformed = startServer({
    MYLOG_DATA_DIR: dataDir,
    DATABASE_URL: 'postgres://[broken',
    PORT: 'x',
  });
  t.equal(await malformed.exited, 2);
  t.match(
    malformed.output(),
    /Invalid configuration:\n\s+- PORT must be a whole number[\s\S]*DATABASE_URL is not a valid URL/,
  );
  t.notMatch(malformed.output(), /\n\s+at /, 'no stack trace');

  const deadPort = await findFreePort();
  const unreachable = startServer({
    MYLOG_DATA_DIR: dataDir,
    PORT: String(await findFreePort()),
    DATABASE_URL: `postgres://mylog:pw@127.0.0.1:${deadPort}/mylog`,
    REDIS_URL: 'redis://127.0.0.1:1',
    CLICKHOUSE_URL: 'http://127.0.0.1:1',
  });
  t.equal(await unreachable.exited, 1);
  t.match(unreachable.output(), /mylog: startup failed: .*(ECONNREFUSED|not usable)/);
  t.notMatch(unreachable.output(), /\n\s+at /, 'no stack trace');

  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  t.teardown(() => blocker.close());
  const busyPort = (blocker.address() as net.AddressInfo).port;
  const busy = startServer({ MYLOG_DATA_DIR: dataDir, PORT: String(busyPort), HOST: '127.0.0.1' });
  t.equal(await busy.exited, 1);
  t.match(busy.output(), new RegExp(`port ${busyPort} on 127.0.0.1 is already in use`));
  t.same(processesUsing(dataDir), [], 'a failed start stops what it started');
});
