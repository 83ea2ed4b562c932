// A child process that POSTs prebuilt NDJSON batches over keep-alive connections for a fixed time
// and reports accepted records and per-request latencies. It runs outside the server's process.
import http from 'node:http';

export interface LoadSpec {
  url: string;
  key: string;
  batchSize: number;
  concurrency: number;
  durationMs: number;
}

export interface LoadResult {
  accepted: number;
  requests: number;
  refused: Record<string, number>;
  latenciesMs: number[];
  startedAtMs: number;
  endedAtMs: number;
  /** This process's CPU time (user + system), µs: the sender's share of the box. */
  cpuUs: number;
}

function body(batchSize: number, sender: number, seq: number): Buffer {
  const lines: string[] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < batchSize; i++) {
    lines.push(
      JSON.stringify({
        timestamp: now,
        level: i % 10 === 0 ? 'error' : 'info',
        message: `GET /api/orders/${seq + i} 200 in ${(seq + i) % 97} ms`,
        service: 'checkout',
        host: `web-${sender % 8}`,
        trace_id: '5b8efff798038103d269b633813fc60c',
        user_id: `u${i % 1000}`,
        http: { method: 'GET', status: 200 },
        sender,
        seq: seq + i,
      }),
    );
  }
  return Buffer.from(lines.join('\n'));
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const url = new URL('/v1/logs', spec.url);
  const result: LoadResult = {
    accepted: 0,
    requests: 0,
    refused: {},
    latenciesMs: [],
    startedAtMs: Date.now(),
    endedAtMs: 0,
    cpuUs: 0,
  };
  const cpu0 = process.cpuUsage();
  // A few distinct bodies per sender are enough: timestamps are re-stamped by the server anyway.
  const bodies = Array.from({ length: spec.concurrency }, (_, s) => body(spec.batchSize, s, 0));
  const deadline = Date.now() + spec.durationMs;
  const post = (payload: Buffer): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${spec.key}`,
            'content-type': 'application/x-ndjson',
            'content-length': payload.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  await Promise.all(
    bodies.map(async (payload) => {
      while (Date.now() < deadline) {
        const started = performance.now();
        const status = await post(payload).catch(() => 0);
        result.latenciesMs.push(performance.now() - started);
        result.requests += 1;
        if (status === 202) result.accepted += spec.batchSize;
        else {
          result.refused[String(status)] = (result.refused[String(status)] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  result.endedAtMs = Date.now();
  const cpu = process.cpuUsage(cpu0);
  result.cpuUs = cpu.user + cpu.system;
  agent.destroy();
  return result;
}

process.once('message', (spec: LoadSpec) => {
  void run(spec).then((result) => process.send?.(result, () => process.exit(0)));
});
