/**
 * Pure ingest decode throughput: body → serialised (JSONCompactEachRow) bytes, no HTTP, no Redis,
 * as ingest runs it (decodeAndSerialiseIngestBody: NDJSON, OTLP protobuf and OTLP/JSON through
 * their fast paths) and through the general path (decodeIngestBody → rows → serialiseRows), for
 * every format with the same records (bench/lib/format-bodies.ts). The general path is what OTLP
 * protobuf and OTLP/JSON took before their fast paths, so one run shows before and after.
 * The rows are decoded as requests of [batch] records each (default 1000, bench:ingest's batch; the
 * server refuses more than INGEST_MAX_RECORDS_PER_REQUEST, 10,000 by default): one body of all the
 * rows (batch = rows) measures the garbage collection of a body no sender posts as much as decoding.
 * Run: node --import tsx bench/decode.bench.ts [rows] [batch]
 */
import {
  decodeAndSerialiseIngestBody,
  decodeIngestBody,
  DEFAULT_INGEST_LIMITS,
  serialiseRows,
} from '../src/modules/ingest/decode/index.ts';
import type { IngestRouteKind } from '../src/modules/ingest/decode/index.ts';
import { FORMATS, formatRequest } from './lib/format-bodies.ts';
import type { Format } from './lib/format-bodies.ts';

const ROWS = Number(process.argv[2] ?? 100_000);
const BATCH = Math.min(ROWS, Number(process.argv[3] ?? 1000));
if (!(ROWS > 0 && BATCH > 0 && ROWS % BATCH === 0)) {
  console.error('usage: bench/decode.bench.ts [rows] [batch]  (rows a multiple of batch)');
  process.exit(2);
}
/** Distinct bodies cycled through, as from different senders (hosts differ per sender). */
const SENDERS = Math.min(16, ROWS / BATCH);
const RUNS = 5;
const limits = {
  ...DEFAULT_INGEST_LIMITS,
  maxRecordsPerRequest: BATCH,
  maxDecodedBodyBytes: 512 * 1024 * 1024,
};
const tenant = {
  org_id: '0190f1e2-0000-7000-8000-000000000001',
  app_id: '0190f1e2-0000-7000-8000-000000000002',
  retention_days: 30,
};
const now = Date.now();
/** The ingest route each format is sent to. */
const KIND: Record<Format, IngestRouteKind> = {
  ndjson: 'logs',
  json: 'logs',
  'otlp-proto': 'otlp',
  'otlp-json': 'otlp',
  bulk: 'bulk',
  loki: 'loki',
  'loki-proto': 'loki',
};

async function bench(
  path: 'ingest' | 'general',
  name: string,
  kind: IngestRouteKind,
  contentType: string,
  bodies: readonly Buffer[],
): Promise<void> {
  const times: number[] = [];
  let bytes = 0;
  let cpuUs = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    let accepted = 0;
    let rejected = 0;
    bytes = 0;
    for (let b = 0; b < ROWS / BATCH; b++) {
      const body = bodies[b % bodies.length] as Buffer;
      const input = { kind, contentType, contentEncoding: undefined, body, limits, now };
      let out: Buffer | undefined;
      if (path === 'ingest') {
        const result = await decodeAndSerialiseIngestBody(input, tenant);
        accepted += result.accepted;
        out = result.serialised;
        rejected += result.rejected.length;
      } else {
        const result = await decodeIngestBody(input);
        out = serialiseRows(result.rows, tenant);
        accepted += result.rows.length;
        rejected += result.rejected.length;
      }
      bytes += out?.length ?? 0;
    }
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    if (accepted !== ROWS || rejected > 0)
      throw new Error(`${name}: ${accepted} rows, ${rejected} rejected`);
    // The first run warms the JIT up.
    if (run === 0) continue;
    times.push(elapsed);
    cpuUs += cpu.user + cpu.system;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] as number;
  const best = times[0] as number;
  console.log(
    `${name.padEnd(16)} ${ROWS} rows  bodies ${((bodies[0] as Buffer).length / BATCH).toFixed(0)} B/row → serialised ${(bytes / ROWS).toFixed(0)} B/row  ` +
      `median ${median.toFixed(0)} ms = ${Math.round((ROWS / median) * 1000).toLocaleString('en')} rows/s  ` +
      `(best ${Math.round((ROWS / best) * 1000).toLocaleString('en')} rows/s), ${(cpuUs / (RUNS * ROWS)).toFixed(2)} CPU µs/row`,
  );
}

console.log(
  `node ${process.version}, ${RUNS} runs each of ${ROWS} rows in requests of ${BATCH} records, ` +
    'decode + normalise + serialise on one core',
);
for (const format of FORMATS) {
  const requests = Array.from({ length: SENDERS }, (_, sender) =>
    formatRequest(format, BATCH, sender, now),
  );
  const contentType = (requests[0] as (typeof requests)[number]).contentType;
  const bodies = requests.map((r) => r.body);
  await bench('ingest', format, KIND[format], contentType, bodies);
  await bench('general', `${format} general`, KIND[format], contentType, bodies);
}
