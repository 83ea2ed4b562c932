// A loopback stand-in for the ALB: forwards every request to the current target, switches targets
// the way CodeDeploy reroutes the target group, and reports when a deregistered target has no
// request left in flight (connection draining), so the test knows when blue may get SIGTERM.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AlbProxy {
  url: string;
  target(): number;
  switchTo(port: number): void;
  /** Resolves when no request to `port` is in flight, or rejects after `timeoutMs`. */
  drained(port: number, timeoutMs: number): Promise<void>;
  /** Requests the proxy could not forward (the client saw a 502). */
  readonly upstreamErrors: string[];
  close(): Promise<void>;
}

export async function startAlbProxy(initialTarget: number): Promise<AlbProxy> {
  let target = initialTarget;
  const inFlight = new Map<number, number>();
  const agents = new Map<number, http.Agent>();
  const upstreamErrors: string[] = [];
  const agentFor = (port: number): http.Agent => {
    let agent = agents.get(port);
    if (!agent) {
      agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
      agents.set(port, agent);
    }
    return agent;
  };

  const server = http.createServer((req, res) => {
    const port = target;
    inFlight.set(port, (inFlight.get(port) ?? 0) + 1);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inFlight.set(port, (inFlight.get(port) ?? 1) - 1);
    };
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent: agentFor(port),
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', finish);
        up.on('error', finish);
      },
    );
    upstream.on('error', (error) => {
      finish();
      upstreamErrors.push(`${req.method} ${req.url} -> :${port}: ${error.message}`);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    target: () => target,
    switchTo(port: number) {
      target = port;
    },
    async drained(port: number, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while ((inFlight.get(port) ?? 0) > 0) {
        if (Date.now() > deadline)
          throw new Error(`:${port} still has ${inFlight.get(port)} requests in flight`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // Like the ALB after deregistration: no new requests, idle keep-alive sockets closed.
      agents.get(port)?.destroy();
      agents.delete(port);
    },
    upstreamErrors,
    async close() {
      for (const agent of agents.values()) agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
