// Blue/green rehearsal on one machine, with the real build and the real hook scripts:
//   - the revision is packed the way buildspec.yml packs it (tsc build + appspec + codedeploy/);
//   - an agent stand-in installs it on "instances" (temp dirs standing in for /opt/mylog) and runs
//     the hooks unmodified, in process mode instead of systemd;
//   - blue and green share one Postgres, Redis and ClickHouse that outlive both (the managed
//     services in AWS), started by lib/shared-services.ts;
//   - a loopback proxy stands in for the ALB; a load generator ingests and searches through it
//     the whole time without retrying anything.
// It asserts: a revision that cannot become ready fails at ValidateService and blue keeps
// serving; a good green passes ValidateService, the proxy switches, blue drains and gets SIGTERM;
// zero failed requests; every acknowledged log is in ClickHouse exactly once.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { findFreePort } from '../../src/infra/embedded/process-state.ts';
import { deploy, makeInstance, packBundle, runHook, type Instance } from './lib/agent.ts';
import { startAlbProxy } from './lib/alb-proxy.ts';
import { startLoad } from './lib/load.ts';
import { repoRoot } from './lib/paths.ts';
import type { SharedServiceUrls } from './lib/shared-services.ts';

t.setTimeout(15 * 60_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-rehearsal-'));
fs.chmodSync(work, 0o755);
const runId = Date.now().toString(36);
const cleanups: Array<() => Promise<unknown>> = [];
t.teardown(async () => {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  if (!process.env.MYLOG_REHEARSAL_KEEP) fs.rmSync(work, { recursive: true, force: true });
});

/** The revision as buildspec.yml builds it; node_modules is linked, not pruned, to save minutes. */
function packArtifact(): { stage: string; bundle: string; buildErrors: string } {
  const stage = path.join(work, 'stage');
  fs.mkdirSync(stage, { recursive: true });
  const tsc = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      path.join(stage, 'dist'),
      // The typecheck gate checks types; here only the emitted JS matters (a third of the CPU).
      '--noCheck',
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  for (const f of ['dist/src/server.js', 'dist/src/cli.js']) {
    if (!fs.existsSync(path.join(stage, f)))
      throw new Error(`build emitted no ${f}:\n${tsc.stdout}${tsc.stderr}`);
  }
  for (const f of ['appspec.yml', 'codedeploy', 'clickhouse', 'package.json']) {
    fs.cpSync(path.join(repoRoot, f), path.join(stage, f), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(stage, 'node_modules'));
  const bundle = path.join(work, 'revision.tgz');
  packBundle(stage, bundle);
  return { stage, bundle, buildErrors: tsc.status === 0 ? '' : `${tsc.stdout}${tsc.stderr}` };
}

/** A revision that passes every hook up to ApplicationStart but whose server dies at boot. */
function packBrokenArtifact(stage: string): string {
  const broken = path.join(work, 'stage-broken');
  fs.cpSync(stage, broken, { recursive: true, verbatimSymlinks: true });
  const server = path.join(broken, 'dist/src/server.js');
  fs.writeFileSync(
    server,
    `throw new Error('rehearsal: this release cannot boot');\n${fs.readFileSync(server, 'utf8')}`,
  );
  const bundle = path.join(work, 'revision-broken.tgz');
  packBundle(broken, bundle);
  return bundle;
}

async function startSharedServices(): Promise<SharedServiceUrls> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'test/deploy/lib/shared-services.ts'),
      path.join(work, 'services'),
    ],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as SharedServiceUrls);
    });
    child.once('exit', (code) => reject(new Error(`shared services exited ${code}`)));
  });
}

function appEnv(
  services: SharedServiceUrls,
  port: number,
  dataDir: string,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    CLICKHOUSE_URL: services.clickhouseUrl,
    SESSION_SECRET: 'rehearsal-session-secret-0123456789abcdef',
    // A lone Redis has no replica to WAIT for; the embedded one fsyncs every write instead.
    INGEST_DURABILITY: 'fsync',
    SHUTDOWN_DEADLINE_MS: '15000',
    LOG_LEVEL: 'warn',
    MYLOG_DATA_DIR: dataDir,
    MYLOG_READY_TIMEOUT_S: '90',
    MYLOG_READY_INTERVAL_S: '0.5',
  };
}

async function newInstance(name: string, services: SharedServiceUrls) {
  const dir = path.join(work, name);
  const port = await findFreePort();
  const instance = makeInstance(dir, appEnv(services, port, path.join(dir, 'data')));
  // CodeDeploy terminates every instance it launched; here that is a stop through the hook.
  cleanups.push(() => stopInstance(instance));
  return { instance, port, env: appEnv(services, port, path.join(dir, 'data')) };
}

