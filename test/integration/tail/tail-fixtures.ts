// Shared by the tail tests: a `ws` client that records every message, and small helpers to
// create a user with a token in a tenant and to POST logs.
import WebSocket from 'ws';
import type { Db } from '../../../src/infra/postgres.ts';
import type { Config } from '../../../src/config.ts';
import { addMembership, makeToken, makeUser } from '../auth/auth-fixtures.ts';
import type { MembershipRole } from '../../../src/modules/auth/roles.ts';

// Test messages are whatever the server sent: the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

export interface Row {
  id: string;
  ts: string;
  app_id: string;
  level: string;
  service: string;
  message: string;
  attributes: Record<string, string>;
}

export class TailClient {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static async open(
    baseUrl: string,
    options: { token?: string; ticket?: string; origin?: string; cookie?: string } = {},
  ): Promise<TailClient> {
    const url = new URL('/v1/tail', baseUrl.replace(/^http/, 'ws'));
    if (options.ticket) url.searchParams.set('ticket', options.ticket);
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    const ws = new WebSocket(url, {
      headers,
      ...(options.origin ? { origin: options.origin } : {}),
    });
    const client = new TailClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      // With this listener registered, ending the refused request is ours to do.
      ws.once('unexpected-response', (req, res) => {
        (req as { destroy(): void }).destroy();
        reject(new UpgradeRefused(res.statusCode ?? 0));
      });
      ws.once('error', reject);
    });
    return client;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Waits for the first message (from index `from`) that matches; returns it. */
  async next(match: (m: Message) => boolean, timeoutMs = 15_000, from = 0): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(
          `no matching message; got ${JSON.stringify(this.messages.map((m) => m.type))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async subscribe(message: object): Promise<Message> {
    const from = this.messages.length;
    this.send({ type: 'subscribe', ...message });
    return this.next((m) => m.type === 'subscribed' || m.type === 'error', 15_000, from);
  }

  rows(): Row[] {
    return this.messages.filter((m) => m.type === 'logs').flatMap((m) => m.rows as Row[]);
  }

  /** Waits until `n` rows arrived in total (or more). */
  async waitRows(n: number, timeoutMs = 15_000): Promise<Row[]> {
    await this.next(() => this.rows().length >= n, timeoutMs).catch(() => undefined);
    return this.rows();
  }

  close(): void {
    this.ws.close();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with ${status}`);
  }
}

let users = 0;

/** A user in the org with the role, and an admin-scope API token for them. */
export async function userWithToken(
  db: Db,
  config: Config,
  orgId: string,
  role: MembershipRole = 'viewer',
) {
  users += 1;
  const user = await makeUser(db, `tail-${process.pid}-${users}-${Date.now()}@example.test`);
  await addMembership(db, orgId, user, role);
  return { user, token: await makeToken(db, config, user) };
}

export async function postLogs(baseUrl: string, key: string, records: object[]): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
