// The CodeDeploy hook scripts, run unmodified by the agent stand-in against a tiny fake app
// (a real HTTP server process with /readyz and a `migrate` command): install layout, retries,
// release pruning, a ValidateService that fails, SIGTERM on stop, and migrations that run once
// per deployment even when several instances run AfterInstall at the same time (real Redis).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startEmbeddedRedis } from '../../src/infra/embedded/embedded-redis.ts';
import { findFreePort } from '../../src/infra/embedded/process-state.ts';
import { deploy, makeInstance, packBundle, runHook, type Instance } from './lib/agent.ts';
import { repoRoot } from './lib/paths.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const FAKE_SERVER = `
import http from 'node:http';
import fs from 'node:fs';
const ready = process.env.FAKE_READY !== '0';
const server = http.createServer((req, res) => {
  const ok = req.url === '/healthz' || (req.url === '/readyz' && ready);
  res.writeHead(ok ? 200 : 503).end(ok ? 'ok' : 'not ready');
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  fs.appendFileSync(process.env.FAKE_EVENTS, 'sigterm ' + process.env.RELEASE_TAG + '\\n');
  server.close(() => process.exit(0));
});
`;

const FAKE_CLI = `
import fs from 'node:fs';
if (process.argv[2] !== 'migrate') process.exit(64);
fs.appendFileSync(process.env.FAKE_EVENTS, 'migrate ' + process.cwd() + '\\n');
await new Promise((r) => setTimeout(r, 300));
`;

function makeBundle(dir: string, tag: string): string {
  const stage = path.join(dir, `stage-${tag}`);
  fs.mkdirSync(path.join(stage, 'dist', 'src'), { recursive: true });
  fs.writeFileSync(path.join(stage, 'dist', 'src', 'server.js'), FAKE_SERVER);
  fs.writeFileSync(path.join(stage, 'dist', 'src', 'cli.js'), FAKE_CLI);
  fs.writeFileSync(
    path.join(stage, 'package.json'),
    JSON.stringify({ name: 'fake', type: 'module' }),
  );
  fs.cpSync(path.join(repoRoot, 'appspec.yml'), path.join(stage, 'appspec.yml'));
  fs.cpSync(path.join(repoRoot, 'codedeploy'), path.join(stage, 'codedeploy'), { recursive: true });
  // migrate-once.mjs imports ioredis from the release's node_modules, as in production.
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(stage, 'node_modules'));
  const bundle = path.join(dir, `bundle-${tag}.tgz`);
  packBundle(stage, bundle);
  return bundle;
}

async function fixture(t: Teardown, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-hooks-'));
  const events = path.join(dir, 'events.log');
  fs.writeFileSync(events, '');
  const port = await findFreePort();
  const instance = makeInstance(path.join(dir, 'i1'), {
    PORT: String(port),
    FAKE_EVENTS: events,
    // Generous: a loaded CI box can take seconds to start even the fake server.
    MYLOG_READY_TIMEOUT_S: '60',
    MYLOG_READY_INTERVAL_S: '0.2',
    ...env,
  });
  t.teardown(async () => {
    await stop(instance);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    events,
    port,
    instance,
    readEvents: () => fs.readFileSync(events, 'utf8').trim().split('\n').filter(Boolean),
  };
}

async function stop(instance: Instance): Promise<void> {
  await runHook(
    path.join(repoRoot, 'codedeploy/application-stop.sh'),
    hookEnv(instance, 'stop'),
    60_000,
  );
}

function hookEnv(instance: Instance, id: string): Record<string, string> {
  const env = { ...(process.env as Record<string, string>) };
  delete env.NODE_OPTIONS;
  return {
    ...env,
    DEPLOYMENT_ID: id,
    MYLOG_ROOT: instance.root,
    MYLOG_ENV_FILE: instance.envFile,
    MYLOG_SUPERVISOR: 'process',
    MYLOG_LOG_TO_JOURNAL: '0',
    MYLOG_NODE: process.execPath,
  };
}

t.test('a deployment installs, links, migrates once, starts and validates', async (t) => {
  const f = await fixture(t);
  const bundle = makeBundle(f.dir, 'a');
  const d1 = await deploy(f.instance, bundle, 'd-AAAAAAAA1', { extraEnv: { RELEASE_TAG: 'a' } });
  t.ok(d1.ok, d1.results.map((r) => `${r.event}: ${r.code}\n${r.output}`).join('\n'));
  t.same(
    d1.results.map((r) => r.event),
    ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'],
  );
  t.equal(
    fs.readlinkSync(path.join(f.instance.root, 'current')),
    path.join(f.instance.root, 'releases', 'd-AAAAAAAA1'),
  );
  const res = await fetch(`http://127.0.0.1:${f.port}/readyz`);
  t.equal(res.status, 200, 'the started release answers');
  t.equal(f.readEvents().filter((e) => e.startsWith('migrate')).length, 1, 'migrated once');

  // A retried AfterInstall (the agent retries a failed deployment's hooks) does nothing twice.
  const retry = await runHook(
    path.join(
      f.instance.agentDir,
      'd-AAAAAAAA1',
      'deployment-archive',
      'codedeploy',
      'after-install.sh',
    ),
    hookEnv(f.instance, 'd-AAAAAAAA1'),
    60_000,
  );
  t.equal(retry.code, 0, retry.output);
  t.match(retry.output, /already present/);
  t.equal(f.readEvents().filter((e) => e.startsWith('migrate')).length, 1, 'still migrated once');

  // Next deployment on the same instance: ApplicationStop sends SIGTERM to the old release.
  const d2 = await deploy(f.instance, makeBundle(f.dir, 'b'), 'd-BBBBBBBB2', {
    extraEnv: { RELEASE_TAG: 'b' },
  });
  t.ok(d2.ok, d2.results.map((r) => r.output).join('\n'));
  t.ok(f.readEvents().includes('sigterm a'), 'the old release got SIGTERM and exited');
  t.equal(
    fs.readlinkSync(path.join(f.instance.root, 'current')),
    path.join(f.instance.root, 'releases', 'd-BBBBBBBB2'),
  );
});

