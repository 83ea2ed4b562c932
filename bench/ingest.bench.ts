/**
 * End-to-end ingest throughput: concurrent senders POST NDJSON batches (1, 100, 1000 records) over
 * loopback HTTP to a MyLog app on the embedded engines (Redis with appendfsync always, chdb), for
 * a fixed time; then the raw ceiling: chdb inserting the same JSONCompactEachRow rows directly.
 * Each measurement starts once ClickHouse runs no background merge, so none pays for merging the
 * parts of the one before (its own merges count).
 *
 * Run: npm run bench:ingest            (BENCH_DURATION_S=15, BENCH_CONCURRENCY=16, BENCH_BATCHES=1,100,1000)
 * Prints records/s accepted and stored, HTTP p50/p99, ingest→stored lag p50/p99, CPU and RSS.
 * `npm run bench:ingest -- --formats ndjson,json,otlp-proto,otlp-json,bulk,loki` sends the same
 * records in each of those formats instead (batch: the first of BENCH_BATCHES, 1000 by default
 * here) and prints one table of them, against the raw ceiling of the same run.
 * The box is often shared, so each scenario also prints the load average and the CPU time per
 * stored record of this process, Redis and the senders: those move far less with other work than
 * records/s do. BENCH_METRICS=1 adds per-stage sums (group commit write, queue wait,
 * insert, rows per insert); BENCH_PROFILE=<dir> writes each scenario's main-thread CPU profile;
 * BENCH_RAW_ROWS sets the rows per insert of the raw ceiling. BENCH_RATE=<records/s> paces the
 * senders to that offered load, for lag and memory at a rate the server sustains (at saturation
 * the backlog, and so the lag, grows for as long as the run lasts). BENCH_REDACTION=presets runs
 * every scenario twice: as is, and against an app with the 5 most common redaction presets on
 * (table rows "+presets").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session as InspectorSession } from 'node:inspector/promises';
import { createAppWithKey } from '../src/modules/apps/apps.service.ts';
import { INSERT_TARGET } from '../src/modules/ingest/decode/index.ts';
import { insertSettings } from '../src/modules/pipeline/insert-job.processor.ts';
import { createOrg } from '../src/modules/orgs/orgs.service.ts';
import { createRedactionRepository } from '../src/modules/redaction/redaction.repository.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { createChdbTestStore } from '../test/helpers/services.ts';
import { FORMATS, isFormat } from './lib/format-bodies.ts';
import type { Format } from './lib/format-bodies.ts';
import type { LoadSpec } from './lib/load-generator.ts';
import { serialisedChunkOf1000 } from './lib/sample-rows.ts';
import { percentile } from './lib/percentile.ts';
import { runLoadInChild } from './lib/run-load.ts';
import { threadCpu, threadCpuSpent } from './lib/thread-cpu.ts';
import { SERVER_V8_FLAGS } from '../src/server-v8-flags.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** `--formats a,b`: one scenario per format (at one batch size) instead of one per batch size. */
const formatsArg = process.argv.indexOf('--formats');
const FORMAT_LIST: Format[] | undefined =
  formatsArg === -1
    ? undefined
    : (process.argv[formatsArg + 1] ?? '').split(',').map((name) => {
        if (!isFormat(name)) throw new Error(`--formats: ${name} is none of ${FORMATS.join(', ')}`);
        return name;
      });
const BATCHES = (process.env.BENCH_BATCHES ?? (FORMAT_LIST ? '1000' : '1,100,1000'))
  .split(',')
  .map(Number);
/** Records/s offered (paced) instead of as fast as the server answers: lag at a sustained rate. */
const RATE_PER_S = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
if (RATE_PER_S !== undefined && !(RATE_PER_S > 0)) throw new Error('BENCH_RATE: records/s > 0');
/** A directory: each scenario's main-thread CPU profile is written there (.cpuprofile). */
const PROFILE_DIR = process.env.BENCH_PROFILE;

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

/** Percentile of values weighted by counts (lag applies to every row of a job). */
function weightedPercentile(pairs: [number, number][], p: number): number {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, w]) => s + w, 0);
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= (p / 100) * total) return value;
  }
  return NaN;
}

