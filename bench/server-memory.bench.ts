/**
 * Memory of a MyLog server as production runs it: its own process, ClickHouse elsewhere
 * (`CLICKHOUSE_URL`). A chdb engine in this process stands in for the ClickHouse server (served
 * over ClickHouse's HTTP protocol), Postgres and Redis are the test services, and senders in a
 * child process post NDJSON (or another format) at an offered rate. The server's RSS is read from
 * /proc every 250 ms: its peak and median, split into anonymous and file-backed pages, and its CPU
 * per stored record.
 *
 * Run: npm run bench:server-memory
 *   BENCH_RATE (records/s offered, default 100000), BENCH_BATCHES (one size, default 1000),
 *   BENCH_DURATION_S (default 15), BENCH_CONCURRENCY (senders, default 16),
 *   BENCH_FORMAT (ndjson by default; any format of bench:ingest's --formats).
 */
import os from 'node:os';
import { startChdbHttpBridge } from '../src/infra/clickhouse/chdb-http-bridge.ts';
import { migrateClickHouse } from '../src/infra/clickhouse/migrations.ts';
import { createDb, migratePostgres } from '../src/infra/postgres.ts';
import { testEnv } from '../test/helpers/app.ts';
import { createChdbTestStore } from '../test/helpers/services.ts';
import { createTenant } from '../test/integration/ingest/ingest-fixtures.ts';
import { freePort, startMyLogProcess } from '../test/integration/ingest/mylog-process.ts';
import type { LoadSpec } from './lib/load-generator.ts';
import { FORMATS, isFormat } from './lib/format-bodies.ts';
import { loadAverages } from './lib/load-average.ts';
import { percentile } from './lib/percentile.ts';
import { cpuMicros, processMemory, type ProcessMemory } from './lib/process-stats.ts';
import { runLoadInChild } from './lib/run-load.ts';

const RATE_PER_S = Number(process.env.BENCH_RATE ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCHES ?? 1000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
for (const [name, value] of Object.entries({ RATE_PER_S, BATCH, DURATION_S, CONCURRENCY })) {
  if (!(value > 0)) throw new Error(`${name}: a number > 0 (got ${value})`);
}
const FORMAT = process.env.BENCH_FORMAT ?? 'ndjson';
if (!isFormat(FORMAT)) throw new Error(`BENCH_FORMAT: ${FORMAT} is none of ${FORMATS.join(', ')}`);

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

const clickhouse = createChdbTestStore(t);
await migrateClickHouse(clickhouse);
const bridgePort = await freePort();
const bridge = await startChdbHttpBridge({ session: clickhouse.bridgeSession(), port: bridgePort });
t.teardown(() => bridge.close());
const env = await testEnv(t, {
  LOG_LEVEL: 'warn',
  CLICKHOUSE_URL: `http://127.0.0.1:${bridgePort}`,
  CLICKHOUSE_DATABASE: clickhouse.database,
  INGEST_DURABILITY: process.env.INGEST_DURABILITY ?? 'fsync',
  INGEST_QUEUE_MAX_DEPTH: '100000',
  PORT: String(await freePort()),
});
const db = createDb(env.DATABASE_URL as string, 2);
t.teardown(() => db.destroy());
await migratePostgres(db);
const tenant = await createTenant(db);
const server = await startMyLogProcess(env);
t.teardown(() => server.kill('SIGINT'));
const pid = server.child.pid as number;

async function storedRows(): Promise<number> {
  const [row] = await clickhouse.query<{ n: string }>('SELECT count() AS n FROM logs');
  return Number(row?.n ?? 0);
}

const idle = processMemory(pid);
const samples: ProcessMemory[] = [];
const sampler = setInterval(() => samples.push(processMemory(pid)), 250);
const cpu0 = cpuMicros(pid);
const load0 = loadAverages();
const spec: LoadSpec = {
  url: server.url,
  key: tenant.key,
  batchSize: BATCH,
  concurrency: CONCURRENCY,
  durationMs: DURATION_S * 1000,
  ratePerS: RATE_PER_S,
  format: FORMAT,
};
const result = await runLoadInChild(spec);
const drainDeadline = Date.now() + 120_000;
let stored = await storedRows();
while (stored < result.accepted && Date.now() < drainDeadline) {
  await new Promise((r) => setTimeout(r, 250));
  stored = await storedRows();
}
clearInterval(sampler);
const cpuUs = cpuMicros(pid) - cpu0;
const peak = samples.reduce((a, b) => (b.rss > a.rss ? b : a), idle);
const median = percentile(
  samples.map((s) => s.rss).sort((a, b) => a - b),
  50,
);
const sendS = (result.endedAtMs - result.startedAtMs) / 1000;
const mb = (n: number): string => Math.round(n).toLocaleString('en');
console.log(
  `MyLog server memory: node ${process.version}, ${os.cpus().length} CPUs, ClickHouse over HTTP ` +
    `(chdb in the bench's process), ${CONCURRENCY} senders, ${FORMAT} batches of ${BATCH}, offered ${RATE_PER_S} ` +
    `records/s for ${DURATION_S} s, durability ${env.INGEST_DURABILITY}`,
);
console.log(
  JSON.stringify(
    {
      accepted_per_s: Math.round(result.accepted / sendS),
      stored: stored,
      lost: result.accepted - Math.min(stored, result.accepted),
      refused: result.refused,
      server_rss_mb: {
        idle: mb(idle.rss),
        median: mb(median),
        peak: mb(peak.rss),
        peak_anonymous: mb(peak.anon),
        peak_file_backed: mb(peak.file),
      },
      server_cpu_us_per_record: Number((cpuUs / Math.max(stored, 1)).toFixed(1)),
      load_average: `${load0} → ${loadAverages()}`,
    },
    null,
    2,
  ),
);
for (const fn of teardowns.reverse()) await fn();
process.exit(0);
