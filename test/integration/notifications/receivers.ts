// Real receivers on loopback for notification tests: an HTTP server that records what it is sent
// (and can go down and come back on the same port), and an SMTP server that records mail.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  atMs: number;
}

export interface HttpReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Status to answer with (default 200). */
  status: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  let server: http.Server | undefined;
  let port = 0;
  const receiver: HttpReceiver = {
    url: '',
    received: [],
    status: 200,
    async up() {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (receiver.status >= 200 && receiver.status < 300) {
            receiver.received.push({
              path: req.url ?? '',
              headers: req.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              atMs: Date.now(),
            });
          }
          res.writeHead(receiver.status, { connection: 'close' }).end('ok');
        });
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', () => resolve()));
      port = (server.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/hook`;
    },
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    close: () => receiver.down(),
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.received.length < count && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return receiver.received;
    },
  };
  await receiver.up();
  return receiver;
}

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export async function startSmtpReceiver(): Promise<{
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  stepMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
