// A small load balancer for many-instance tests: each request goes to the next instance in turn;
// when an instance cannot be reached (connection refused or reset before any answer, as while it
// restarts), the request is sent to the next one. Bodies are buffered so they can be re-sent;
// ingest requests carry an Idempotency-Key, so a re-send can never store a batch twice.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests sent on to another instance after a connection failure. */
  retried: number;
  /** Requests no instance could take (the client saw a 502). */
  failed: string[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(ports: readonly number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const state = { retried: 0, failed: [] as string[] };
  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
    port: number,
  ): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      // No keep-alive: a socket the instance closes while draining is never reused.
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, connection: 'close' },
          agent: false,
        },
        resolve,
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const first = next++ % ports.length;
        let lastError = '';
        for (let i = 0; i < ports.length * 2; i++) {
          const port = ports[(first + i) % ports.length] as number;
          try {
            const up = await forward(req, body, port);
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          } catch (error) {
            lastError = `:${port} ${(error as Error).message}`;
            state.retried += 1;
            // Every instance down at once: give the restarting one a moment.
            if (i >= ports.length - 1) await new Promise((r) => setTimeout(r, 200));
          }
        }
        state.failed.push(`${req.method} ${req.url}: ${lastError}`);
        res.writeHead(502).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get retried() {
      return state.retried;
    },
    failed: state.failed,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