const { app, config, db, redis, clickhouse } = await buildTestApp(t, {
  clickhouse: createChdbTestStore(t),
  env: {
    LOG_LEVEL: 'warn',
    INGEST_DURABILITY: process.env.INGEST_DURABILITY ?? 'fsync',
    INGEST_QUEUE_MAX_DEPTH: '100000',
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => /^(INGEST_|WORKER_)/.test(k)) as [
        string,
        string,
      ][],
    ),
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });
app.lifecycle.state = 'ready';
const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const org = await createOrg(db, { name: 'Bench', slug: `bench-${Date.now()}` });
const { key } = await createAppWithKey(db, { orgId: org.id }, { name: 'bench', slug: 'bench' });
/** BENCH_REDACTION=presets: every scenario also runs against an app with the 5 common presets on. */
const redactedKey =
  process.env.BENCH_REDACTION === 'presets' ? await appWithPresetRules() : undefined;

async function appWithPresetRules(): Promise<string> {
  const created = await createAppWithKey(
    db,
    { orgId: org.id },
    { name: 'bench redacted', slug: 'bench-redacted' },
  );
  const rules = createRedactionRepository(db);
  for (const preset of ['email', 'payment_card', 'ipv4', 'jwt', 'bearer_token']) {
    await rules.insert(
      { orgId: org.id, appId: created.app.id },
      {
        name: preset,
        detector: { preset },
        scope: 'all',
        action: 'mask',
        keep: null,
        enabled: true,
      },
    );
  }
  return created.key.key;
}

let storedRows = 0;
let lastStoredAtMs = 0;
let lag: [number, number][] = [];
app.pipeline.events.on('stored', (job, storedAtMs) => {
  storedRows += job.data.rows;
  lastStoredAtMs = storedAtMs;
  lag.push([storedAtMs - job.data.firstReceivedAtMs, job.data.rows]);
});

interface Row {
  format: Format;
  /** Sent to the app with the redaction presets on (BENCH_REDACTION=presets). */
  redacted: boolean;
  batch: number;
  acceptedPerS: number;
  storedPerS: number;
  httpP50: number;
  httpP99: number;
  lagP50: number;
  lagP99: number;
  cpuPct: number;
  /** CPU time per stored record, µs, of this process (HTTP, decode, worker, chdb), Redis, senders. */
  serverUsPerRow: number;
  /** serverUsPerRow split by thread group (empty off Linux). */
  serverUsPerRowByThread: [string, number][];
  redisUsPerRow: number;
  senderUsPerRow: number;
  load: string;
  rssMb: number;
  /** process.memoryUsage() when RSS peaked: what of it is V8's heap, Node's buffers, chdb's own. */
  atPeak: NodeJS.MemoryUsage & { clickhouseTrackedBytes: number };
  refused: string;
}

/** What the engine's memory tracker counts now (chdb shares this process; NaN on a server). */
async function clickhouseTrackedBytes(): Promise<number> {
  if (clickhouse.kind !== 'chdb') return NaN;
  const [row] = await clickhouse.query<{ value: string }>(
    "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'",
  );
  return Number(row?.value ?? NaN);
}

/** Redis's own CPU time, µs (it is a separate process: its share of the box counts too). */
async function redisCpuUs(): Promise<number> {
  const info = await redis.info('cpu');
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (sys + user) * 1e6;
}

const loadAverage = (): string => os.loadavg()[0]?.toFixed(1) ?? '-';

async function scenario(
  batchSize: number,
  format: Format = 'ndjson',
  redacted = false,
): Promise<Row> {
  storedRows = 0;
  lag = [];
  let atPeak = { ...process.memoryUsage(), clickhouseTrackedBytes: NaN };
  const rssTimer = setInterval(() => {
    void clickhouseTrackedBytes().then((tracked) => {
      const now = process.memoryUsage();
      if (now.rss > atPeak.rss) atPeak = { ...now, clickhouseTrackedBytes: tracked };
    });
  }, 250);
  const load0 = loadAverage();
  const redisCpu0 = await redisCpuUs();
  const profiler = PROFILE_DIR ? new InspectorSession() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const wall0 = performance.now();
  const spec: LoadSpec = {
    url,
    key: redacted ? (redactedKey as string) : key.key,
    batchSize,
    concurrency: batchSize === 1 ? CONCURRENCY * 4 : CONCURRENCY,
    durationMs: DURATION_S * 1000,
    format,
    ratePerS: RATE_PER_S,
  };
  const result = await runLoadInChild(spec);
  // Drain: everything acknowledged must reach ClickHouse.
  const drainDeadline = Date.now() + 120_000;
  while (storedRows < result.accepted && Date.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const cpu = process.cpuUsage(cpu0);
  const byThread = threadCpuSpent(threads0, threadCpu());
  const wallMs = performance.now() - wall0;
  const redisCpu = (await redisCpuUs()) - redisCpu0;
  clearInterval(rssTimer);
  if (profiler && PROFILE_DIR) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    fs.writeFileSync(
      path.join(PROFILE_DIR, `ingest-${format}-batch-${batchSize}-${Date.now()}.cpuprofile`),
      JSON.stringify(profile),
    );
    profiler.disconnect();
  }
  const latencies = result.latenciesMs.sort((a, b) => a - b);
  const sendS = (result.endedAtMs - result.startedAtMs) / 1000;
  return {
    format,
    redacted,
    batch: batchSize,
    acceptedPerS: result.accepted / sendS,
    storedPerS: storedRows / ((lastStoredAtMs - result.startedAtMs) / 1000),
    httpP50: percentile(latencies, 50),
    httpP99: percentile(latencies, 99),
    lagP50: weightedPercentile(lag, 50),
    lagP99: weightedPercentile(lag, 99),
    cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    serverUsPerRow: (cpu.user + cpu.system) / storedRows,
    serverUsPerRowByThread: byThread.map(([group, us]) => [group, us / storedRows]),
    redisUsPerRow: redisCpu / storedRows,
    senderUsPerRow: result.cpuUs / storedRows,
    load: `${load0}→${loadAverage()}`,
    rssMb: atPeak.rss / 1e6,
    atPeak,
    refused:
      storedRows === result.accepted
        ? Object.entries(result.refused)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ') || '-'
        : `LOST ${result.accepted - storedRows}`,
  };
}

