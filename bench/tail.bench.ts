/**
 * Live tail under load: one MyLog server (child process, embedded chdb, real Redis/Postgres),
 * BENCH_SOCKETS WebSockets spread over BENCH_APPS apps, and senders POSTing BENCH_RATE logs/s
 * (100 rows per request, round-robin over the apps) for BENCH_DURATION_S seconds.
 * BENCH_FILTER=half (default): every other socket of an app tails `level:error` (10% of rows), the
 * rest tail everything; all: every socket but one per app filters; none: all tail everything.
 * Each row carries its POST start time; per app, one unfiltered and one filtered socket parse
 * every frame and measure POST → delivery; the others only count bytes. The sockets live in
 * BENCH_CLIENT_THREADS worker threads (default 2), the posting loop on the main thread.
 *
 * Run: npm run bench:tail      (loopback only; the whole run is bounded by BENCH_DURATION_S + ~60 s)
 * Every TAIL_* variable is passed to the server: TAIL_MAX_ROWS_PER_SECOND=0 turns sampling off.
 * BENCH_MAX_SOCKETS=64: the senders share 64 keep-alive connections (default: no bound).
 * BENCH_PROFILE=<dir> writes the server's main-thread CPU profile there.
 * Prints delivery p50/p99/max, and p99 by second posted of delivery, of POST → the server's receipt
 * (the row id's time) and of POST → 202; rows delivered, dropped notices, server CPU and RSS,
 * the server's own receipt → send histogram and event-loop lag, the client's CPU and loop delays.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { createDb, migratePostgres } from '../src/infra/postgres.ts';
import { createTenant } from '../test/integration/ingest/ingest-fixtures.ts';
import { freePort, startMyLogProcess } from '../test/integration/ingest/mylog-process.ts';
import { addMembership } from '../test/integration/auth/auth-fixtures.ts';
import { userWithToken } from '../test/integration/tail/tail-fixtures.ts';
import { testEnv } from '../test/helpers/app.ts';
import { threadCpuMicros } from '../src/infra/thread-cpu-clock.ts';
import { postKeepAlive } from './lib/keep-alive-post.ts';
import { loadAverages } from './lib/load-average.ts';
import { cpuMicros, processMemory } from './lib/process-stats.ts';
import { percentile } from './lib/percentile.ts';
import type {
  ViewerSpec,
  ViewersCommand,
  ViewersInput,
  ViewersResult,
} from './lib/tail-viewers.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const APPS = Number(process.env.BENCH_APPS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
/** half: every other socket of an app tails `level:error`; all: every socket but one per app; none. */
const FILTER = process.env.BENCH_FILTER ?? 'half';
const ROWS_PER_POST = 100;
/** Worker threads holding the sockets (the posting loop has the main thread to itself). */
const CLIENT_THREADS = Number(process.env.BENCH_CLIENT_THREADS ?? 2);

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const env = await testEnv(t, {
  LOG_LEVEL: 'warn',
  INGEST_DURABILITY: 'none',
  INGEST_QUEUE_MAX_DEPTH: '100000',
  TAIL_MAX_CONNECTIONS: String(SOCKETS + 100),
  // The tail's settings to compare (TAIL_MAX_ROWS_PER_SECOND, TAIL_BATCH_INTERVAL_MS, …).
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('TAIL_') && entry[1] !== undefined,
    ),
  ),
});
const config = loadConfig(env);
const db = createDb(config.databaseUrl as string, 2);
await migratePostgres(db);
const tenants: Awaited<ReturnType<typeof createTenant>>[] = [];
for (let i = 0; i < APPS; i++) tenants.push(await createTenant(db));
const first = tenants[0];
if (!first) throw new Error('BENCH_APPS must be at least 1');
const viewer = await userWithToken(db, config, first.orgId);
for (const tenant of tenants.slice(1)) await addMembership(db, tenant.orgId, viewer.user, 'viewer');