function stopInstance(instance: Instance) {
  const env = { ...(process.env as Record<string, string>) };
  delete env.NODE_OPTIONS;
  return runHook(
    path.join(repoRoot, 'codedeploy/application-stop.sh'),
    {
      ...env,
      MYLOG_ROOT: instance.root,
      MYLOG_ENV_FILE: instance.envFile,
      MYLOG_SUPERVISOR: 'process',
      MYLOG_LOG_TO_JOURNAL: '0',
    },
    60_000,
  );
}

/** `mylog <args> --json` from an installed release, with that instance's environment. */
function cli(
  instance: Instance,
  env: Record<string, string>,
  args: string[],
): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['dist/src/cli.js', ...args, '--json'], {
    cwd: path.join(instance.root, 'current'),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) {
    const said = `${r.stdout}${r.stderr}`.replace(/\s+/g, ' ').trim();
    throw new Error(`mylog ${args.join(' ')} exited ${r.status}: ${said}`);
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function findSecret(value: unknown, prefix: string): string | undefined {
  if (typeof value === 'string') return value.startsWith(prefix) ? value : undefined;
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const found = findSecret(v, prefix);
      if (found) return found;
    }
  }
  return undefined;
}

function describe(d: {
  results: Array<{ event: string; code: number | null; ms: number; output: string }>;
}): string {
  return d.results
    .map((r) => `${r.event}: exit ${r.code} in ${r.ms} ms\n${r.output.trim()}`)
    .join('\n');
}

