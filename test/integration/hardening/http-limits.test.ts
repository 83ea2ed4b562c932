// Issue 21 item 6: a client cannot hold the server's sockets open. A body trickled to a route that
// needs no credentials is cut off (HTTP_PUBLIC_BODY_TIMEOUT_MS), headers must arrive in time
// (HTTP_HEADERS_TIMEOUT_MS), and one IP may hold only HTTP_MAX_PUBLIC_REQUESTS_PER_IP such
// requests at once, while authenticated routes stay open to it.
import net from 'node:net';
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';

interface Trickle {
  socket: net.Socket;
  closedAfterMs: Promise<number>;
  received: () => string;
}

/** A raw socket that sends `head`, then one byte of body every `everyMs`. */
function trickle(port: number, head: string, everyMs: number): Trickle {
  const started = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString()));
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write('x');
  }, everyMs);
  const closedAfterMs = new Promise<number>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Date.now() - started);
    }),
  );
  return { socket, closedAfterMs, received: () => received };
}

const loginHead = (length: number) =>
  `POST /auth/local HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

t.test('HTTP timeouts and the per-IP cap', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: {
      HTTP_PUBLIC_BODY_TIMEOUT_MS: '1000',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '3000',
      HTTP_MAX_PUBLIC_REQUESTS_PER_IP: '3',
    },
  });
  const a = await makeTenant(db, config, 'http-limits');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;

  await t.test('a trickled sign-in body is cut off', async (t) => {
    const slow = trickle(port, loginHead(1000), 200);
    const ms = await within(slow.closedAfterMs, 8000);
    t.not(ms, 'timeout', 'the socket was closed');
    t.ok(typeof ms === 'number' && ms < 4000, `after ${ms} ms`);
    t.match(slow.received(), /^HTTP\/1\.1 408/, 'with a 408');
  });

  await t.test('trickled headers are cut off', async (t) => {
    const slow = trickle(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 200);
    const ms = await within(slow.closedAfterMs, 8000);
    t.not(ms, 'timeout', 'the socket was closed');
    t.ok(typeof ms === 'number' && ms < 4000, `after ${ms} ms`);
  });

  await t.test('one IP holds at most 3 public requests; authenticated ones pass', async (t) => {
    const held = [1, 2, 3].map(() => trickle(port, loginHead(1000), 100_000));
    await new Promise((r) => setTimeout(r, 200));
    const refused = await fetch(`${base}/auth/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.test', password: 'x' }),
    });
    t.equal(refused.status, 429);
    t.equal(
      ((await refused.json()) as { error: { code: string } }).error.code,
      'too_many_requests',
    );
    const me = await fetch(`${base}/v1/me`, {
      headers: { authorization: `Bearer ${a.tokens.viewer}` },
    });
    t.equal(me.status, 200, 'authenticated routes are not capped');
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closedAfterMs));
    await new Promise((r) => setTimeout(r, 100));
    const again = await fetch(`${base}/healthz`);
    t.equal(again.status, 200, 'slots come back when the requests end');
  });
});