const PROFILE_DIR = process.env.BENCH_PROFILE;
const server = await startMyLogProcess({
  ...env,
  PORT: String(await freePort()),
  // The server's main-thread CPU profile, written when it exits at the end of the run.
  ...(PROFILE_DIR
    ? {
        NODE_OPTIONS: `--import ${new URL('./lib/cpu-profile-hook.mjs', import.meta.url).pathname}`,
        MYLOG_CPU_PROFILE_DIR: PROFILE_DIR,
      }
    : {}),
});
const pid = server.child.pid as number;
const wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/tail`;
console.log(`server pid ${pid}; opening ${SOCKETS} sockets over ${APPS} apps…`);

// The sockets, in worker threads (bench/lib/tail-viewers.ts): the first two of each app are
// probes, one plain and one filtered.
const viewers: ViewerSpec[] = Array.from({ length: SOCKETS }, (_, i) => ({
  appId: (tenants[i % APPS] as (typeof tenants)[number]).appId,
  filtered: FILTER === 'all' ? i >= APPS : FILTER === 'half' && Math.floor(i / APPS) % 2 === 1,
  probe: i < APPS * 2,
}));
// Node 20 resolves a worker's entry before any loader: a JS stub registers tsx, then imports.
const viewersEntry = JSON.stringify(new URL('./lib/tail-viewers.ts', import.meta.url).href);
const workers = Array.from({ length: CLIENT_THREADS }, (_, w) => {
  const input: ViewersInput = {
    wsUrl,
    token: viewer.token,
    viewers: viewers.filter((_, i) => i % CLIENT_THREADS === w),
  };
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${viewersEntry}); });`,
    { eval: true, workerData: input },
  );
});
const nextMessage = <T>(worker: Worker): Promise<T> =>
  new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
await Promise.all(workers.map((w) => nextMessage<'ready'>(w)));
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

/** The server's own view: its POST → send histogram and event-loop lag, from /metrics. */
async function serverMetrics(): Promise<{
  buckets: Map<number, number>;
  loopLagP99Ms: number;
  rowsSent: number;
  rowsSampledOut: number;
}> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const counter = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(
    /^mylog_tail_delivery_latency_seconds_bucket\{le="([^"]+)"\} (\d+)/gm,
  ))
    buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return {
    buckets,
    loopLagP99Ms: Math.round(counter('mylog_nodejs_eventloop_lag_p99_seconds') * 1000),
    rowsSent: counter('mylog_tail_rows_sent_total'),
    rowsSampledOut: counter('mylog_tail_rows_sampled_out_total'),
  };
}

/** The bucket bound (ms) under which `p` % of the samples between two readings fall. */
function bucketPercentile(before: Map<number, number>, after: Map<number, number>, p: number) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= (total * p) / 100)
      return bound === Infinity ? '> 5000' : `<= ${bound * 1000}`;
  }
  return 'n/a';
}

// The senders stand for other machines: plain http with keep-alive, not fetch (bench/lib/keep-alive-post.ts).
// BENCH_MAX_SOCKETS bounds the senders' connections as a shipper's pool does; unbounded (the
// default, as in every earlier run), each request waiting for an answer opens another one.
const agent = new http.Agent({
  keepAlive: true,
  maxSockets: Number(process.env.BENCH_MAX_SOCKETS ?? Infinity),
});
const post = (key: string, body: string): Promise<number> =>
  postKeepAlive(agent, `${server.url}/v1/logs`, { key, contentType: 'application/json' }, body);

