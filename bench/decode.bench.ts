/**
 * Pure ingest decode throughput: body → serialised (JSONCompactEachRow) bytes, no HTTP, no Redis,
 * as ingest runs it (decodeAndSerialiseIngestBody: NDJSON, OTLP protobuf and OTLP/JSON through
 * their fast paths) and through the general path (decodeIngestBody → rows → serialiseRows), for
 * every format with the same records (bench/lib/format-bodies.ts). The general path is what OTLP
 * protobuf and OTLP/JSON took before their fast paths, so one run shows before and after.
 * Run: node --import tsx bench/decode.bench.ts [rows]
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
const RUNS = 5;
const limits = {
  ...DEFAULT_INGEST_LIMITS,
  maxRecordsPerRequest: ROWS,
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
};

async function bench(
  path: 'ingest' | 'general',
  name: string,
  kind: IngestRouteKind,
  contentType: string,
  body: Buffer,
): Promise<void> {
  const times: number[] = [];
  let bytes = 0;
  let cpuUs = 0;
  const input = { kind, contentType, contentEncoding: undefined, body, limits, now };
  for (let run = 0; run < RUNS + 1; run++) {
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    let accepted: number;
    let rejected: number;
    let out: Buffer | undefined;
    if (path === 'ingest') {
      const result = await decodeAndSerialiseIngestBody(input, tenant);
      ({ accepted, serialised: out } = result);
      rejected = result.rejected.length;
    } else {
      const result = await decodeIngestBody(input);
      out = serialiseRows(result.rows, tenant);
      accepted = result.rows.length;
      rejected = result.rejected.length;
    }
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    if (accepted !== ROWS || rejected > 0)
      throw new Error(`${name}: ${accepted} rows, ${rejected} rejected`);
    bytes = out?.length ?? 0;
    // The first run warms the JIT up.
    if (run === 0) continue;
    times.push(elapsed);
    cpuUs += cpu.user + cpu.system;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] as number;
  const best = times[0] as number;
  console.log(
    `${name.padEnd(16)} ${ROWS} rows  body ${(body.length / 1e6).toFixed(1)} MB → serialised ${(bytes / 1e6).toFixed(1)} MB  ` +
      `median ${median.toFixed(0)} ms = ${Math.round((ROWS / median) * 1000).toLocaleString('en')} rows/s  ` +
      `(best ${Math.round((ROWS / best) * 1000).toLocaleString('en')} rows/s), ${(cpuUs / (RUNS * ROWS)).toFixed(2)} CPU µs/row`,
  );
}

console.log(
  `node ${process.version}, ${RUNS} runs each, decode + normalise + serialise on one core`,
);
for (const format of FORMATS) {
  const { contentType, body } = formatRequest(format, ROWS, 0, now);
  await bench('ingest', format, KIND[format], contentType, body);
  await bench('general', `${format} general`, KIND[format], contentType, body);
}