/**
 * Waits (at most 90 s) until ClickHouse runs no background merge, so that a scenario is not
 * charged for merging the parts of the one before it; its own merges still count. Returns the
 * seconds waited.
 */
async function settleMerges(): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - started < 90_000) {
    const [row] = await clickhouse.query<{ n: string }>(
      'SELECT count() AS n FROM system.merges WHERE database = currentDatabase()',
    );
    quiet = Number(row?.n ?? 0) === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - started) / 1000;
}

async function rawCeiling(
  rowsPerInsert: number,
  seconds: number,
): Promise<{ rowsPerS: number; rows: number }> {
  const chunk = await serialisedChunkOf1000({ orgId: org.id, appId: org.id });
  const payload = Buffer.concat(Array.from({ length: rowsPerInsert / 1000 }, () => chunk));
  let inserted = 0;
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    await clickhouse.insertRaw(
      'logs',
      payload,
      insertSettings(`raw-${rowsPerInsert}-${i}`),
      INSERT_TARGET,
    );
    inserted += rowsPerInsert;
  }
  return { rowsPerS: inserted / ((performance.now() - started) / 1000), rows: inserted };
}

/** The server runs in this process: without the server's V8 options it is not the product's heap. */
function v8Options(): string {
  const missing = SERVER_V8_FLAGS.filter((flag) => !process.execArgv.includes(flag));
  return missing.length === 0
    ? SERVER_V8_FLAGS.join(' ')
    : `without the server's ${missing.join(' ')} (use npm run bench:ingest)`;
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits }) : '-';
console.log(
  `MyLog ingest bench: node ${process.version}, ${os.cpus().length} CPUs, ${DURATION_S}s per scenario, ` +
    `${CONCURRENCY} senders (×4 for batch 1), durability=${config.ingest.durability}, ` +
    `group commit ${config.ingest.groupCommitWindowMs} ms / ${config.ingest.groupCommitMaxRows} rows, ` +
    `worker concurrency ${config.worker.concurrency}, merged inserts of ${config.worker.mergeTargetRows} rows, ` +
    (RATE_PER_S ? `offered ${RATE_PER_S} records/s` : 'offered as fast as answered') +
    `, V8 options: ${v8Options()}`,
);
const results: Row[] = [];
const scenarios: [number, Format][] = FORMAT_LIST
  ? FORMAT_LIST.map((format) => [BATCHES[0] ?? 1000, format])
  : BATCHES.map((batch) => [batch, 'ndjson']);