t.test('old releases are pruned to MYLOG_KEEP_RELEASES', async (t) => {
  const f = await fixture(t, { MYLOG_KEEP_RELEASES: '2' });
  const bundle = makeBundle(f.dir, 'k');
  for (const id of ['d-K1', 'd-K2', 'd-K3']) {
    const d = await deploy(f.instance, bundle, id, { extraEnv: { MYLOG_KEEP_RELEASES: '2' } });
    t.ok(d.ok, `${id} deployed`);
    await new Promise((r) => setTimeout(r, 20));
  }
  t.same(fs.readdirSync(path.join(f.instance.root, 'releases')).sort(), ['d-K2', 'd-K3']);
});

t.test('ValidateService fails the deployment when /readyz never answers 200', async (t) => {
  const f = await fixture(t, { FAKE_READY: '0', MYLOG_READY_TIMEOUT_S: '4' });
  const d = await deploy(f.instance, makeBundle(f.dir, 'bad'), 'd-BAD00001');
  t.notOk(d.ok, 'the deployment fails');
  const last = d.results.at(-1);
  t.equal(last?.event, 'ValidateService', 'at ValidateService');
  t.match(last?.output, /not ready after 4s \(last status 503\)/);
  t.ok((last?.ms ?? 0) < 30_000, 'within its own deadline');
});

t.test('BeforeInstall refuses an instance without its env file (systemd mode)', async (t) => {
  const f = await fixture(t);
  fs.rmSync(f.instance.envFile);
  const env = {
    ...hookEnv(f.instance, 'd-NOENV'),
    MYLOG_SUPERVISOR: 'systemd',
    MYLOG_USER: os.userInfo().username,
  };
  const r = await runHook(path.join(repoRoot, 'codedeploy/before-install.sh'), env, 60_000);
  t.not(r.code, 0);
  t.match(r.output, /missing or empty: bootstrap did not render it/);
});

t.test('migrate-once: N instances of one deployment, one migration (real Redis)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-migrate-once-'));
  const redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), adopt: true });
  t.teardown(async () => {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const events = path.join(dir, 'events.log');
  fs.writeFileSync(events, '');
  const release = path.join(dir, 'release');
  fs.mkdirSync(path.join(release, 'dist', 'src'), { recursive: true });
  fs.writeFileSync(path.join(release, 'dist', 'src', 'cli.js'), FAKE_CLI);
  fs.writeFileSync(path.join(release, 'package.json'), JSON.stringify({ type: 'module' }));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    REDIS_URL: redis.url,
    FAKE_EVENTS: events,
  };
  delete env.NODE_OPTIONS;
  const script = path.join(repoRoot, 'codedeploy/lib/migrate-once.mjs');
  const runs = await Promise.all(
    [1, 2, 3, 4].map(() => runHook(process.execPath, env, 60_000, [script, release, 'd-ONCE0001'])),
  );
  for (const r of runs) t.equal(r.code, 0, r.output);
  const migrations = fs.readFileSync(events, 'utf8').trim().split('\n').filter(Boolean);
  t.equal(migrations.length, 1, 'exactly one instance migrated');
  t.equal(runs.filter((r) => /already applied/.test(r.output)).length, 3, 'the others saw it done');
  const next = await runHook(process.execPath, env, 60_000, [script, release, 'd-ONCE0002']);
  t.equal(next.code, 0);
  t.equal(
    fs.readFileSync(events, 'utf8').trim().split('\n').length,
    2,
    'the next deployment migrates again',
  );
});
