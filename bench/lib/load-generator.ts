// A child process that POSTs prebuilt batches (NDJSON unless the spec names another format) over
// keep-alive connections for a fixed time and reports accepted records and per-request latencies.
// It runs outside the server's process.
import http from 'node:http';
import { formatRequest } from './format-bodies.ts';
import { postKeepAlive } from './keep-alive-post.ts';
import type { Format } from './format-bodies.ts';

export interface LoadSpec {
  url: string;
  key: string;
  batchSize: number;
  concurrency: number;
  durationMs: number;
  /** The body format (and route); NDJSON on /v1/logs when absent. */
  format?: Format;
  /**
   * Records per second offered in all, paced evenly across the senders; as fast as each answer
   * comes when absent. Lag and memory mean something at a rate the server sustains: at saturation
   * the backlog, and so the lag, grows for as long as the run lasts.
   */
  ratePerS?: number;
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

async function run(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  // A few distinct bodies per sender are enough: timestamps are re-stamped by the server anyway.
  const requests = Array.from({ length: spec.concurrency }, (_, s) =>
    formatRequest(spec.format ?? 'ndjson', spec.batchSize, s),
  );
  const url = new URL(requests[0]?.path ?? '/v1/logs', spec.url);
  const contentType = requests[0]?.contentType ?? 'application/x-ndjson';
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
  const bodies = requests.map((r) => r.body);
  const deadline = Date.now() + spec.durationMs;
  const post = (payload: Buffer): Promise<number> =>
    postKeepAlive(agent, url, { key: spec.key, contentType }, payload);
  // With a rate, sender s posts its i-th body at (i + s / senders) periods from the start; one
  // that falls behind posts at once, without bursting to catch up.
  const periodMs = spec.ratePerS ? (spec.batchSize * bodies.length * 1000) / spec.ratePerS : 0;
  const start = performance.now();
  await Promise.all(
    bodies.map(async (payload, sender) => {
      let nextAt = start + (periodMs * sender) / bodies.length;
      while (Date.now() < deadline) {
        if (periodMs > 0) {
          const wait = nextAt - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          nextAt = Math.max(nextAt + periodMs, performance.now());
          if (Date.now() >= deadline) break;
        }
        const started = performance.now();
        const status = await post(payload).catch(() => 0);
        result.latenciesMs.push(performance.now() - started);
        result.requests += 1;
        // 202 on /v1/logs, 200 on OTLP and _bulk, 204 on Loki.
        if (status >= 200 && status < 300) result.accepted += spec.batchSize;
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