const label = (r: Row): string => (r.redacted ? ' +presets' : '');
for (const [batch, format] of scenarios) {
  for (const redacted of redactedKey === undefined ? [false] : [false, true]) {
    const settled = await settleMerges();
    if (settled > 2) console.log(`  (waited ${fmt(settled, 1)} s for earlier merges to finish)`);
    results.push(await scenario(batch, format, redacted));
    const r = results[results.length - 1] as Row;
    console.log(`  ${format} batch ${batch}${label(r)}: done (${fmt(r.storedPerS)} rec/s stored)`);
  }
}
await settleMerges();
const ceilingCpu0 = process.cpuUsage();
const ceilingThreads0 = threadCpu();
const ceilingLoad0 = loadAverage();
const ceilingRowsPerInsert = Number(process.env.BENCH_RAW_ROWS ?? config.ingest.groupCommitMaxRows);
const { rowsPerS: ceiling, rows: ceilingRows } = await rawCeiling(
  ceilingRowsPerInsert,
  Math.min(10, DURATION_S),
);
const ceilingCpu = process.cpuUsage(ceilingCpu0);
const ceilingByThread = threadCpuSpent(ceilingThreads0, threadCpu());
console.log('');
if (FORMAT_LIST) {
  console.log(
    `| format (batch ${scenarios[0]?.[0]}) | rec/s stored | CPU µs/rec server | CPU µs/rec server+redis+senders | lag p99 ms | HTTP p99 ms | % of raw | RSS MB | load avg | refused |`,
  );
  console.log('|---|---:|---:|---|---:|---:|---:|---:|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.format}${label(r)} | ${fmt(r.storedPerS)} | ${fmt(r.serverUsPerRow, 1)} | ` +
        `${fmt(r.serverUsPerRow, 1)}+${fmt(r.redisUsPerRow, 1)}+${fmt(r.senderUsPerRow, 1)} | ` +
        `${fmt(r.lagP99)} | ${fmt(r.httpP99, 1)} | ${fmt((r.storedPerS / ceiling) * 100)} | ` +
        `${fmt(r.rssMb)} | ${r.load} | ${r.refused} |`,
    );
  }
} else {
  console.log(
    '| batch | rec/s accepted | rec/s stored | HTTP p50 ms | HTTP p99 ms | lag p50 ms | lag p99 ms | CPU % (1 core = 100) | CPU µs/rec server+redis+senders | RSS MB | % of raw | load avg | refused |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.batch}${label(r)} | ${fmt(r.acceptedPerS)} | ${fmt(r.storedPerS)} | ${fmt(r.httpP50, 1)} | ${fmt(r.httpP99, 1)} | ` +
        `${fmt(r.lagP50)} | ${fmt(r.lagP99)} | ${fmt(r.cpuPct)} | ` +
        `${fmt(r.serverUsPerRow, 1)}+${fmt(r.redisUsPerRow, 1)}+${fmt(r.senderUsPerRow, 1)} | ` +
        `${fmt(r.rssMb)} | ${fmt((r.storedPerS / ceiling) * 100)} | ${r.load} | ${r.refused} |`,
    );
  }
}
console.log(
  '\nmemory at peak RSS, MB (the rest is native: chdb, code, stacks; chdb alone, loaded, is ~250):',
);
for (const r of results) {
  const { rss, heapTotal, external, arrayBuffers, clickhouseTrackedBytes: tracked } = r.atPeak;
  console.log(
    `  ${r.format} batch ${r.batch}${label(r)}: RSS ${fmt(rss / 1e6)} = V8 heap ${fmt(heapTotal / 1e6)} ` +
      `+ external ${fmt(external / 1e6)} (buffers ${fmt(arrayBuffers / 1e6)}) ` +
      `+ rest ${fmt((rss - heapTotal - external) / 1e6)}, of which ClickHouse's tracker counts ${fmt(tracked / 1e6)}`,
  );
}
const byThreadText = (pairs: [string, number][]): string =>
  pairs.map(([group, us]) => `${group} ${fmt(us, 1)}`).join(', ');
if (results.some((r) => r.serverUsPerRowByThread.length > 0)) {
  console.log(
    '\nserver CPU µs per stored record by thread (process.cpuUsage split by /proc/self/task):',
  );
  for (const r of results)
    console.log(
      `  ${r.format} batch ${r.batch}${label(r)}: ${byThreadText(r.serverUsPerRowByThread)}`,
    );
  console.log(
    `  raw ceiling: ${byThreadText(ceilingByThread.map(([g, us]) => [g, us / ceilingRows]))}`,
  );
}
console.log(
  `\nraw ceiling: chdb insertRaw of the same rows, ${ceilingRowsPerInsert} rows per insert: ${fmt(ceiling)} rows/s, ` +
    `${fmt((ceilingCpu.user + ceilingCpu.system) / ceilingRows, 1)} CPU µs/row, load avg ${ceilingLoad0}→${loadAverage()}`,
);

if (process.env.BENCH_METRICS) {
  const text = await app.metrics.registry.metrics();
  console.log(
    text
      .split('\n')
      .filter((l) =>
        /^mylog_(group_commit|clickhouse_insert|ingest_lag|ingest_queue_wait)[a-z_]*_(sum|count)/.test(
          l,
        ),
      )
      .join('\n'),
  );
}
for (const fn of teardowns.reverse()) await fn();
process.exit(0);