const postsPerSecond = RATE / ROWS_PER_POST;
let posted = 0;
let refused = 0;
const serverBefore = await serverMetrics();
const cpuBefore = cpuMicros(pid);
// The bench's own process receives every byte the server sends: when it is the busy one, the
// latencies it measures are its own event loop's.
const clientCpuBefore = process.cpuUsage();
const posterCpuBefore = threadCpuMicros();
const clientLoopDelay = monitorEventLoopDelay({ resolution: 10 });
clientLoopDelay.enable();
for (const w of workers) w.postMessage('measure' satisfies ViewersCommand);
const startedAt = Date.now();
let maxRss = processMemory(pid).rss;
const rssTimer = setInterval(() => {
  maxRss = Math.max(maxRss, processMemory(pid).rss);
}, 500);
const inflight = new Set<Promise<void>>();
/** How long each POST took to be answered (202 = durably queued, so published to the tail). */
const postAnswers: { sent: number; ms: number }[] = [];
for (let n = 0; Date.now() - startedAt < DURATION_S * 1000; n++) {
  const due = startedAt + (n * 1000) / postsPerSecond;
  if (due > Date.now()) await sleep(due - Date.now());
  const tenant = tenants[n % APPS] as (typeof tenants)[number];
  const sent = Date.now();
  const request = post(tenant.key, records(sent)).then(
    (status) => {
      postAnswers.push({ sent, ms: Date.now() - sent });
      if (status === 202) posted += ROWS_PER_POST;
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
const reports = await Promise.all(
  workers.map((w) => {
    const report = nextMessage<ViewersResult>(w);
    w.postMessage('report' satisfies ViewersCommand);
    return report;
  }),
);
clearInterval(rssTimer);
const cpuAfter = cpuMicros(pid);
clientLoopDelay.disable();
const serverAfter = await serverMetrics();
const clientCpu = process.cpuUsage(clientCpuBefore);
const posterCpuMicros = threadCpuMicros() - posterCpuBefore;
const cpuPercent = ((cpuAfter - cpuBefore) / 1000 / (Date.now() - startedAt)) * 100;
const clientCpuPercent =
  ((clientCpu.user + clientCpu.system) / 1000 / (Date.now() - startedAt)) * 100;

const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
/** Values grouped by the second of the run their POST started in. */
const bySecondPosted = () => {
  const seconds: number[][] = Array.from({ length: Math.ceil(elapsedS) }, () => []);
  return {
    seconds,
    add: (sent: number, value: number) =>
      seconds[Math.floor((sent - startedAt) / 1000)]?.push(value),
  };
};
/** p99 of each second of the run: a warm-up transient or a steady state. */
const p99s = (seconds: number[][]) =>
  seconds.map((inSecond) =>
    inSecond.length > 0
      ? percentile(
          inSecond.sort((a, b) => a - b),
          99,
        )
      : null,
  );
const delivery = bySecondPosted();
/** The part of it before the server's `onRequest` (the row's id time): connecting, sending. */
const toReceipt = bySecondPosted();
for (const r of reports) {
  r.latencies.forEach((latency, i) => {
    const sent = r.sentAt[i] ?? 0;
    delivery.add(sent, latency);
    toReceipt.add(sent, (r.receivedAt[i] ?? 0) - sent);
  });
}
// Beside delivery by second: a slow answer means the time went before the publish (ingest side),
// a fast answer with a late delivery means it went after it (hub, socket, viewer).
const answers = bySecondPosted();
for (const { sent, ms } of postAnswers) answers.add(sent, ms);
const sum = (pick: (r: ViewersResult) => number) => reports.reduce((n, r) => n + pick(r), 0);
console.log(
  JSON.stringify(
    {
      sockets: SOCKETS,
      filter: FILTER,
      apps: APPS,
      target_logs_per_s: RATE,
      accepted_logs_per_s: Math.round(posted / elapsedS),
      refused_posts: refused,
      probe_rows_measured: sum((r) => r.rowsParsed),
      post_to_delivery_ms: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? NaN,
      },
      post_to_delivery_p99_ms_by_second_posted: p99s(delivery.seconds),
      post_to_receipt_p99_ms_by_second_posted: p99s(toReceipt.seconds),
      post_answer_p99_ms_by_second_posted: p99s(answers.seconds),
      dropped_notices_on_probes: sum((r) => r.droppedNotices),
      tail_max_rows_per_second: config.tail.maxRowsPerSecond,
      tail_batch_interval_ms: config.tail.batchIntervalMs,
      sampled_rows_reported_to_probes: sum((r) => r.sampledRows),
      server_rows_sent_per_s: Math.round((serverAfter.rowsSent - serverBefore.rowsSent) / elapsedS),
      server_rows_sampled_out_per_s: Math.round(
        (serverAfter.rowsSampledOut - serverBefore.rowsSampledOut) / elapsedS,
      ),
      client_received_mb_per_s: Math.round(sum((r) => r.bytesReceived) / 1e6 / elapsedS),
      server_cpu_percent_of_one_core: Math.round(cpuPercent),
      server_rss_max_mib: Math.round(maxRss),
      server_receipt_to_send_ms: {
        p50: bucketPercentile(serverBefore.buckets, serverAfter.buckets, 50),
        p99: bucketPercentile(serverBefore.buckets, serverAfter.buckets, 99),
      },
      server_event_loop_lag_p99_ms: serverAfter.loopLagP99Ms,
      client_cpu_percent_of_one_core: Math.round(clientCpuPercent),
      client_threads: CLIENT_THREADS,
      client_poster_thread_cpu_percent: Math.round(
        (posterCpuMicros / 1000 / (Date.now() - startedAt)) * 100,
      ),
      client_viewer_thread_cpu_percent: reports.map((r) =>
        Math.round((r.cpuMicros / 1000 / (Date.now() - startedAt)) * 100),
      ),
      client_event_loop_delay_p99_ms: {
        poster: Math.round(clientLoopDelay.percentile(99) / 1e6),
        viewers: reports.map((r) => r.loopDelayP99Ms),
      },
      load_average: loadAverages(),
    },
    null,
    2,
  ),
);

await Promise.all(workers.map((w) => w.terminate()));
agent.destroy();
await server.kill('SIGTERM');
await db.destroy();
for (const fn of teardowns.reverse()) await fn();
process.exit(0);
