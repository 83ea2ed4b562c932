/**
 * Live tail under load: one MyLog server (child process, embedded chdb, real Redis/Postgres),
 * BENCH_SOCKETS WebSockets spread over BENCH_APPS apps, and senders POSTing BENCH_RATE logs/s
 * (100 rows per request, round-robin over the apps) for BENCH_DURATION_S seconds.
 * BENCH_FILTER=half (default): every other socket of an app tails `level:error` (10% of rows), the
 * rest tail everything; all: every socket but one per app filters; none: all tail everything. Each row carries its POST start time; per app, one unfiltered and one filtered
 * socket parse every frame and measure POST → delivery; the others only count bytes.
 *
 * Run: npm run bench:tail      (loopback only; the whole run is bounded by BENCH_DURATION_S + ~60 s)
 * Prints delivery p50/p99/max, rows delivered, dropped notices, server CPU (% of one core) and RSS.
 */
import fs from 'node:fs';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.ts';
import { createDb, migratePostgres } from '../src/infra/postgres.ts';
import { createTenant } from '../test/integration/ingest/ingest-fixtures.ts';
import { freePort, startMyLogProcess } from '../test/integration/ingest/mylog-process.ts';
import { addMembership } from '../test/integration/auth/auth-fixtures.ts';
import { userWithToken } from '../test/integration/tail/tail-fixtures.ts';
import { testEnv } from '../test/helpers/app.ts';
import { percentile } from './lib/percentile.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const APPS = Number(process.env.BENCH_APPS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
/** half: every other socket of an app tails `level:error`; all: every socket but one per app; none. */
const FILTER = process.env.BENCH_FILTER ?? 'half';
const ROWS_PER_POST = 100;

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

const env = await testEnv(t, {
  LOG_LEVEL: 'warn',
  INGEST_DURABILITY: 'none',
  INGEST_QUEUE_MAX_DEPTH: '100000',
  TAIL_MAX_CONNECTIONS: String(SOCKETS + 100),
});
const config = loadConfig(env);
const db = createDb(config.databaseUrl as string, 2);
await migratePostgres(db);
const tenants = [];
for (let i = 0; i < APPS; i++) tenants.push(await createTenant(db));
const first = tenants[0];
if (!first) throw new Error('BENCH_APPS must be at least 1');
const viewer = await userWithToken(db, config, first.orgId);
for (const tenant of tenants.slice(1)) await addMembership(db, tenant.orgId, viewer.user, 'viewer');

const server = await startMyLogProcess({ ...env, PORT: String(await freePort()) });
const pid = server.child.pid as number;
const wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/tail`;
console.log(`server pid ${pid}; opening ${SOCKETS} sockets over ${APPS} apps…`);

const latencies: number[] = [];
let rowsParsed = 0;
let bytesReceived = 0;
let droppedNotices = 0;
let measuring = false;
const sockets: WebSocket[] = [];
for (let i = 0; i < SOCKETS; i++) {
  const app = tenants[i % APPS] as (typeof tenants)[number];
  const filtered =
    FILTER === 'all' ? i >= APPS : FILTER === 'half' && Math.floor(i / APPS) % 2 === 1;
  const probe = i < APPS * 2; // the first two sockets of each app: one plain, one filtered
  const ws = new WebSocket(wsUrl, {
    headers: { authorization: `Bearer ${viewer.token}` },
    skipUTF8Validation: !probe,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    const buffer = data as Buffer;
    bytesReceived += buffer.length;
    if (!probe) return;
    const message = JSON.parse(buffer.toString()) as {
      type: string;
      rows?: { attributes: { sent: string } }[];
    };
    if (message.type === 'dropped') droppedNotices += 1;
    if (message.type !== 'logs' || !measuring) return;
    const now = Date.now();
    for (const row of message.rows ?? []) {
      latencies.push(now - Number(row.attributes.sent));
      rowsParsed += 1;
    }
  });
  ws.send(
    JSON.stringify({ type: 'subscribe', apps: [app.appId], q: filtered ? 'level:error' : '' }),
  );
  sockets.push(ws);
}
await sleep(2_000); // subscriptions visible to ingest (subscriber cache)

const records = (sent: number) =>
  JSON.stringify(
    Array.from({ length: ROWS_PER_POST }, (_, i) => ({
      level: i % 10 === 0 ? 'error' : 'info',
      service: 'bench',
      host: 'loopback',
      message: `request ${i} handled in ${i * 3} ms by worker ${i % 7}`,
      sent: String(sent),
    })),
  );

const postsPerSecond = RATE / ROWS_PER_POST;
let posted = 0;
let refused = 0;
const cpuBefore = cpuTicks(pid);
const startedAt = Date.now();
let maxRss = rssMiB(pid);
const rssTimer = setInterval(() => {
  maxRss = Math.max(maxRss, rssMiB(pid));
}, 500);
measuring = true;
const inflight = new Set<Promise<void>>();
for (let n = 0; Date.now() - startedAt < DURATION_S * 1000; n++) {
  const due = startedAt + (n * 1000) / postsPerSecond;
  if (due > Date.now()) await sleep(due - Date.now());
  const tenant = tenants[n % APPS] as (typeof tenants)[number];
  const sent = Date.now();
  const request = fetch(`${server.url}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
    body: records(sent),
  }).then(
    async (res) => {
      await res.arrayBuffer();
      if (res.status === 202) posted += ROWS_PER_POST;
      else refused += 1;
    },
    () => {
      refused += 1;
    },
  );
  inflight.add(request);
  void request.finally(() => inflight.delete(request));
}
await Promise.all(inflight);
const elapsedS = (Date.now() - startedAt) / 1000;
await sleep(1_500);
measuring = false;
clearInterval(rssTimer);
const cpuAfter = cpuTicks(pid);
const ticksPerS = 100;
const cpuPercent = ((cpuAfter - cpuBefore) / ticksPerS / (Date.now() - startedAt)) * 1000 * 100;

latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      sockets: SOCKETS,
      filter: FILTER,
      apps: APPS,
      target_logs_per_s: RATE,
      accepted_logs_per_s: Math.round(posted / elapsedS),
      refused_posts: refused,
      probe_rows_measured: rowsParsed,
      post_to_delivery_ms: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? NaN,
      },
      dropped_notices_on_probes: droppedNotices,
      client_received_mb_per_s: Math.round(bytesReceived / 1e6 / elapsedS),
      server_cpu_percent_of_one_core: Math.round(cpuPercent),
      server_rss_max_mib: Math.round(maxRss),
    },
    null,
    2,
  ),
);

for (const ws of sockets) ws.terminate();
await server.kill('SIGTERM');
await db.destroy();
for (const fn of teardowns.reverse()) await fn();
process.exit(0);
