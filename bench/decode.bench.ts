/**
 * Pure ingest decode throughput: body → serialised (JSONCompactEachRow) bytes, no HTTP, no Redis,
 * as ingest runs it (decodeAndSerialiseIngestBody: NDJSON through the fast path) and through the
 * general path (decodeIngestBody → rows → serialiseRows).
 * Run: node --import tsx bench/decode.bench.ts [rows]
 */
import protobuf from 'protobufjs';
import {
  decodeAndSerialiseIngestBody,
  decodeIngestBody,
  DEFAULT_INGEST_LIMITS,
  serialiseRows,
} from '../src/modules/ingest/decode/index.ts';
import type { IngestRouteKind } from '../src/modules/ingest/decode/index.ts';

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
const LEVELS = ['info', 'warn', 'error', 'debug'];

function ndjsonBody(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    lines.push(
      JSON.stringify({
        timestamp: new Date(now - (ROWS - i)).toISOString(),
        level: LEVELS[i % 4],
        message: `GET /api/orders/${i} 200 in ${i % 97} ms`,
        service: 'checkout',
        host: `web-${i % 8}`,
        trace_id: '5b8efff798038103d269b633813fc60c',
        user_id: `u${i % 1000}`,
        http: { method: 'GET', status: 200, route: '/api/orders/:id' },
        duration_ms: i % 97,
      }),
    );
  }
  return Buffer.from(lines.join('\n'));
}

function otlpBody(): Buffer {
  const root = protobuf.Root.fromJSON({
    nested: {
      AnyValue: {
        oneofs: { value: { oneof: ['stringValue', 'intValue'] } },
        fields: { stringValue: { type: 'string', id: 1 }, intValue: { type: 'int64', id: 3 } },
      },
      KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
      LogRecord: {
        fields: {
          timeUnixNano: { type: 'fixed64', id: 1 },
          severityNumber: { type: 'int32', id: 2 },
          body: { type: 'AnyValue', id: 5 },
          attributes: { rule: 'repeated', type: 'KeyValue', id: 6 },
          traceId: { type: 'bytes', id: 9 },
          spanId: { type: 'bytes', id: 10 },
        },
      },
      ScopeLogs: { fields: { logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 } } },
      Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
      ResourceLogs: {
        fields: {
          resource: { type: 'Resource', id: 1 },
          scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
        },
      },
      Req: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
    },
  });
  const Req = root.lookupType('Req');
  const trace = Buffer.from('5b8efff798038103d269b633813fc60c', 'hex');
  const span = Buffer.from('eee19b7ec3c1b174', 'hex');
  const logRecords = [];
  for (let i = 0; i < ROWS; i++) {
    logRecords.push({
      timeUnixNano: String(BigInt(now - (ROWS - i)) * 1_000_000n + 123n),
      severityNumber: [9, 13, 17, 5][i % 4],
      body: { stringValue: `GET /api/orders/${i} 200 in ${i % 97} ms` },
      attributes: [
        { key: 'http.method', value: { stringValue: 'GET' } },
        { key: 'http.status_code', value: { intValue: 200 } },
        { key: 'user.id', value: { stringValue: `u${i % 1000}` } },
      ],
      traceId: trace,
      spanId: span,
    });
  }
  const resource = {
    attributes: [
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'host.name', value: { stringValue: 'web-1' } },
    ],
  };
  return Buffer.from(
    Req.encode(
      Req.fromObject({ resourceLogs: [{ resource, scopeLogs: [{ logRecords }] }] }),
    ).finish(),
  );
}

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
const ndjson = ndjsonBody();
await bench('ingest', 'NDJSON', 'logs', 'application/x-ndjson', ndjson);
await bench('general', 'NDJSON general', 'logs', 'application/x-ndjson', ndjson);
await bench('ingest', 'OTLP protobuf', 'otlp', 'application/x-protobuf', otlpBody());