async function storedCounts(services: SharedServiceUrls): Promise<Map<string, number>> {
  const sql =
    `SELECT message, count() AS n FROM logs WHERE service = 'rehearsal' ` +
    `AND startsWith(message, 'rehearsal-${runId}-') GROUP BY message FORMAT JSONEachRow`;
  const res = await fetch(`${services.clickhouseUrl}/?database=mylog`, {
    method: 'POST',
    body: sql,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text}`);
  const counts = new Map<string, number>();
  for (const line of text.split('\n').filter(Boolean)) {
    const row = JSON.parse(line) as { message: string; n: string | number };
    counts.set(row.message, Number(row.n));
  }
  return counts;
}

t.test(
  'blue/green rehearsal: zero failed requests, every acknowledged log stored once',
  async (t) => {
    const artifact = packArtifact();
    if (artifact.buildErrors)
      t.comment(`tsc reported errors but emitted the build:\n${artifact.buildErrors}`);
    const brokenBundle = packBrokenArtifact(artifact.stage);
    const services = await startSharedServices();

    // Deployment 1: blue.
    const blue = await newInstance('blue', services);
    const d1 = await deploy(blue.instance, artifact.bundle, 'd-BLUE00001');
    if (!t.ok(d1.ok, 'blue deploys through every hook')) {
      t.comment(describe(d1));
      return;
    }

    // Tenants the load runs as, created with the installed CLI like an operator would. Everything
    // the rehearsal needs from the app is checked here first and reported together.
    const orgName = `rehearsal-${runId}`;
    const missing: string[] = [];
    const attempt = (what: string, args: string[]): Record<string, unknown> | undefined => {
      try {
        return cli(blue.instance, blue.env, args);
      } catch (error) {
        missing.push(`${what}: ${(error as Error).message.split('\n')[0]?.slice(0, 300)}`);
        return undefined;
      }
    };
    attempt('CLI `mylog org create`', ['org', 'create', '--name', orgName]);
    const app = attempt('CLI `mylog app create`', [
      'app',
      'create',
      '--org',
      orgName,
      '--name',
      'web',
    ]);
    const ingestKey = findSecret(app, 'mlk_');
    if (app && !ingestKey) missing.push('`mylog app create --json` printed no mlk_ ingest key');
    // Search runs as a read-only user of the org, with an API token made for it.
    const email = `rehearsal-${runId}@example.com`;
    attempt('CLI `mylog member add`', [
      'member',
      'add',
      '--org',
      orgName,
      '--email',
      email,
      '--role',
      'viewer',
    ]);
    const token = attempt('CLI `mylog token create` (an mlt_ API token for search)', [
      'token',
      'create',
      '--email',
      email,
      '--scope',
      'read',
      '--name',
      'rehearsal',
    ]);
    const searchToken = findSecret(token, 'mlt_');
    if (token && !searchToken) missing.push('`mylog token create --json` printed no mlt_ token');
    const blueUrl = `http://127.0.0.1:${blue.port}`;
    const probeIngest = await fetch(`${blueUrl}/v1/logs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ingestKey ?? 'mlk_none'}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify([{ message: `rehearsal-${runId}-probe`, service: 'rehearsal-probe' }]),
    });
    if (probeIngest.status !== 202) {
      missing.push(
        `POST /v1/logs with an ingest key answered ${probeIngest.status}, not 202: ${(await probeIngest.text()).slice(0, 200)}`,
      );
    }
    const probeSearch = await fetch(`${blueUrl}/v1/logs?q=x`, {
      headers: { authorization: `Bearer ${searchToken ?? 'mlt_none'}` },
    });
    if (probeSearch.status === 404 || (searchToken && probeSearch.status !== 200)) {
      missing.push(
        `GET /v1/logs (search) answered ${probeSearch.status}: ${(await probeSearch.text()).slice(0, 200)}`,
      );
    }
    t.same(missing, [], 'the app provides what the rehearsal needs');
    if (missing.length > 0 || !ingestKey || !searchToken) return;

    const alb = await startAlbProxy(blue.port);
    cleanups.push(() => alb.close());

    const load = startLoad({
      baseUrl: alb.url,
      ingestKey,
      searchToken,
      runId,
      workers: 4,
      recordsPerRequest: 5,
      searchEvery: 5,
      maxRequests: 20_000,
      maxMs: 8 * 60_000,
      pauseMs: 25,
    });
    cleanups.push(() => load.stop());
    await sleep(3000);
    t.ok(
      load.report.ingests > 0 && load.report.searches > 0,
      'load is flowing through the proxy to blue',
    );

    // Deployment 2: a revision that cannot boot. ValidateService must fail it; blue keeps serving.
    const bad = await newInstance('green-broken', services);
    await fs.promises.appendFile(bad.instance.envFile, "MYLOG_READY_TIMEOUT_S='10'\n");
    const d2 = await deploy(bad.instance, brokenBundle, 'd-BROKEN001');
    t.notOk(d2.ok, 'the broken revision fails the deployment');
    t.equal(d2.results.at(-1)?.event, 'ValidateService', 'and it is ValidateService that fails it');
    t.match(d2.results.at(-1)?.output ?? '', /not ready after 10s/);
    t.equal(alb.target(), blue.port, 'traffic never left blue');
    await stopInstance(bad.instance);
    const failuresAfterBroken = load.report.failures.length;
    await sleep(2000);
    t.equal(
      (await fetch(`${alb.url}/readyz`)).status,
      200,
      'blue still serves after the failed deployment',
    );

    // Deployment 3: green.
    const green = await newInstance('green', services);
    const d3 = await deploy(green.instance, artifact.bundle, 'd-GREEN0001');
    if (!t.ok(d3.ok, 'green deploys and ValidateService passes')) t.comment(describe(d3));
    if (!d3.ok) return;

    // Reroute, drain blue (deregistration delay), then terminate it: SIGTERM through the hook.
    const switchStarted = Date.now();
    alb.switchTo(green.port);
    await alb.drained(blue.port, 30_000);
    const drainedMs = Date.now() - switchStarted;
    const bluePid = Number(fs.readFileSync(path.join(blue.instance.root, 'run/mylog.pid'), 'utf8'));
    const stop = await stopInstance(blue.instance);
    t.equal(stop.code, 0, `blue stopped: ${stop.output.trim()}`);
    t.notOk(isAlive(bluePid), 'blue exited');
    t.notMatch(
      stop.output,
      /did not drain in time/,
      'blue drained within its deadline (no SIGKILL)',
    );

    await sleep(5000);
    const report = await load.stop();
    t.ok(report.ingests > 50, `${report.ingests} ingest requests`);
    t.ok(report.searches > 10, `${report.searches} searches`);
    t.same(report.failures, [], 'zero failed requests');
    t.same(alb.upstreamErrors, [], 'the proxy never failed to forward');
    t.equal(failuresAfterBroken, 0, 'no failure during the broken deployment');
    t.equal(report.rejectedRecords, 0, 'no record was rejected');

    // Every acknowledged message must reach ClickHouse (through either instance's worker), once.
    const acknowledged = new Set(report.acknowledged);
    t.equal(acknowledged.size, report.acknowledged.length, 'acknowledged messages are unique');
    let counts = new Map<string, number>();
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      counts = await storedCounts(services);
      if ([...acknowledged].every((m) => counts.has(m))) break;
      await sleep(1000);
    }
    const lost = [...acknowledged].filter((m) => !counts.has(m));
    const duplicated = [...counts].filter(([, n]) => n !== 1);
    const unacknowledged = [...counts.keys()].filter((m) => !acknowledged.has(m));
    t.same(lost.slice(0, 20), [], `no acknowledged log missing (${lost.length} missing)`);
    t.same(duplicated.slice(0, 20), [], 'no log stored twice');
    t.same(unacknowledged.slice(0, 20), [], 'nothing stored that was not acknowledged');

    t.comment(
      `rehearsal: ${report.requests} requests in ${report.ms} ms (${report.ingests} ingests, ` +
        `${report.searches} searches), ${acknowledged.size} logs acknowledged, ${counts.size} stored, ` +
        `${report.failures.length} failed; blue drained ${drainedMs} ms after the switch, ` +
        `stopped in ${stop.ms} ms; green deployed in ${d3.results.reduce((s, r) => s + r.ms, 0)} ms`,
    );
  },
);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
