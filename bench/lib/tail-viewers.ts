// A worker thread of bench/tail.bench.ts holding some of its tail sockets. 1,000 sockets receiving
// ~300 MB/s kept the bench's one event loop busy for up to a second at a time, and the latencies
// it measured, and the rate it posted at, were then its own; viewers are independent clients.
// Each probe socket timestamps a frame's rows when its thread receives the frame.
import { parentPort, workerData } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { threadCpuMicros } from '../../src/infra/thread-cpu-clock.ts';
import { uuidV7Ms } from '../../src/modules/tail/resume-point.ts';

export interface ViewerSpec {
  readonly appId: string;
  readonly filtered: boolean;
  /** Parses every frame and measures POST → delivery; the others only count bytes. */
  readonly probe: boolean;
}

export interface ViewersInput {
  readonly wsUrl: string;
  readonly token: string;
  readonly viewers: readonly ViewerSpec[];
}

export interface ViewersResult {
  readonly latencies: number[];
  /** When each measured row was posted (ms since the epoch), in the order of `latencies`. */
  readonly sentAt: number[];
  /** When the server received each measured row (its UUIDv7 id: ingest's `onRequest`). */
  readonly receivedAt: number[];
  readonly rowsParsed: number;
  readonly bytesReceived: number;
  readonly droppedNotices: number;
  /** Rows the probes were told their query's sample left out (`sampled` notices). */
  readonly sampledRows: number;
  /** This thread's CPU while measuring. */
  readonly cpuMicros: number;
  readonly loopDelayP99Ms: number;
}

/** Messages from the bench: start measuring, then stop and report. */
export type ViewersCommand = 'measure' | 'report';

if (parentPort) {
  const port = parentPort;
  const { wsUrl, token, viewers } = workerData as ViewersInput;
  const latencies: number[] = [];
  const sentAt: number[] = [];
  const receivedAt: number[] = [];
  let rowsParsed = 0;
  let bytesReceived = 0;
  let droppedNotices = 0;
  let sampledRows = 0;
  let measuring = false;
  const sockets: WebSocket[] = [];
  for (const viewer of viewers) {
    const ws = new WebSocket(wsUrl, {
      headers: { authorization: `Bearer ${token}` },
      skipUTF8Validation: !viewer.probe,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data) => {
      const buffer = data as Buffer;
      bytesReceived += buffer.length;
      if (!viewer.probe) return;
      const message = JSON.parse(buffer.toString()) as {
        type: string;
        rows?: { id: string; attributes: { sent: string } }[];
        count?: number;
      };
      if (message.type === 'dropped') droppedNotices += 1;
      if (message.type === 'sampled' && measuring) sampledRows += message.count ?? 0;
      if (message.type !== 'logs' || !measuring) return;
      const now = Date.now();
      for (const row of message.rows ?? []) {
        const sent = Number(row.attributes.sent);
        latencies.push(now - sent);
        sentAt.push(sent);
        receivedAt.push(uuidV7Ms(row.id));
        rowsParsed += 1;
      }
    });
    ws.send(
      JSON.stringify({
        type: 'subscribe',
        apps: [viewer.appId],
        q: viewer.filtered ? 'level:error' : '',
      }),
    );
    sockets.push(ws);
  }
  let cpu0 = threadCpuMicros();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  port.on('message', (command: ViewersCommand) => {
    if (command === 'measure') {
      measuring = true;
      bytesReceived = 0;
      cpu0 = threadCpuMicros();
      loopDelay.enable();
      return;
    }
    measuring = false;
    loopDelay.disable();
    const cpuMicros = threadCpuMicros() - cpu0;
    for (const ws of sockets) ws.terminate();
    const result: ViewersResult = {
      latencies,
      sentAt,
      receivedAt,
      rowsParsed,
      bytesReceived,
      droppedNotices,
      sampledRows,
      cpuMicros,
      loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
    };
    port.postMessage(result);
  });
  port.postMessage('ready');
}
